from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.models import AccessibilityStatement, Grant, PrivacyNotice, User


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 1
    autocomplete_fields = ["county", "municipality", "actor"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [GrantInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "last_login"]


@admin.register(Grant)
class GrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "county", "municipality", "actor", "created_at"]
    list_filter = ["role", "county"]
    list_select_related = ["user", "county", "municipality", "actor"]
    autocomplete_fields = ["user", "county", "municipality", "actor"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(SimpleHistoryAdmin):
    """DIGG's parts in DIGG's order; the public site shows them at /trygghet/tillganglighet/."""

    list_display = ["language", "compliance", "tested_on", "updated_at"]
    fieldsets = [
        (None, {"fields": ["language", "compliance", "how_accessible"]}),
        (
            _("If you cannot use the site"),
            {"fields": ["if_you_cannot", "report_shortcomings", "feedback_email", "response_days"]},
        ),
        (_("Supervision"), {"fields": ["supervision"]}),
        (_("Technical information"), {"fields": ["technical_information", "inaccessible_content"]}),
        (_("How the site was tested"), {"fields": ["test_method", "tested_on", "made_on"]}),
    ]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(SimpleHistoryAdmin):
    list_display = ["language", "updated_at"]
