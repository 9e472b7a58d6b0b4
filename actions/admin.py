from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actions.models import ActionPlan, Actor, Measure, MeasureActor, Milestone, ProgressStatus, SupportActivity


@admin.register(Actor)
class ActorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "county"]
    list_filter = ["kind", "county"]
    list_select_related = ["county"]
    search_fields = ["name"]


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "county", "status", "period_start", "period_end"]
    list_filter = ["status", "county"]
    list_select_related = ["county"]
    search_fields = ["title"]


class MeasureActorInline(admin.TabularInline):
    model = MeasureActor
    extra = 0
    autocomplete_fields = ["actor"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "target_date"]
    list_filter = ["plan__county"]
    list_select_related = ["plan"]
    search_fields = ["title"]
    inlines = [MeasureActorInline, MilestoneInline]
    exclude = ["municipalities"]


@admin.register(ProgressStatus)
class ProgressStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "county", "tone", "is_done", "is_cancelled", "position"]
    list_filter = ["county"]


@admin.register(SupportActivity)
class SupportActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "county", "kind", "date", "participants"]
    list_filter = ["kind", "county"]
    list_select_related = ["county"]
    search_fields = ["title"]
