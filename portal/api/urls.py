from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from portal.api import views

app_name = "api"

router = SimpleRouter()
router.register("counties", views.CountyViewSet, basename="county")
router.register("municipalities", views.MunicipalityViewSet, basename="municipality")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("pledges", views.PledgeViewSet, basename="pledge")
router.register("agreements", views.AgreementViewSet, basename="agreement")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.api_docs, name="docs"),
    path("nycklar/", views.api_tokens, name="tokens"),
    path("nycklar/<int:pk>/aterkalla/", views.api_token_revoke, name="token_revoke"),
    *router.urls,
    re_path(r"^(?P<path>.*)$", views.not_found),
]
