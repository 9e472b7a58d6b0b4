from django.urls import path

from . import views

app_name = "twofactor"

urlpatterns = [
    path("", views.verify, name="verify"),
    path("installningar/", views.manage, name="manage"),
    path("app/", views.enrol, name="enrol"),
    path("aterstallningskoder/", views.recovery_codes, name="recovery_codes"),
    path("aterstallningskoder/fil/", views.recovery_codes_file, name="recovery_codes_file"),
    path("aterstallningskoder/nya/", views.regenerate, name="regenerate"),
    path("stang-av/", views.disable, name="disable"),
    path("personer/<int:pk>/aterstall/", views.reset, name="reset"),
]
