"""Atom feeds of newly published citizen pledges and follow-ups, per municipality and per county, in the
URL's language; public material only (``Model.objects.public()``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from agreements.models import CitizenPledge, FollowUp
from portal.public import links, queries

LIMIT = 30


@dataclass
class Entry:
    title: str
    description: str
    link: str
    published: datetime.datetime
    key: str


def _at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def entries(pledges, follow_ups) -> list[Entry]:
    """The newest published pledges and follow-ups, newest first (two queries)."""
    rows = [
        Entry(
            title=_("Citizen pledge: %(title)s") % {"title": pledge.title},
            description=pledge.background,
            link=links.pledge_url(pledge),
            published=_at_noon(pledge.published_on or pledge.period_start),
            key=f"pledge-{pledge.pk}",
        )
        for pledge in pledges.select_related("municipality").order_by("-published_on", "-pk")[:LIMIT]
    ]
    for follow_up in follow_ups.select_related("municipality", "pledge", "agreement").order_by("-published_at")[:LIMIT]:
        rows.append(
            Entry(
                title=_("Follow-up of %(title)s") % {"title": follow_up.target.title},
                description=follow_up.summary,
                link=links.follow_up_url(follow_up),
                published=follow_up.published_at,
                key=f"follow-up-{follow_up.pk}",
            )
        )
    return sorted(rows, key=lambda entry: entry.published, reverse=True)[:LIMIT]


class PublicFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        with translation.override(links.language_of(request.resolver_match.namespace)):
            self.site = request.build_absolute_uri("/").rstrip("/")
            return super().__call__(request, *args, **kwargs)

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.description

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_pubdate(self, item: Entry) -> datetime.datetime:
        return item.published

    def item_guid(self, item: Entry) -> str:
        return f"{self.site}{item.link}#{item.key}"

    item_guid_is_permalink = False


class MunicipalityFeed(PublicFeed):
    def get_object(self, request, municipality):
        found = queries.municipality_by_slug(municipality)
        if found is None:
            raise Http404
        return found

    def title(self, obj) -> str:
        return _("Citizen pledges and follow-ups of %(name)s") % {"name": obj.name}

    def link(self, obj) -> str:
        return links.municipality_url(obj)

    def subtitle(self, obj) -> str:
        return _("Newly published citizen pledges and follow-ups.")

    def items(self, obj) -> list[Entry]:
        return entries(
            CitizenPledge.objects.public().filter(municipality=obj), FollowUp.objects.public().filter(municipality=obj)
        )


class CountyFeed(MunicipalityFeed):
    def get_object(self, request, county):
        found = queries.county_by_slug(county)
        if found is None:
            raise Http404
        return found

    def link(self, obj) -> str:
        return links.county_url(obj)

    def items(self, obj) -> list[Entry]:
        return entries(
            CitizenPledge.objects.public().filter(municipality__county=obj),
            FollowUp.objects.public().filter(municipality__county=obj),
        )
