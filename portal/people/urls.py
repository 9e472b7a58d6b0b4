from django.urls import path

from portal.people import views

app_name = "people"

urlpatterns = [
    path("lan/<str:code>/personer/", views.county_people, name="county_people"),
    path("lan/<str:code>/personer/bjud-in/", views.invite, name="invite"),
    path("lan/<str:code>/personer/bjud-in-flera/", views.invite_many, name="invite_many"),
    path("lan/<str:code>/personer/<int:user_id>/", views.person, name="person"),
    path("lan/<str:code>/personer/<int:user_id>/inaktivera/", views.account_deactivate, name="account_deactivate"),
    path("lan/<str:code>/roller/<int:pk>/ta-bort/", views.grant_remove, name="grant_remove"),
    path("inbjudningar/<int:pk>/skicka-igen/", views.invitation_resend, name="invitation_resend"),
    path("inbjudningar/<int:pk>/aterkalla/", views.invitation_revoke, name="invitation_revoke"),
    path("inbjudan/<str:token>/", views.accept, name="accept"),
]
