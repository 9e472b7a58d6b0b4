from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("<slug:slug>/logga-in/", views.login, name="login"),
    path("<slug:slug>/svar/", views.callback, name="callback"),
]
