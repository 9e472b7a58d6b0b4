from django.urls import path

from municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("lan/", views.county_list, name="county_list"),
    path("lan/<str:code>/", views.county_detail, name="county_detail"),
    path("kommuner/<str:code>/", views.municipality_detail, name="municipality_detail"),
    path("kommuner/<str:code>/profil/", views.municipality_edit, name="municipality_edit"),
    path("kommuner/<str:code>/rad/", views.part_edit, {"part": "council_members"}, name="council_members_edit"),
    path("kommuner/<str:code>/samordnare/", views.part_edit, {"part": "coordinators"}, name="coordinators_edit"),
    path("kommuner/<str:code>/nyckeltal/", views.part_edit, {"part": "key_figures"}, name="key_figures_edit"),
    path("kommuner/<str:code>/efterlevnad/<str:obligation>/", views.compliance_edit, name="compliance_edit"),
    path("dokument/efterlevnad/<int:pk>/", views.compliance_document, name="compliance_document"),
    path("dokument/efterlevnad/<int:pk>/ta-bort/", views.compliance_document_delete, name="compliance_document_delete"),
    path("nyckeltal/import/", views.key_figures_import, name="key_figures_import"),
    path("lan/<str:code>/nyckeltal/", views.county_key_figures, name="county_key_figures"),
    path("nyckeltal/importer/<int:pk>/", views.key_figure_import, name="key_figure_import"),
    path("nyckeltal/importer/<int:pk>/status/", views.key_figure_import_status, name="key_figure_import_status"),
]
