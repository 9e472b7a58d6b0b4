from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from municipalities.models import (
    AreaKeyFigure,
    ComplianceItem,
    Coordinator,
    CouncilMember,
    County,
    KeyFigure,
    KeyFigureKind,
    Municipality,
)


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name"]
    search_fields = ["code", "name"]


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0


class CoordinatorInline(admin.TabularInline):
    model = Coordinator
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "county", "police_area"]
    list_filter = ["county"]
    list_select_related = ["county"]
    search_fields = ["code", "name"]
    inlines = [CouncilMemberInline, CoordinatorInline]


@admin.register(KeyFigure)
class KeyFigureAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "kind", "year", "gender", "value", "source", "preliminary", "fetched_at"]
    list_filter = ["kind", "year", "source", "municipality__county"]
    list_select_related = ["municipality", "kind"]
    search_fields = ["municipality__name", "municipality__code"]


@admin.register(KeyFigureKind)
class KeyFigureKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "source", "source_ref", "unit", "better", "per_100k"]
    list_filter = ["source"]
    search_fields = ["name", "code", "source_ref"]


@admin.register(AreaKeyFigure)
class AreaKeyFigureAdmin(SimpleHistoryAdmin):
    list_display = ["county", "kind", "year", "gender", "value", "source", "preliminary", "fetched_at"]
    list_filter = ["kind", "year", "county"]
    list_select_related = ["county", "kind"]


@admin.register(ComplianceItem)
class ComplianceItemAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "obligation", "status", "date"]
    list_filter = ["obligation", "status", "municipality__county"]
    list_select_related = ["municipality"]
    search_fields = ["municipality__name"]
