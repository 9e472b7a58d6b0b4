"""The public pages: anyone may read them, without signing in.

A page is the same for every visitor: the language comes from the URL (``/trygghet/…`` Swedish,
``/en/trygghet/…`` English) and is switched by links, no form is posted, and the page is rendered
without the request's context processors, so nothing reads the session, the user or a CSRF token
(no cookie is set). Only public material is read (``portal/public/queries.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from municipalities.models import ComplianceState
from portal.public import links, queries, statements
from portal.public.search import SPECS
from portal.search import MAX_QUERY_LENGTH, clean_query, search


@dataclass
class Page:
    template: str
    context: dict
    # The origins that may show the page in a frame (an embeddable page); None: no one (the site's default).
    frame_ancestors: list[str] | None = None


def _other_languages(request) -> list[dict]:
    """Links to this page in the other languages (the same URL name and arguments, the query kept)."""
    match = request.resolver_match
    current = links.language_of(match.namespace)
    query = request.META.get("QUERY_STRING", "")
    result = []
    for code, name in links.NAMESPACES.items():
        if code == current:
            continue
        try:
            url = reverse(f"{name}:{match.url_name}", kwargs=match.kwargs)
        except NoReverseMatch:
            url = reverse(f"{name}:sweden")
        result.append(
            {"code": code, "url": f"{url}?{query}" if query else url, "name": "Svenska" if code == "sv" else "English"}
        )
    return result


def public_page(view):
    """Render the ``Page`` the view returns in the URL's language, the same for every visitor."""

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = links.language_of(request.resolver_match.namespace)
        with translation.override(language):
            page = view(request, *args, **kwargs)
            context = {
                "ns": links.namespace(language),
                "states": ComplianceState.choices,
                **page.context,
                "other_languages": _other_languages(request),
                "page_url": request.build_absolute_uri(request.path),
            }
            response = HttpResponse(render_to_string(page.template, context))
        response["Content-Language"] = language
        response.language_in_url = True
        if page.frame_ancestors is not None:
            # django-csp's per-response replacement; X-Frame-Options would refuse every frame.
            response._csp_replace = {"frame-ancestors": page.frame_ancestors or ["'none'"]}
            response.xframe_options_exempt = True
        return response

    return wrapper


def _municipality(slug: str):
    municipality = queries.municipality_by_slug(slug)
    if municipality is None:
        raise Http404
    return municipality


def _slugs(municipality) -> dict:
    return {
        "municipality_slug": queries.slug_of(municipality.name),
        "county_slug": queries.slug_of(municipality.county.name),
    }


@public_page
def sweden(request):
    return Page("public/sweden.html", {"rows": queries.sweden_page()})


@public_page
def county(request, county):
    found = queries.county_by_slug(county)
    if found is None:
        raise Http404
    return Page("public/county.html", {"page": queries.county_page(found)})


@public_page
def municipality(request, municipality):
    found = _municipality(municipality)
    return Page("public/municipality.html", {"page": queries.municipality_page(found), **_slugs(found)})


@public_page
def pledge(request, municipality, pk):
    found = _municipality(municipality)
    pledge = queries.public_pledge(found, pk)
    if pledge is None:
        raise Http404
    return Page("public/pledge.html", {"municipality": found, "pledge": pledge, **_slugs(found)})


@public_page
def agreement(request, municipality, pk):
    found = _municipality(municipality)
    agreement = queries.public_agreement(found, pk)
    if agreement is None:
        raise Http404
    return Page("public/agreement.html", {"municipality": found, "agreement": agreement, **_slugs(found)})


@public_page
def search_page(request):
    query = clean_query(request.GET.get("q"))
    results = search(None, query, specs=SPECS) if query else []
    return Page("public/search.html", {"query": query, "results": results, "max_length": MAX_QUERY_LENGTH})


@public_page
def accessibility(request):
    statement = statements.statement_for(translation.get_language())
    return Page("public/accessibility.html", {"statement": statement, "facts": statements.check_facts()})


@public_page
def privacy(request):
    notice = statements.notice_for(translation.get_language())
    return Page("public/privacy.html", {"notice": notice, "sections": statements.sections(notice.text)})


@public_page
def embed(request, municipality):
    """The municipality's current pledges and their follow-ups, minimal, for an iframe on the web sites
    the county registered for the municipality (and no other)."""
    found = _municipality(municipality)
    page = queries.municipality_page(found)
    origins = page.contact.origins() if page.contact else []
    return Page("public/embed.html", {"page": page, **_slugs(found)}, frame_ancestors=origins)
