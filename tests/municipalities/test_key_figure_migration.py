"""Population and reported crimes typed in before key figures became series keep every value and their history."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from municipalities.models import KeyFigure

BEFORE = [("municipalities", "0003_compliancedocument_visibility")]
AFTER = [("municipalities", "0006_key_figures_without_columns")]
WHEN = datetime.datetime(2025, 3, 14, 9, 0, tzinfo=datetime.UTC)


def _history(old, row, kind: str, when, user=None):
    history_model = old.get_model("municipalities", "HistoricalKeyFigure")
    return history_model.objects.create(
        id=row.pk,
        municipality_id=row.municipality_id,
        year=row.year,
        population=row.population,
        reported_crimes=row.reported_crimes,
        history_date=when,
        history_type=kind,
        history_user_id=getattr(user, "pk", None),
    )


@pytest.mark.django_db(transaction=True)
def test_each_year_becomes_a_population_and_a_reported_crimes_value_with_its_history():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        _migrate_a_year_with_history(executor)
    finally:
        # Going back also unapplied the later migrations of the apps built on municipalities: apply them
        # all again, so the tests after this one find today's schema.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate_a_year_with_history(executor):
    old = executor.loader.project_state(BEFORE).apps
    county = old.get_model("municipalities", "County").objects.create(code="12", name="Skåne län", short_name="Skåne")
    lund = old.get_model("municipalities", "Municipality").objects.create(code="1281", name="Lund", county=county)
    user = get_user_model().objects.create(username="samordnare")  # the users' app is not taken back
    figure_model = old.get_model("municipalities", "KeyFigure")
    figure = figure_model.objects.create(municipality=lund, year=2024, population=127000, reported_crimes=15000)
    _history(old, figure, "+", WHEN, user)
    figure.reported_crimes = 14870  # a correction of the crimes only
    figure.save()
    _history(old, figure, "~", WHEN + datetime.timedelta(days=1), user)
    gone = figure_model.objects.create(municipality=lund, year=2019, population=120000, reported_crimes=13000)
    _history(old, gone, "+", WHEN)
    _history(old, gone, "-", WHEN + datetime.timedelta(days=2))
    gone.delete()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    values = {(v.kind.code, v.year): (v.value, v.source) for v in KeyFigure.objects.select_related("kind")}
    assert values == {("population", 2024): (127000, "manual"), ("reported_crimes", 2024): (14870, "manual")}
    population = KeyFigure.objects.get(kind__code="population")
    assert population.pk == figure.pk  # the row keeps its id, so links and history stay with it
    # The population was never changed: its story is the one addition; the crimes' is the addition and
    # the correction, by the same person on the same days.
    assert [(h.history_type, h.value, h.history_user_id) for h in population.history.order_by("history_date")] == [
        ("+", 127000, user.pk)
    ]
    crimes = KeyFigure.objects.get(kind__code="reported_crimes")
    story = [(h.history_type, h.value, h.history_date) for h in crimes.history.order_by("history_date")]
    assert story == [("+", 15000, WHEN), ("~", 14870, WHEN + datetime.timedelta(days=1))]
    # The deleted year's story is kept for both of its values, each as one object.
    deleted = KeyFigure.history.filter(year=2019).order_by("kind__code", "history_date")
    assert [(h.kind.code, h.history_type, h.value) for h in deleted] == [
        ("population", "+", 120000),
        ("population", "-", 120000),
        ("reported_crimes", "+", 13000),
        ("reported_crimes", "-", 13000),
    ]
    assert len({h.id for h in deleted}) == 2
