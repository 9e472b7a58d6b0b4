"""Server-side SVG charts: accessible, escaped, CSP-safe, Swedish numbers, and honest about gaps."""

import re
import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest
from django.utils import translation
from django.utils.translation import gettext

from core.charts import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"
CRIMES = Series(
    "Anmälda brott per 100 000 invånare",
    [("2020", 1234), ("2021", 1300), ("2022", None), ("2023", 1180), ("2024", 1420)],
)
SAFE = Series("Andel som känner sig trygga", [("2022", 12.5), ("2023", 14.25), ("2024", 13.0)])
INJECTION = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed


def texts(root: ET.Element) -> list[str]:
    """The text a reader sees on the chart (not the title, description or tooltips)."""
    return ["".join(node.itertext()).strip() for node in root.iter(f"{SVG}text")]


def tooltips(root: ET.Element) -> list[str]:
    marks = [e for e in root.iter() if e.tag in {f"{SVG}circle", f"{SVG}rect"}]
    return [node.text for mark in marks for node in mark.findall(f"{SVG}title")]


def series_paths(root: ET.Element) -> list[str]:
    """The ``d`` of each series' line (legend swatches are short ``h24`` strokes)."""
    return [p.get("d") for p in root.iter(f"{SVG}path") if "h24" not in p.get("d")]


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_chart_is_an_accessible_image(chart):
    svg = chart([CRIMES], chart_id="crimes", title="Anmälda brott i Lund", description="Brotten minskade.")
    root = parse(svg)

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 400 280"
    assert root.get("preserveAspectRatio")
    assert (root.get("width"), root.get("height")) == ("400", "280")
    labelled_by = root.get("aria-labelledby").split()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert labelled_by == [title.get("id"), desc.get("id")]
    assert title.text == "Anmälda brott i Lund"
    assert desc.text == "Brotten minskade."


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_values_are_written_the_swedish_way(chart):
    root = parse(chart([SAFE], chart_id="safe", title="Trygghet", unit="%", decimals=1))

    assert "12,5\xa0%" in tooltips(root)[0]
    assert "14,3\xa0%" in tooltips(root)[1], "rounded half up, not truncated"
    big = parse(chart([CRIMES], chart_id="crimes", title="Brott"))
    assert "1\xa0234" in " ".join(tooltips(big))
    assert "1\xa0500" in texts(big), "axis ticks are grouped too"


def test_tooltip_names_the_year_and_value_with_unit():
    root = parse(line_chart([SAFE], chart_id="safe", title="Trygghet", unit="%", decimals=1))

    assert tooltips(root) == ["2022: 12,5\xa0%", "2023: 14,3\xa0%", "2024: 13,0\xa0%"]


