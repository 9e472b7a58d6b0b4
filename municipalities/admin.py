from django.contrib import admin

from municipalities.models import County, Municipality


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name"]
    search_fields = ["code", "name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    list_select_related = ["county"]
    search_fields = ["code", "name"]
