from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from municipalities.models import County, Municipality
from portal.scoping import get_for_user


@login_required
@require_GET
def county_list(request):
    counties = County.objects.visible_to(request.user)
    return render(request, "municipalities/county_list.html", {"counties": counties})


@login_required
@require_GET
def county_detail(request, code):
    county = get_for_user(request.user, County, code=code)
    municipalities = county.municipalities.order_by("name")
    return render(request, "municipalities/county_detail.html", {"county": county, "municipalities": municipalities})


@login_required
@require_GET
def municipality_detail(request, code):
    municipality = get_for_user(request.user, Municipality.objects.select_related("county"), code=code)
    return render(request, "municipalities/municipality_detail.html", {"municipality": municipality})
