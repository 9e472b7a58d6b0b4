"""The admin site, which lets in a person who owes the second step only after it (as every portal page)."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .queries import must_enrol, step_owed


class SecondFactorAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not step_owed(request)

    def login(self, request, extra_context=None):
        """A signed-in person who owes the step is sent to it (or to enrolment), not to a second password form."""
        if request.user.is_authenticated and step_owed(request):
            target = "twofactor:enrol" if must_enrol(request) else "twofactor:verify"
            next_url = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
        return super().login(request, extra_context)