def test_generated_description_lists_every_value():
    root = parse(line_chart([CRIMES, SAFE], chart_id="both", title="Brott", target=1000, target_label="Mål 2025"))
    description = root.find(f"{SVG}desc").text

    assert CRIMES.name in description
    assert SAFE.name in description
    for expected in [
        "2020: 1\xa0234",
        "2021: 1\xa0300",
        "2023: 1\xa0180",
        "2024: 1\xa0420",
        "2022: 13",
        "Mål 2025: 1\xa0000",
    ]:
        assert expected in description
    assert f"2022: {gettext('no data')}" in description


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_injection_comes_out_as_text(chart):
    attack = Series(INJECTION, [(f'"><img src=x onerror=alert(1)> {INJECTION}', 5.0)])
    svg = str(
        chart(
            [attack, SAFE],
            chart_id=INJECTION,
            title=INJECTION,
            description="",
            unit=INJECTION,
            target=3,
            target_label=INJECTION,
        )
    )
    root = parse(svg)

    assert "<script" not in svg
    assert "<img" not in svg
    assert root.find(f"{SVG}title").text == INJECTION
    assert INJECTION in root.find(f"{SVG}desc").text
    assert any(INJECTION in text for text in texts(root)), "the legend shows the name as text"
    assert not root.findall(f".//{SVG}script")


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_output_respects_the_content_security_policy(chart):
    svg = str(chart([CRIMES, SAFE], chart_id="csp", title="Brott", target=1000))

    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg
    assert " on" not in re.sub(r">[^<]*<", "><", svg), "no event handler attributes"
    assert not re.search(r"(href|src)=", svg), "no references to other resources"


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_marks_have_enough_contrast_and_more_than_colour(chart):
    series = [Series(f"Serie {n}", [("2023", n + 1.0), ("2024", n + 2.0)]) for n in range(4)]
    root = parse(chart(series, chart_id="many", title="Många serier"))

    marks = [*root.iter(f"{SVG}circle"), *root.iter(f"{SVG}rect"), *root.iter(f"{SVG}path")]
    colours = {m.get("stroke") for m in marks} | {m.get("fill") for m in marks}
    colours = {c for c in colours if c and c.startswith("#") and c.lower() != "#ffffff"} - {"#dee2e6"}
    for colour in colours:
        assert 1.05 / (luminance(colour) + 0.05) >= 3, colour
    if chart is line_chart:
        dashes = [p.get("stroke-dasharray") for p in root.iter(f"{SVG}path") if "h24" not in p.get("d")]
        assert len(set(dashes)) == 4
    else:
        fills = {r.get("fill") for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None}
        assert len(fills) == 4
        assert len(root.findall(f".//{SVG}pattern")) == 3


def test_gaps_break_the_line_into_segments():
    root = parse(line_chart([CRIMES], chart_id="gaps", title="Brott"))

    (path,) = series_paths(root)
    assert path.count("M") == 2
    assert len(tooltips(root)) == 4, "no point is drawn for the missing year"


def test_target_line_is_dashed_and_labelled():
    root = parse(line_chart([CRIMES], chart_id="target", title="Brott", target=2000, target_label="Mål 2025"))

    assert "Mål 2025: 2\xa0000" in texts(root)
    assert "Mål 2025" in texts(root), "the legend names the target"
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 2, "the target line and its legend swatch"
    assert "2\xa0000" in texts(root), "the scale reaches the target"


def test_target_without_label_is_called_target():
    root = parse(line_chart([CRIMES], chart_id="target", title="Brott", target=1000))

    assert f"{gettext('Target')}: 1\xa0000" in texts(root)


def test_legend_only_when_it_tells_something():
    alone = texts(parse(line_chart([CRIMES], chart_id="one", title="Brott")))
    together = texts(parse(line_chart([CRIMES, SAFE], chart_id="two", title="Brott")))

    assert CRIMES.name not in alone
    assert CRIMES.name in together
    assert SAFE.name in together


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
@pytest.mark.parametrize("series", [[], [Series("Tom", [("2023", None), ("2024", None)])]])
def test_no_data_shows_a_message(chart, series):
    root = parse(chart(series, chart_id="empty", title="Brott"))

    assert texts(root) == [gettext("No data to show")]
    assert root.find(f"{SVG}desc").text == gettext("No data to show")
    with translation.override("en"):
        assert texts(parse(chart(series, chart_id="empty", title="Brott"))) == ["No data to show"]


@pytest.mark.parametrize("chart", [line_chart, bar_chart])
def test_single_point(chart):
    root = parse(chart([Series("Andel", [("2024", 72.5)])], chart_id="one", title="Andel", unit="%", decimals=1))

    assert tooltips(root) == ["2024: 72,5\xa0%"]
    assert "2024" in texts(root)
    assert "0\xa0%" in texts(root)


def test_all_zero_values_still_have_a_scale():
    root = parse(line_chart([Series("Inga", [("2023", 0), ("2024", 0)])], chart_id="zero", title="Noll"))

    assert tooltips(root) == ["2023: 0", "2024: 0"]
    assert [t for t in texts(root) if t in {"0", "1"}] == ["0", "1"]


