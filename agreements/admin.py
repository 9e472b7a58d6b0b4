from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from agreements.models import CitizenPledge, CooperationAgreement, FocusArea, QualityReview


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "position"]
    list_filter = ["county"]


@admin.register(CooperationAgreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "municipality", "start_year", "end_year", "status", "step"]
    list_filter = ["status", "step", "municipality__county"]
    list_select_related = ["municipality"]
    search_fields = ["title", "municipality__name"]
    exclude = ["related_measures"]


@admin.register(CitizenPledge)
class PledgeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "municipality", "period_start", "period_end", "status"]
    list_filter = ["status", "municipality__county"]
    list_select_related = ["municipality"]
    search_fields = ["title", "municipality__name"]
    exclude = ["related_measures"]


@admin.register(QualityReview)
class QualityReviewAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "municipality", "date", "reviewer_name"]
    list_select_related = ["municipality", "pledge", "agreement"]
