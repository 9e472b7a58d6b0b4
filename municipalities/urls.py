from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("lan/", views.county_list, name="county_list"),
    path("lan/<str:code>/", views.county_detail, name="county_detail"),
    path("kommuner/<str:code>/", views.municipality_detail, name="municipality_detail"),
]
