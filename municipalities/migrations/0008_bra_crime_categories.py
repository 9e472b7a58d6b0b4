"""Brå's main crime categories become kinds a county can follow (the total is the reported crimes)."""

from django.db import migrations

CATEGORIES = {
    "person": "Anmälda brott mot person",
    "theft": "Anmälda stöld-, rån- och häleribrott",
    "damage": "Anmälda skadegörelsebrott",
    "narcotics": "Anmälda narkotikabrott",
    "fraud": "Anmälda bedrägeribrott",
}


def forward(apps, schema_editor):
    kind_model = apps.get_model("municipalities", "KeyFigureKind")
    for ref, name in CATEGORIES.items():
        kind_model.objects.get_or_create(
            source="bra",
            source_ref=ref,
            defaults={
                "code": f"bra:{ref}",
                "name": name,
                "unit": "anmälda brott",
                "better": "lower",
                "per_100k": True,
            },
        )


def backward(apps, schema_editor):
    apps.get_model("municipalities", "KeyFigureKind").objects.filter(
        source="bra", source_ref__in=CATEGORIES, values__isnull=True, area_values__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0007_key_figure_imports")]

    operations = [migrations.RunPython(forward, backward)]
