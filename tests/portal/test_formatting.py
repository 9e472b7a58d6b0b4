"""The portal's one way of writing percentages, indicator figures and long texts (core/formatting.py),
in Swedish and in English, and the same rule in the charts."""

import datetime
import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation
from pypdf import PdfReader

from actions.queries import indicator_chart
from core import charts, formatting
from core.roles import Role
from portal.models import Report, ReportKind
from portal.reports import services
from tests.factories import ActionPlanFactory, MeasureFactory, national_statuses, progress_update
from tests.parsed import XHTML, parse, text

NBSP = "\xa0"


def indicator(unit="%", baseline=None, target=None, values=()):
    """An indicator as the helper reads it (baseline, target, unit, values), without the database."""
    rows = [SimpleNamespace(value=Decimal(str(v))) for v in values]
    return SimpleNamespace(
        unit=unit,
        baseline=None if baseline is None else Decimal(str(baseline)),
        target=None if target is None else Decimal(str(target)),
        values=SimpleNamespace(all=lambda: rows),
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("17.5"), "18"),  # half up, not to the even 18/16 of Python's round()
        (Decimal("16.5"), "17"),
        (12.5, "13"),
        (Decimal("17.4"), "17"),
        (0, "0"),
        (100, "100"),
        (Decimal("-0.4"), "0"),
    ],
)
def test_a_percentage_is_a_whole_per_cent_rounded_half_up_with_a_no_break_space(value, expected):
    for language in ("sv", "en"):
        with translation.override(language):
            assert formatting.percent(value) == f"{expected}{NBSP}%"


def test_no_percentage_is_a_dash():
    assert formatting.percent(None) == "–"


def test_numbers_follow_the_language_swedish_decimal_comma_and_grouping():
    with translation.override("sv"):
        assert formatting.format_number(Decimal("31.40"), 1, "%") == f"31,4{NBSP}%"
        assert formatting.format_number(1234567.891, 2) == f"1{NBSP}234{NBSP}567,89"
        assert formatting.format_number(12.96, 1) == "13,0"  # number_format alone truncates to 12,9
    with translation.override("en"):
        assert formatting.format_number(Decimal("31.40"), 1, "%") == f"31.4{NBSP}%"
        assert formatting.format_number(1234567.891, 2) == "1,234,567.89"


def test_an_indicators_figures_share_the_precision_the_most_exact_of_them_needs():
    same = indicator(baseline="31.40", target="25.00", values=["30", "28.00"])
    assert formatting.indicator_decimals(same) == 1
    with translation.override("sv"):
        assert formatting.measure_value(same.baseline, same) == f"31,4{NBSP}%"
        assert formatting.measure_value(same.target, same) == f"25,0{NBSP}%"
        assert formatting.measure_value(None, same) == "–"
    with translation.override("en"):
        assert formatting.measure_value(same.baseline, same) == f"31.4{NBSP}%"
    counted = indicator(unit="personer", baseline="10.00", target="1200", values=["12"])
    assert formatting.indicator_decimals(counted) == 0
    with translation.override("sv"):
        assert formatting.measure_value(counted.target, counted) == f"1{NBSP}200{NBSP}personer"
    assert formatting.indicator_decimals(indicator(values=["3.25"])) == 2


def test_the_template_filters_write_the_same():
    template = Template("{% load formatting %}{{ p|percent }} · {{ i.baseline|measure_value:i }}")
    with translation.override("sv"):
        text = template.render(Context({"p": Decimal("17.5"), "i": indicator(baseline="31.40", target=25)}))
    assert text == f"18{NBSP}% · 31,4{NBSP}%"


