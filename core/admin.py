from django.contrib import admin

from core.models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "object_id", "due_date", "stage", "recipient", "sent_at"]
    list_filter = ["kind", "stage"]
    list_select_related = ["recipient"]