def test_very_large_numbers_are_grouped_and_fit():
    root = parse(
        line_chart([Series("Kronor", [("2023", 10_000_000), ("2024", 8_500_000)])], chart_id="big", title="Kr")
    )

    assert "10\xa0000\xa0000" in texts(root)
    tick = next(t for t in root.iter(f"{SVG}text") if t.text == "10\xa0000\xa0000")
    assert float(tick.get("x")) - 0.6 * 12 * len(tick.text) >= 0, "the widest tick label is not cut off"


def test_negative_values_extend_the_axis_below_zero():
    root = parse(bar_chart([Series("Förändring", [("Lund", -12.5), ("Ystad", 7.25)])], chart_id="n", title="F"))

    assert "-15" in texts(root)
    assert "-12,5" not in texts(root), "decimals=0 rounds"
    assert "-13" in texts(root)
    assert tooltips(root) == ["Lund: -13", "Ystad: 7"]


def test_x_labels_do_not_overlap_with_many_years():
    years = Series("Andel", [(str(year), 50.0) for year in range(2000, 2026)])
    root = parse(line_chart([years], chart_id="years", title="Andel"))

    shown = list(root.iter(f"{SVG}tspan"))
    positions = [float(t.get("x")) for t in shown]
    assert 2 <= len(shown) < 26
    assert min(b - a for a, b in pairwise(positions)) > 0.6 * 12 * 4


def test_ids_are_unique_between_charts_and_sanitised():
    first = parse(line_chart([CRIMES], chart_id="Brott i Lund!", title="Brott"))
    markup = str(bar_chart([CRIMES, SAFE], chart_id="Åtgärder_per status", title="Åtgärder"))
    second = parse(markup)

    ids = [e.get("id") for root in (first, second) for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9-]+", i) for i in ids)
    references = re.findall(r"url\(#([^)]+)\)", markup)
    assert references
    assert set(references) <= set(ids)


def test_output_is_deterministic():
    def render():
        return line_chart([CRIMES, SAFE], chart_id="same", title="Brott", target=1000)

    assert render() == render()
    assert bar_chart([CRIMES], chart_id="same", title="B") == bar_chart([CRIMES], chart_id="same", title="B")


def test_long_category_names_wrap_under_their_bars():
    names = ["Ej påbörjad", "Pågår", "Avslutad", "Försenad", "Avbruten på grund av omprioritering"]
    statuses = Series("Åtgärder", [(name, n) for n, name in enumerate(names)])
    # Wide enough for the longest word: a word wider than its bar group is cut short (with the whole name as a tooltip).
    root = parse(bar_chart([statuses], chart_id="status", title="Åtgärder per status", width=640))

    label = next(t for t in root.iter(f"{SVG}text") if "Avbruten" in "".join(t.itertext()))
    lines = [t.text for t in label.iter(f"{SVG}tspan")]
    assert len(lines) > 1
    assert " ".join(lines) == "Avbruten på grund av omprioritering"


def test_a_long_series_is_a_line_without_markers_but_a_lone_point_keeps_its_own():
    points = [(str(year), year % 7) for year in range(1950, 2030)]
    points[40] = (points[40][0], None)  # 1990 missing
    points[42] = (points[42][0], None)  # 1992 missing: 1991 stands alone
    root = parse(line_chart([Series("Värde", points)], chart_id="long", title="Lång serie"))
    (group,) = [
        g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}path") is not None and g.find(f"{SVG}circle") is not None
    ]
    markers = group.findall(f"{SVG}circle")
    assert len(markers) == 1
    assert "1991" in markers[0].find(f"{SVG}title").text
    # The line still has every other point: three segments (before 1990, 1991 alone, after 1992).
    assert group.find(f"{SVG}path").get("d").count("M") == 3
    # A short series keeps a marker on every point.
    short = parse(line_chart([SAFE], chart_id="short", title="Kort serie"))
    assert len([c for c in short.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]) == 3
