"""The search page behind the search box in the header (see ``portal.search``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal import search as search_service

RESULT_LIMIT = 50


@login_required
@require_GET
def search(request):
    query = search_service.clean_query(request.GET.get("q"))
    results = search_service.search(request.user, query, limit=RESULT_LIMIT)
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "searched": len(query) >= search_service.MIN_QUERY_LENGTH,
            "results": results,
            "truncated": len(results) >= RESULT_LIMIT,
            "limit": RESULT_LIMIT,
        },
    )
