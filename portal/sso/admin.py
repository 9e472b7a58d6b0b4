from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import IdentityLink, SignInPolicy


class NationalAdministratorsOnly:
    """Only national administrators (superusers) see and change sign-in settings."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(SignInPolicy)
class SignInPolicyAdmin(NationalAdministratorsOnly, SimpleHistoryAdmin):
    list_display = ["role", "password_allowed"]
    list_editable = ["password_allowed"]


@admin.register(IdentityLink)
class IdentityLinkAdmin(NationalAdministratorsOnly, SimpleHistoryAdmin):
    """Links are made by signing in; an administrator can only look at them or remove one (the
    person's next sign-in through the provider is then matched by e-mail again)."""

    list_display = ["user", "provider", "subject", "created_at", "last_used_at"]
    list_filter = ["provider"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "subject"]
    readonly_fields = ["provider", "issuer", "subject", "user", "created_at", "last_used_at"]

    def has_add_permission(self, request, obj=None):
        return False
