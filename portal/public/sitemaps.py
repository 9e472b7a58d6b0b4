"""``sitemap.xml``: every public page in both languages (the language is the URL's)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap

from agreements.models import CitizenPledge, CooperationAgreement
from municipalities.models import County, Municipality
from portal.public import links


class PublicSitemap(Sitemap):
    """Rows are (language, object); ``kind`` says which page of the object."""

    kind = ""

    def objects(self):
        return []

    def items(self):
        return [(language, obj) for obj in self.objects() for language in links.NAMESPACES]

    def location(self, item) -> str:
        language, obj = item
        with_language = {"language": language}
        if self.kind == "sweden":
            return links.public_url("sweden", **with_language)
        return {
            "county": lambda: links.public_url("county", county=links.slug_of(obj.name), **with_language),
            "municipality": lambda: links.public_url(
                "municipality", municipality=links.slug_of(obj.name), **with_language
            ),
            "pledge": lambda: links.public_url(
                "pledge", municipality=links.slug_of(obj.municipality.name), pk=obj.pk, **with_language
            ),
            "agreement": lambda: links.public_url(
                "agreement", municipality=links.slug_of(obj.municipality.name), pk=obj.pk, **with_language
            ),
        }[self.kind]()


class SwedenSitemap(PublicSitemap):
    kind = "sweden"
    priority = 1.0

    def objects(self):
        return [None]


class CountySitemap(PublicSitemap):
    kind = "county"

    def objects(self):
        return County.objects.order_by("code")


class MunicipalitySitemap(PublicSitemap):
    kind = "municipality"

    def objects(self):
        return Municipality.objects.order_by("code")


class PledgeSitemap(PublicSitemap):
    kind = "pledge"

    def objects(self):
        return CitizenPledge.objects.public().select_related("municipality").order_by("pk")


class AgreementSitemap(PublicSitemap):
    kind = "agreement"

    def objects(self):
        return CooperationAgreement.objects.public().select_related("municipality").order_by("pk")


SITEMAPS = {
    "sweden": SwedenSitemap,
    "counties": CountySitemap,
    "municipalities": MunicipalitySitemap,
    "pledges": PledgeSitemap,
    "agreements": AgreementSitemap,
}
