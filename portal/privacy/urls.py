from django.urls import path

from portal.privacy import views

app_name = "privacy"

urlpatterns = [
    path("personuppgifter/", views.register, name="register"),
    path("personuppgifter/konton/<int:pk>/", views.person, name="person"),
    path("personuppgifter/konton/<int:pk>/export.<str:fmt>", views.person_export, name="person_export"),
    path("personuppgifter/konton/<int:pk>/ta-bort/", views.person_remove, name="person_remove"),
    path("personuppgifter/person/", views.named_person, name="named_person"),
    path("personuppgifter/person/export.<str:fmt>", views.named_export, name="named_export"),
    path("personuppgifter/person/ta-bort/", views.named_remove, name="named_remove"),
]
