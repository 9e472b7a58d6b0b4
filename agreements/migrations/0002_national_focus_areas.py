from django.db import migrations

# Lund's five focus areas, as in agreements.services.NATIONAL_FOCUS_AREAS (copied: a
# migration must not change when the code does). Stored by their English msgid.
FOCUS_AREAS = [
    "Safety-creating measures in public places",
    "Children and young people",
    "Alcohol, narcotics, doping, tobacco and gambling",
    "Violence in close relationships, including honour-related violence and human trafficking",
    "Crimes against older people",
]


def create(apps, schema_editor):
    FocusArea = apps.get_model("agreements", "FocusArea")
    for position, name in enumerate(FOCUS_AREAS, start=1):
        FocusArea.objects.get_or_create(county=None, name=name, defaults={"position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
