"""The public site's pages; included twice by ``portal/urls.py``: ``/trygghet/`` (Swedish, namespace
``public``) and ``/en/trygghet/`` (English, ``public_en``)."""

from django.urls import path

from portal.public import feeds, views

urlpatterns = [
    path("", views.sweden, name="sweden"),
    path("sok/", views.search_page, name="search"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("personuppgifter/", views.privacy, name="privacy"),
    path("lan/<slug:county>/", views.county, name="county"),
    path("lan/<slug:county>/flode/", feeds.CountyFeed(), name="county_feed"),
    path("<slug:municipality>/", views.municipality, name="municipality"),
    path("<slug:municipality>/inbaddning/", views.embed, name="embed"),
    path("<slug:municipality>/flode/", feeds.MunicipalityFeed(), name="municipality_feed"),
    path("<slug:municipality>/medborgarloften/<int:pk>/", views.pledge, name="pledge"),
    path("<slug:municipality>/overenskommelser/<int:pk>/", views.agreement, name="agreement"),
]
