"""The profile page's addresses, under ``/profil/`` in the ``portal`` namespace."""

from django.urls import path

from portal.profile import views

urlpatterns = [
    path("", views.profile, name="profile"),
    path("namn/", views.name, name="profile_name"),
    path("e-post/", views.email, name="profile_email"),
    path("e-post/bekrafta/<str:token>/", views.email_confirm, name="email_confirm"),
    path("sessioner/logga-ut-ovriga/", views.end_other_sessions, name="end_other_sessions"),
    path("sessioner/<str:ref>/avsluta/", views.end_session, name="end_session"),
    path("api-nycklar/", views.api_key_create, name="profile_api_keys"),
    path("api-nycklar/<int:pk>/aterkalla/", views.api_key_revoke, name="profile_api_key_revoke"),
]
