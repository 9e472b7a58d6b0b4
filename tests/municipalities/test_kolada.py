"""Kolada's KPIs fetched for a county from a local server that answers as Kolada's API v2 does:
every page read before anything is kept, a preview before anything is saved, all or nothing."""

import datetime
from decimal import Decimal

import pytest

from municipalities.models import AreaKeyFigure, ImportStatus, KeyFigure, KeyFigureImport
from municipalities.services import (
    ImportNotValidError,
    apply_import,
    fetch_import,
    follow_kolada_kpi,
    preview_import,
    request_kolada_import,
    retry_import,
)
from municipalities.sources import SourceError, kolada

pytestmark = pytest.mark.django_db

SAFETY = "N07403"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def followed(world, sources, settings):
    settings.KOLADA_BASE_URL = sources.kolada("ok")
    return follow_kolada_kpi(world.own_county, SAFETY)


def fetched(world, settings, sources, scenario: str) -> KeyFigureImport:
    settings.KOLADA_BASE_URL = sources.kolada(scenario)
    batch = request_kolada_import(world.own_county, 2023, 2024, user=world.user("county_coordinator"))
    fetch_import(batch.pk)
    batch.refresh_from_db()
    return batch


def test_following_a_kpi_names_it_from_kolada(followed):
    kind = followed.kind
    assert (kind.code, kind.source, kind.source_ref) == ("kolada:N07403", "kolada", SAFETY)
    assert kind.name == "Invånare som känner sig trygga ute på kvällen, andel (%)"


def test_an_unknown_kpi_is_refused_and_nothing_is_followed(world, sources, settings):
    settings.KOLADA_BASE_URL = sources.kolada("ok")
    with pytest.raises(SourceError, match="HTTP 404"):
        follow_kolada_kpi(world.own_county, "X99999")
    assert not world.own_county.followed_key_figures.exists()


def test_every_page_is_read_and_the_preview_shows_what_would_be_added(world, followed, settings, sources):
    batch = fetched(world, settings, sources, "ok")
    assert (batch.status, batch.pages_read, batch.error) == (ImportStatus.READY, 2, "")
    # Both pages were asked for, the second at the address Kolada's next_page gave.
    assert [r.split("?")[1] if "?" in r else "" for r in sources.requests if "/data/" in r] == ["", "page=2&per_page=4"]
    preview = preview_import(batch)
    assert preview.valid
    assert not preview.changed
    added = {(getattr(v.area, "code", "riket"), v.year, v.gender): (v.value, v.preliminary) for v in preview.added}
    assert added == {
        ("1281", 2023, "T"): (Decimal("72.4"), False),
        ("1281", 2023, "K"): (Decimal("66.1"), False),
        ("1281", 2023, "M"): (Decimal("78.9"), False),
        ("1281", 2024, "T"): (Decimal("73.0"), False),
        ("1293", 2023, "T"): (Decimal("68.5"), False),  # Hässleholm 2024 is missing at Kolada: no value
        ("12", 2023, "T"): (Decimal("70.2"), False),
        ("12", 2024, "T"): (Decimal("70.8"), False),
        ("riket", 2023, "T"): (Decimal("71.0"), False),
        ("riket", 2024, "T"): (Decimal("71.5"), True),
    }
    assert not KeyFigure.objects.filter(kind=followed.kind).exists()  # a preview saves nothing
    assert not AreaKeyFigure.objects.exists()


def test_applying_saves_the_values_with_their_provenance_and_again_changes_nothing(world, followed, settings, sources):
    batch = fetched(world, settings, sources, "ok")
    apply_import(batch, user=world.user("county_coordinator"))
    lund = KeyFigure.objects.get(municipality=world.own_municipality, kind=followed.kind, year=2024)
    assert (lund.value, lund.source, lund.source_ref, lund.preliminary) == (Decimal("73.0"), "kolada", SAFETY, False)
    assert lund.fetched_at == batch.fetched_at
    assert AreaKeyFigure.objects.get(county=None, year=2024).preliminary
    assert AreaKeyFigure.objects.get(county=world.own_county, year=2023).value == Decimal("70.2")
    with pytest.raises(ImportNotValidError, match="already saved"):
        apply_import(batch)

    again = fetched(world, settings, sources, "ok")
    preview = preview_import(again)
    assert (len(preview.added), len(preview.changed), preview.unchanged) == (0, 0, 9)
    apply_import(again)
    assert KeyFigure.history.filter(kind=followed.kind).count() == 5


