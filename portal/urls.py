from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from portal import search_views, views
from portal.public import contact_views
from portal.public import views as public_views
from portal.reports import views as report_views

portal_patterns = [
    path("", views.home, name="home"),
    path("lan/<str:code>/rapporter/", report_views.report_list, {"kind": "county"}, name="county_reports"),
    path(
        "kommuner/<str:code>/rapporter/",
        report_views.report_list,
        {"kind": "municipality"},
        name="municipality_reports",
    ),
    path("rapporter/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("rapporter/<int:pk>/status/", report_views.report_status, name="report_status"),
    path("rapporter/<int:pk>/fil/", report_views.report_file, name="report_file"),
    path("rapporter/<int:pk>/forsok-igen/", report_views.report_retry, name="report_retry"),
    path("sok/", search_views.search, name="search"),
    path("lan/<str:code>/oppna-sidan/", contact_views.county_contact, name="county_public_contact"),
    path("kommuner/<str:code>/oppna-sidan/", contact_views.municipality_contact, name="municipality_public_contact"),
    path("profil/", include("portal.profile.urls")),
]

account_patterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("accounts/", include(account_patterns)),
    path("accounts/oidc/", include("portal.sso.urls")),
    path("accounts/tvastegsverifiering/", include("portal.twofactor.urls")),
    path("", include("portal.people.urls")),
    path("", include("portal.privacy.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("municipalities.urls")),
    path("", include("actions.urls")),
    path("", include("agreements.urls")),
    path("api/", include("portal.api.urls")),
    path("trygghet/", include(("portal.public.urls", "public"), namespace="public")),
    path("en/trygghet/", include(("portal.public.urls", "public"), namespace="public_en")),
    path("sitemap.xml", public_views.sitemap, name="public_sitemap"),
    path("robots.txt", public_views.robots, name="robots"),
    path("admin/", admin.site.urls),
]
