"""Population and reported crimes, two columns of one row per municipality and year, become values of
the first two kinds of series: the row keeps its id and history as the population value, and each
gets a reported-crimes row whose history is a copy of the row's, so every value keeps its story.
"""

from django.db import migrations
from django.db.models import F

POPULATION = {
    "code": "population",
    "name": "Folkmängd",
    "unit": "invånare",
    "source": "scb",
    "source_ref": "BE0101N1",
    "better": "neither",
    "per_100k": False,
    "description": "Folkmängden den 31 december, enligt SCB:s befolkningsstatistik.",
}
REPORTED_CRIMES = {
    "code": "reported_crimes",
    "name": "Anmälda brott",
    "unit": "anmälda brott",
    "source": "bra",
    "source_ref": "total",
    "better": "lower",
    "per_100k": True,
    "description": "Samtliga anmälda brott i kommunen under året, enligt Brå:s kriminalstatistik.",
}
HISTORY_FIELDS = ("history_id",)


def _kinds(apps):
    Kind = apps.get_model("municipalities", "KeyFigureKind")
    population, _ = Kind.objects.get_or_create(code=POPULATION["code"], defaults=POPULATION)
    crimes, _ = Kind.objects.get_or_create(code=REPORTED_CRIMES["code"], defaults=REPORTED_CRIMES)
    return population, crimes


def forward(apps, schema_editor):
    KeyFigure = apps.get_model("municipalities", "KeyFigure")
    History = apps.get_model("municipalities", "HistoricalKeyFigure")
    population, crimes = _kinds(apps)
    old = list(KeyFigure.objects.filter(kind__isnull=True).order_by("pk"))
    made = KeyFigure.objects.bulk_create(
        [
            KeyFigure(
                municipality_id=row.municipality_id,
                year=row.year,
                gender="T",
                kind=crimes,
                value=row.reported_crimes,
                source="manual",
            )
            for row in old
        ]
    )
    crime_ids = {row.pk: new.pk for row, new in zip(old, made, strict=True)}
    KeyFigure.objects.filter(pk__in=crime_ids).update(kind=population, value=F("population"), source="manual")

    fields = [f.attname for f in History._meta.concrete_fields if f.attname not in HISTORY_FIELDS]
    records = list(History.objects.filter(kind__isnull=True).order_by("id", "history_date", "history_id"))
    copies, noop_population, last = [], [], {}
    for record in records:
        values = {name: getattr(record, name) for name in fields}
        # A row deleted before this migration has no reported-crimes row: its copied history gets the
        # row's id negated, which no row ever has, so it stays one object's story and nobody else's.
        values.update(id=crime_ids.get(record.id, -record.id), kind_id=crimes.pk, value=record.reported_crimes)
        previous = last.get(record.id)
        # A change of one of the two figures is a change of that value only, not of the other.
        if not (record.history_type == "~" and previous and previous.reported_crimes == record.reported_crimes):
            copies.append(History(**values))
        if record.history_type == "~" and previous and previous.population == record.population:
            noop_population.append(record.history_id)
        last[record.id] = record
    History.objects.bulk_create(copies)
    History.objects.filter(history_id__in=noop_population).delete()
    History.objects.filter(kind__isnull=True).update(kind=population, value=F("population"), source="manual")


def backward(apps, schema_editor):
    KeyFigure = apps.get_model("municipalities", "KeyFigure")
    History = apps.get_model("municipalities", "HistoricalKeyFigure")
    crimes = {
        (row.municipality_id, row.year): row.value
        for row in KeyFigure.objects.filter(kind__code="reported_crimes", gender="T")
    }
    for row in KeyFigure.objects.filter(kind__code="population", gender="T"):
        row.population, row.reported_crimes = int(row.value), int(crimes.get((row.municipality_id, row.year), 0))
        row.save(update_fields=["population", "reported_crimes"])
    KeyFigure.objects.exclude(kind__code="population", gender="T").delete()
    History.objects.exclude(kind__code="population").delete()
    History.objects.update(population=F("value"), reported_crimes=0)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0004_key_figure_series"),
    ]

    operations = [migrations.RunPython(forward, backward)]
