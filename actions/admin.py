from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import Actor


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "county"]
    list_filter = ["kind", "county"]
    list_select_related = ["county"]
    search_fields = ["name"]