def test_a_revised_value_is_updated_and_the_old_one_kept_in_the_history(world, followed, settings, sources):
    apply_import(fetched(world, settings, sources, "ok"))
    revised = fetched(world, settings, sources, "revised")
    preview = preview_import(revised)
    changes = {(getattr(new.area, "code", "riket"), new.year): (old.value, new.value) for new, old in preview.changed}
    assert changes == {
        ("1281", 2024): (Decimal("73.0"), Decimal("73.4")),
        ("riket", 2024): (Decimal("71.5"), Decimal("71.6")),
    }
    apply_import(revised)
    national = AreaKeyFigure.objects.get(county=None, year=2024)
    assert (national.value, national.preliminary) == (Decimal("71.6"), False)
    story = [(h.value, h.preliminary) for h in national.history.order_by("history_date")]
    assert story == [(Decimal("71.5"), True), (Decimal("71.6"), False)]


@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("fail", "Kolada answered with an error (HTTP 500)"),
        ("malformed", "does not have the documented shape"),
        ("notjson", "Kolada's answer is not JSON."),
        ("slow", "Kolada did not answer within 1 seconds."),
    ],
)
def test_a_source_failing_or_answering_in_another_shape_fails_the_import_and_keeps_nothing(
    world, followed, settings, sources, scenario, reason
):
    settings.KEY_FIGURE_SOURCE_TIMEOUT = 1
    batch = fetched(world, settings, sources, scenario)
    assert batch.status == ImportStatus.FAILED
    assert reason in batch.error
    assert batch.values == []
    assert not KeyFigure.objects.filter(kind=followed.kind).exists()
    with pytest.raises(ImportNotValidError):
        apply_import(batch)
    assert not AreaKeyFigure.objects.exists()


def test_a_failed_import_runs_again_and_then_succeeds(
    world, followed, settings, sources, django_capture_on_commit_callbacks
):
    batch = fetched(world, settings, sources, "fail")
    assert batch.pages_read == 1  # the first page was read, and is not kept
    settings.KOLADA_BASE_URL = sources.kolada("ok")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        retry_import(batch)
    assert len(callbacks) == 1  # the job is sent again once this commits
    fetch_import(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.READY
    apply_import(batch)
    assert KeyFigure.objects.filter(kind=followed.kind).count() == 5


def test_an_empty_answer_is_a_valid_import_with_nothing_to_save(world, followed, settings, sources):
    batch = fetched(world, settings, sources, "empty")
    preview = preview_import(batch)
    assert batch.status == ImportStatus.READY
    assert preview.valid
    assert not preview.has_changes


def test_values_of_another_county_are_listed_as_unknown_and_the_import_cannot_be_saved(
    world, followed, settings, sources
):
    batch = fetched(world, settings, sources, "unknown")
    preview = preview_import(batch)
    assert preview.unknown == ["0184 is not the code of a municipality in Skåne län."]
    with pytest.raises(ImportNotValidError, match="match nothing"):
        apply_import(batch)
    assert not KeyFigure.objects.filter(kind=followed.kind).exists()


def test_a_next_page_naming_another_host_is_read_from_the_configured_server():
    assert (
        kolada._on_base("http://127.0.0.1:8000/ok/v2", "https://api.kolada.se/ok/v2/data/kpi/N1?page=2")
        == "http://127.0.0.1:8000/ok/v2/data/kpi/N1?page=2"
    )


def test_the_year_range_is_checked(world, followed, settings, sources):
    batch = fetched(world, settings, sources, "ok")
    batch.last_year = 2023
    batch.save()
    assert any("2024 is outside the years 2023–2023" in u for u in preview_import(batch).unknown)


def test_the_command_shows_the_changes_and_saves_them_when_asked(world, followed, settings, sources):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("fetch_key_figures", "12", "--from", "2023", "--to", "2024", stdout=out)
    assert "9 new, 0 changed, 0 unchanged values." in out.getvalue()
    assert not KeyFigure.objects.filter(kind=followed.kind).exists()
    call_command("fetch_key_figures", "12", "--from", "2023", "--to", "2024", "--apply", stdout=out)
    assert KeyFigure.objects.filter(kind=followed.kind).count() == 5
    settings.KOLADA_BASE_URL = sources.kolada("fail")
    with pytest.raises(CommandError, match="HTTP 500"):
        call_command("fetch_key_figures", "12", "--from", "2023", "--to", "2024", "--apply", stdout=out)


def test_the_yearly_job_queues_an_import_for_each_county_that_follows_a_kpi(
    world, followed, django_capture_on_commit_callbacks
):
    from municipalities.tasks import fetch_followed_key_figures

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fetch_followed_key_figures.apply()
    batch = KeyFigureImport.objects.get()
    assert (batch.county, batch.status, batch.last_year - batch.first_year) == (world.own_county, "queued", 4)
    assert len(callbacks) == 1


def test_a_coordinator_follows_fetches_reviews_and_saves_through_the_pages(
    client_as, world, sources, settings, django_capture_on_commit_callbacks
):
    from tests import parsed

    settings.KOLADA_BASE_URL = sources.kolada("ok")
    client = client_as("county_coordinator")
    url = "/lan/12/nyckeltal/"
    response = client.post(url, {"action": "follow", "follow-kpi": "n07403"}, follow=True)
    assert parsed.messages(parsed.page(response)) == [
        "Skåne län följer Invånare som känner sig trygga ute på kvällen, andel (%)."
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"action": "fetch", "fetch-first_year": "2023", "fetch-last_year": "2024"})
    batch = KeyFigureImport.objects.get()
    assert response.url == f"/nyckeltal/importer/{batch.pk}/"
    assert len(callbacks) == 1  # the fetch runs in the background once the request has committed
    page = parsed.page(client.get(response.url))
    assert "I kö" in parsed.text(parsed.by_id(page, "import-status"))

    fetch_import(batch.pk)  # what the worker does
    page = parsed.page(client.get(response.url))
    added = parsed.rows(parsed.table(page, "Värden som läggs till"))
    assert ["Lund", "Invånare som känner sig trygga ute på kvällen, andel (%)", "2023", "Kvinnor", "66,1"] in added
    assert [
        "Riket",
        "Invånare som känner sig trygga ute på kvällen, andel (%)",
        "2024",
        "Totalt",
        "71,5 (preliminärt)",
    ] in added
    assert not KeyFigure.objects.filter(kind__source="kolada").exists()

    response = client.post(response.url, {"action": "apply"}, follow=True)
    shown = parsed.messages(parsed.page(response))
    assert shown[0] == "Importen är sparad: 9 nya och 0 ändrade värden."
    assert shown[1].startswith("Importen sparades ")
    assert KeyFigure.objects.filter(kind__source="kolada").count() == 5


