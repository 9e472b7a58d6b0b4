from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from portal.models import Grant, User


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
