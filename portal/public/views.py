"""The public pages: anyone may read them, without signing in.

A page is the same for every visitor: the language comes from the URL (``/trygghet/…`` Swedish,
``/en/trygghet/…`` English) and is switched by links, no form is posted, and the page is rendered
without the request's context processors, so nothing reads the session, the user or a CSRF token
(no cookie is set). Only public material is read (``portal/public/queries.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial, wraps

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from core import caching
from municipalities.models import ComplianceState, County
from portal.models import PublicContact
from portal.public import links, queries, statements
from portal.public.search import SPECS
from portal.public.sitemaps import SITEMAPS
from portal.search import MAX_QUERY_LENGTH, clean_query, search

PUBLIC_MAX_AGE = 60


@dataclass
class Page:
    template: str
    context: dict


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


def _everywhere(request, **kwargs) -> list[str]:
    """A page over the whole country reads every county's data."""
    return [caching.county_scope(pk) for pk in County.objects.values_list("pk", flat=True)]


def _county_of_municipality(request, municipality: str, **kwargs) -> list[str]:
    return [caching.county_scope(_municipality(request, municipality).county_id)]


def _county(request, county: str, **kwargs) -> list[str]:
    return [caching.county_scope(_found_county(request, county).pk)]


def public_page(view=None, *, scopes=_everywhere, cache: bool = True, store: bool = True, frames=None):
    """Render the ``Page`` the view returns in the URL's language, the same for every visitor.

    The page is cached through ``core.caching`` under the data versions of the counties it reads
    (``scopes(request, **kwargs)``), its URL and the language, and answers with an ETag and Last-Modified from
    those versions: a request whose validators still hold gets 304 without the page being computed,
    and any write to the county's data makes the next request compute it anew. A cache that is down
    only means the page is computed. ``frames(request, **kwargs)``: the origins that may show the page in a
    frame (an embeddable page), asked on every answer, a 304 too; without it no one may. ``store``
    False: the page has validators but is not kept (a page over every county, whose cache key
    naming each county's version would be too long, and which is cheap to compute).
    """
    if view is None:
        return partial(public_page, scopes=scopes, cache=cache, store=store, frames=frames)

    @require_safe
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = links.language_of(request.resolver_match.namespace)
        with translation.override(language):

            def render() -> tuple[str, list[str] | None]:
                page = view(request, *args, **kwargs)
                context = {
                    "ns": links.namespace(language),
                    "states": ComplianceState.choices,
                    **page.context,
                    "other_languages": _other_languages(request),
                    "page_url": request.build_absolute_uri(request.path),
                }
                return render_to_string(page.template, context)

            if not cache:
                response = HttpResponse(render())
            else:
                read = scopes(request, **kwargs)
                vary = (request.get_host(), request.path, request.META.get("QUERY_STRING", ""))
                etag, changed = caching.validators(read, vary=vary)
                etag = f'"{etag}"'
                last_modified = int(changed.timestamp()) if changed else None
                response = get_conditional_response(request, etag=etag, last_modified=last_modified)
                if response is None and store:
                    name = f"public:{request.resolver_match.url_name}"
                    response = HttpResponse(caching.cached(name, read, render, vary=vary))
                elif response is None:
                    response = HttpResponse(render())
                response["ETag"] = etag
                if last_modified is not None:
                    response["Last-Modified"] = http_date(last_modified)
                # The same for everyone: shared caches may keep it a minute, then ask again with the validators.
                patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        response["Content-Language"] = language
        response.language_in_url = True
        if frames is not None:
            # django-csp's per-response replacement; X-Frame-Options would refuse every frame.
            response._csp_replace = {"frame-ancestors": frames(request, **kwargs) or ["'none'"]}
            response.xframe_options_exempt = True
        return response

    return wrapper


def _lookup(request, kind: str, slug: str, find):
    """The county or municipality the URL names, read once per request (the validators and the page both need it)."""
    found = request.__dict__.setdefault("public_lookups", {})
    if (kind, slug) not in found:
        found[kind, slug] = find(slug)
    if found[kind, slug] is None:
        raise Http404
    return found[kind, slug]


def _municipality(request, slug: str):
    return _lookup(request, "municipality", slug, queries.municipality_by_slug)


def _found_county(request, slug: str):
    return _lookup(request, "county", slug, queries.county_by_slug)


def _slugs(municipality) -> dict:
    return {
        "municipality_slug": queries.slug_of(municipality.name),
        "county_slug": queries.slug_of(municipality.county.name),
    }


@public_page(store=False)
def sweden(request):
    return Page("public/sweden.html", {"rows": queries.sweden_page()})


@public_page(scopes=_county)
def county(request, county):
    found = _found_county(request, county)
    return Page("public/county.html", {"page": queries.county_page(found), "county_slug": queries.slug_of(found.name)})


@public_page(scopes=_county_of_municipality)
def municipality(request, municipality):
    found = _municipality(request, municipality)
    return Page("public/municipality.html", {"page": queries.municipality_page(found), **_slugs(found)})


@public_page(scopes=_county_of_municipality)
def pledge(request, municipality, pk):
    found = _municipality(request, municipality)
    pledge = queries.public_pledge(found, pk)
    if pledge is None:
        raise Http404
    return Page("public/pledge.html", {"municipality": found, "pledge": pledge, **_slugs(found)})


@public_page(scopes=_county_of_municipality)
def agreement(request, municipality, pk):
    found = _municipality(request, municipality)
    agreement = queries.public_agreement(found, pk)
    if agreement is None:
        raise Http404
    return Page("public/agreement.html", {"municipality": found, "agreement": agreement, **_slugs(found)})


@public_page(store=False)
def search_page(request):
    query = clean_query(request.GET.get("q"))
    results = search(None, query, specs=SPECS) if query else []
    return Page("public/search.html", {"query": query, "results": results, "max_length": MAX_QUERY_LENGTH})


@public_page(cache=False)
def accessibility(request):
    statement = statements.statement_for(translation.get_language())
    return Page("public/accessibility.html", {"statement": statement, "facts": statements.check_facts()})


@public_page(cache=False)
def privacy(request):
    notice = statements.notice_for(translation.get_language())
    return Page("public/privacy.html", {"notice": notice, "sections": statements.sections(notice.text)})


def _embed_origins(request, municipality: str, **kwargs) -> list[str]:
    """The web sites the county registered for the municipality."""
    contact = PublicContact.objects.filter(municipality=_municipality(request, municipality)).first()
    return contact.origins() if contact else []


@public_page(scopes=_county_of_municipality, frames=_embed_origins)
def embed(request, municipality):
    """The municipality's current pledges and their follow-ups, minimal, for an iframe on the web sites
    the county registered for the municipality (and no other)."""
    found = _municipality(request, municipality)
    return Page("public/embed.html", {"page": queries.municipality_page(found), **_slugs(found)})


@require_safe
def sitemap(request):
    """Every public page, in both languages."""
    return sitemap_view(request, SITEMAPS, template_name="public/sitemap.xml")


@require_safe
def robots(request):
    """Search engines read the public site and nothing else; the sitemap lists its pages."""
    lines = [
        "User-agent: *",
        *(f"Allow: {reverse(f'{name}:sweden')}" for name in links.NAMESPACES.values()),
        "Disallow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('public_sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