def _svg(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - the portal's own chart markup


def _chart_texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in _svg(svg).iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.django_db
def test_the_indicator_chart_writes_its_figures_as_the_text_beside_it(world):
    measure = MeasureFactory(plan=ActionPlanFactory(county=world.own_county), number=1)
    item = measure.indicators.create(name="Andel otrygga", unit="%", baseline=Decimal("31.40"), target=25)
    item.values.create(date=datetime.date(2025, 12, 31), value=Decimal("31.40"))
    item.values.create(date=datetime.date(2026, 6, 30), value=Decimal("28.00"))
    with translation.override("sv"):
        svg = indicator_chart(item)
        target_text = formatting.measure_value(item.target, item)
    assert target_text == f"25,0{NBSP}%"
    assert f"Mål: {target_text}" in _chart_texts(svg)
    assert f"2025-12-31: 31,4{NBSP}%" in _svg(svg).find("{http://www.w3.org/2000/svg}desc").text


def test_charts_round_percentages_as_the_pages_do():
    with translation.override("sv"):
        svg = charts.bar_chart(
            [charts.Series("Framsteg", [("1", 35), ("2", 0)])],
            chart_id="progress",
            title="Framsteg",
            unit="%",
            target=17.5,
            target_label="Planens framsteg",
        )
    assert f"Planens framsteg: {formatting.percent(17.5)}" in _chart_texts(svg)


LONG = ("Handlingsplanen bygger på länets lägesbild och tar sikte på brottsligheten i Skåne. " * 8).strip()


def test_a_long_text_is_shortened_at_a_word_within_the_limit():
    opening = formatting.shortened(LONG)
    assert 0 < len(opening) <= formatting.EXCERPT_CHARS
    assert opening.endswith("…")
    assert LONG.startswith(opening[:-1])
    assert not opening[:-1].endswith("Skå")  # cut between words


def test_the_first_paragraph_is_the_opening_and_a_short_text_is_not_shortened():
    assert formatting.shortened("Inledning.\n\nResten av planen.") == "Inledning."
    assert formatting.shortened("Inledning.\r\n\r\nResten.") == "Inledning."
    assert formatting.shortened("En kort beskrivning.") == ""
    assert formatting.shortened("") == ""


# --- The same plan, the same number on every page ----------------------------------------------


def _collapsed(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def _pdf_text(report) -> str:
    report.refresh_from_db()
    reader = PdfReader(io.BytesIO(report.file.read()))
    return _collapsed(" ".join(page.extract_text() for page in reader.pages))


@pytest.mark.django_db
def test_the_dashboard_the_plan_page_and_the_report_write_the_same_plan_progress(client_as, world):
    national_statuses()
    plan = ActionPlanFactory(county=world.own_county, title="Skåne tillsammans mot brott")
    progress_update(MeasureFactory(plan=plan, number=1), percent=35)
    MeasureFactory(plan=plan, number=2)  # no update yet: 0 %, so the weighted mean is 17.5
    client = client_as(Role.COUNTY_COORDINATOR)

    dashboard = parse(client.get("/").content)
    (link,) = [e for e in dashboard.iter() if e.get("data-testid") == "coordinator-12-progress"]
    assert text(link) == "18 %"

    plan_page = parse(client.get(plan.get_absolute_url()).content)
    box = next(e for e in plan_page.iter() if any(text(h) == "Planens framsteg" for h in e.iter(f"{XHTML}h3")))
    assert text(next(e for e in box.iter(f"{XHTML}span") if "progress-text" in (e.get("class") or ""))) == (
        "18 % 18 %"  # the <progress> element's own text, then the number beside it
    )

    report = Report.objects.create(
        kind=ReportKind.COUNTY,
        county=world.own_county,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
    )
    services.build_report(report.pk)
    assert "dess framsteg är 18 % (viktat medelvärde)" in _pdf_text(report)


@pytest.mark.django_db
def test_the_measure_page_writes_an_indicators_figures_in_its_unit_and_precision_as_its_chart(client_as, world):
    measure = MeasureFactory(plan=ActionPlanFactory(county=world.own_county), number=1)
    item = measure.indicators.create(name="Andel otrygga", unit="%", baseline=Decimal("31.40"), target=25)
    item.values.create(date=datetime.date(2026, 6, 30), value=Decimal("28.00"))
    client = client_as(Role.COUNTY_COORDINATOR)
    page = parse(client.get(measure.get_absolute_url()).content)
    (block,) = [
        e
        for e in page.iter(f"{XHTML}div")
        if any((h.text or "").strip() == "Andel otrygga" for h in e.findall(f"{XHTML}h3"))
    ]
    (facts,) = block.findall(f"{XHTML}p")
    assert text(facts) == "Utgångsvärde 31,4 % · Mål 25,0 % · Högre är bättre"
    chart_texts = [text(t) for t in block.iter("{http://www.w3.org/2000/svg}text")]
    assert "Mål: 25,0 %" in chart_texts


@pytest.mark.django_db
def test_plan_progress_is_rounded_once_where_it_is_written(client_as, world):
    """17,45 is 17 %: rounding it to 17,5 first and then to a whole per cent would say 18 %."""
    national_statuses()
    plan = ActionPlanFactory(county=world.own_county)
    progress_update(MeasureFactory(plan=plan, number=1, weight=Decimal(1)), percent=12)
    progress_update(MeasureFactory(plan=plan, number=2, weight=Decimal(10)), percent=18)  # (12 + 180) / 11
    client = client_as(Role.COUNTY_COORDINATOR)
    dashboard = parse(client.get("/").content)
    (link,) = [e for e in dashboard.iter() if e.get("data-testid") == "coordinator-12-progress"]
    assert text(link) == "17 %"
    plan_page = parse(client.get(plan.get_absolute_url()).content)
    box = next(e for e in plan_page.iter() if any(text(h) == "Planens framsteg" for h in e.iter(f"{XHTML}h3")))
    assert text(next(e for e in box.iter(f"{XHTML}span") if "progress-text" in (e.get("class") or ""))) == "17 % 17 %"
