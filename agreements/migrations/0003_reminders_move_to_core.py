"""The record of sent reminders moves to the foundation (core.Reminder), with its rows.

Every row is copied (the ids are not referred to anywhere, so the new table numbers them
afresh) before the old table goes; kinds and stages keep their values.
"""

from django.db import migrations


def copy_rows(apps, schema_editor):
    old = apps.get_model("agreements", "Reminder")
    new = apps.get_model("core", "Reminder")
    # Keep when each reminder was recorded (this historical model is this migration's own copy).
    new._meta.get_field("created_at").auto_now_add = False
    batch = []
    for row in old.objects.order_by("pk").iterator(chunk_size=2000):
        batch.append(
            new(
                kind=row.kind,
                object_id=row.object_id,
                due_date=row.due_date,
                stage=row.stage,
                recipient_id=row.recipient_id,
                created_at=row.created_at,
                sent_at=row.sent_at,
            )
        )
        if len(batch) >= 2000:
            new.objects.bulk_create(batch)
            batch = []
    new.objects.bulk_create(batch)


def copy_rows_back(apps, schema_editor):
    old = apps.get_model("agreements", "Reminder")
    new = apps.get_model("core", "Reminder")
    old._meta.get_field("created_at").auto_now_add = False
    old.objects.bulk_create(
        old(
            kind=row.kind,
            object_id=row.object_id,
            due_date=row.due_date,
            stage=row.stage,
            recipient_id=row.recipient_id,
            created_at=row.created_at,
            sent_at=row.sent_at,
        )
        for row in new.objects.filter(kind__in=["deliverable", "pledge_follow_up"]).order_by("pk")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0002_national_focus_areas"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_rows_back),
        migrations.DeleteModel(name="Reminder"),
    ]
