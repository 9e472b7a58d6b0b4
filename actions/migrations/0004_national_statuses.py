from django.db import migrations

# The six statuses every county has, as in actions.services.NATIONAL_STATUSES (copied: a
# migration must not change when the code does).
STATUSES = [
    ("not_started", "Not started", "neutral", False, False, 10),
    ("on_track", "On track", "good", False, False, 20),
    ("at_risk", "At risk", "warning", False, False, 30),
    ("delayed", "Delayed", "bad", False, False, 40),
    ("done", "Done", "good", True, False, 50),
    ("cancelled", "Cancelled", "neutral", False, True, 60),
]


def create(apps, schema_editor):
    ProgressStatus = apps.get_model("actions", "ProgressStatus")
    for code, name, tone, done, cancelled, position in STATUSES:
        ProgressStatus.objects.get_or_create(
            county=None,
            code=code,
            defaults={"name": name, "tone": tone, "is_done": done, "is_cancelled": cancelled, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0003_indicator_actionplan_historicalactionplan_and_more")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
