from django.urls import path

from portal.privacy import views

app_name = "privacy"

urlpatterns = [
    path("personuppgifter/", views.register, name="register"),
    path("personuppgifter/konton/<int:pk>/", views.person, name="person"),
    path("personuppgifter/konton/<int:pk>/utdrag.json", views.person_export, {"fmt": "json"}, name="person_json"),
    path("personuppgifter/konton/<int:pk>/utdrag/pdf/", views.person_pdf, name="person_pdf"),
    path("personuppgifter/konton/<int:pk>/ta-bort/", views.person_remove, name="person_remove"),
    path("personuppgifter/person/", views.named_person, name="named_person"),
    path("personuppgifter/person/utdrag.json", views.named_export, {"fmt": "json"}, name="named_json"),
    path("personuppgifter/person/utdrag/pdf/", views.named_pdf, name="named_pdf"),
    path("personuppgifter/utdrag/<uuid:key>/", views.export_detail, name="export_detail"),
    path("personuppgifter/utdrag/<uuid:key>/fil/", views.export_file, name="export_file"),
    path("personuppgifter/person/ta-bort/", views.named_remove, name="named_remove"),
]