def test_a_failed_import_shows_the_reason_and_runs_again_from_its_page(client_as, world, followed, settings, sources):
    from tests import parsed

    batch = fetched(world, settings, sources, "fail")
    client = client_as("county_coordinator")
    status = parsed.by_id(parsed.page(client.get(f"/nyckeltal/importer/{batch.pk}/")), "import-status")
    assert "Inget importerades: Kolada answered with an error (HTTP 500)" in parsed.text(status)
    client.post(f"/nyckeltal/importer/{batch.pk}/", {"action": "retry"})
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportStatus.QUEUED, "")
    response = client.post(f"/nyckeltal/importer/{batch.pk}/", {"action": "apply"}, follow=True)
    assert "Importen är inte klar att sparas." in parsed.messages(parsed.page(response))


def test_the_municipality_page_shows_a_followed_kind_beside_the_county_and_the_country(
    client_as, world, followed, settings, sources
):
    from tests import parsed

    apply_import(fetched(world, settings, sources, "ok"))
    page = parsed.page(client_as("municipal_officer").get("/kommuner/1281/"))
    caption = "Invånare som känner sig trygga ute på kvällen, andel (%): kommunen, länet och riket"
    assert parsed.rows(parsed.table(page, caption)) == [
        ["År", "Lund", "Skåne län", "Riket"],
        ["2024", "73,0", "70,8", "71,5"],
        ["2023", "72,4", "70,2", "71,0"],
    ]
    section = parsed.by_id(page, f"kind-{followed.kind.pk}")
    assert section is not None
    text = parsed.text(parsed.main(page))
    assert "Plats 1 av 1 kommuner i länet 2024 (1 är bäst)." in text
    assert "Källa: Kolada N07403, hämtat" in text
    # The chart (core.charts) has the municipality, the county and the country as its lines.
    titles = [parsed.text(t) for t in page.iter("{http://www.w3.org/2000/svg}title")]
    assert "Invånare som känner sig trygga ute på kvällen, andel (%)" in titles


def test_the_municipality_report_shows_the_followed_kind_with_its_source(world, followed, settings, sources):
    import io

    from pypdf import PdfReader

    from portal.models import Report, ReportKind
    from portal.reports import services as reports

    apply_import(fetched(world, settings, sources, "ok"))
    report = Report.objects.create(
        kind=ReportKind.MUNICIPALITY,
        county=world.own_county,
        municipality=world.own_municipality,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    reports.build_report(report.pk)
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    text = " ".join(text.split())
    assert "Invånare som känner sig trygga ute på kvällen, andel (%)" in text
    assert "Källa: Kolada N07403." in text
    assert "2024 73,0 70,8 71,5" in text  # Lund, Skåne and the country side by side


def test_the_county_overview_ranks_the_municipalities_on_a_followed_kind(client_as, world, followed, settings, sources):
    from tests import parsed

    apply_import(fetched(world, settings, sources, "ok"))
    page = parsed.page(client_as("county_coordinator").get("/lan/12/"))
    caption = "Invånare som känner sig trygga ute på kvällen, andel (%), 2024 (Kolada N07403)"
    assert parsed.rows(parsed.table(page, caption)) == [
        ["Plats", "Kommun", "Värde"],
        ["1", "Lund", "73,0"],  # Hässleholm has no value for 2024 at Kolada
        ["", "Skåne län", "70,8"],
        ["", "Riket", "71,5"],
    ]
