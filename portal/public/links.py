"""The public site's URLs, in the language being shown: Swedish under ``/trygghet/``, English under
``/en/trygghet/`` (two namespaces of the same patterns, ``public`` and ``public_en``)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portal.public.queries import slug_of

NAMESPACES = {"sv": "public", "en": "public_en"}


def namespace(language: str | None = None) -> str:
    return NAMESPACES.get(language or translation.get_language() or settings.LANGUAGE_CODE, "public")


def language_of(namespace_name: str) -> str:
    return next((code for code, name in NAMESPACES.items() if name == namespace_name), settings.LANGUAGE_CODE)


def public_url(name: str, *, language: str | None = None, **kwargs) -> str:
    return reverse(f"{namespace(language)}:{name}", kwargs=kwargs or None)


def county_url(county) -> str:
    return public_url("county", county=slug_of(county.name))


def municipality_url(municipality) -> str:
    return public_url("municipality", municipality=slug_of(municipality.name))


def pledge_url(pledge) -> str:
    return public_url("pledge", municipality=slug_of(pledge.municipality.name), pk=pledge.pk)


def agreement_url(agreement) -> str:
    return public_url("agreement", municipality=slug_of(agreement.municipality.name), pk=agreement.pk)


def follow_up_url(follow_up) -> str:
    slug = slug_of(follow_up.municipality.name)
    if follow_up.pledge_id:
        target = public_url("pledge", municipality=slug, pk=follow_up.pledge_id)
    else:
        target = public_url("agreement", municipality=slug, pk=follow_up.agreement_id)
    return f"{target}#uppfoljning-{follow_up.pk}"


def plan_url(plan) -> str:
    return f"{county_url(plan.county)}#plan-{plan.pk}"


def measure_url(measure) -> str:
    return f"{county_url(measure.plan.county)}#insats-{measure.pk}"
