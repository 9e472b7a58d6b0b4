"""What the pages, dashboards and reports read of counties and municipalities.

Reads only: every write is in ``services.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext

from core import charts
from core.collation import swedish_key
from core.history import change_log
from municipalities.models import (
    POPULATION,
    REPORTED_CRIMES,
    AreaKeyFigure,
    Better,
    ComplianceDocument,
    ComplianceItem,
    ComplianceState,
    Coordinator,
    CouncilMember,
    County,
    FollowedKeyFigure,
    Gender,
    KeyFigure,
    KeyFigureKind,
    Municipality,
    Obligation,
    compliance_state,
)


@dataclass
class OverviewRow:
    municipality: Municipality
    latest: YearFigures | None
    states: dict[str, str]
    coordinators: list[Coordinator]
    support_activities: int = 0

    @property
    def state_list(self) -> list[tuple[str, str]]:
        return [(obligation, self.states[obligation]) for obligation in Obligation.values]


@dataclass
class CountyOverview:
    county: County
    rows: list[OverviewRow]
    matrix: list[tuple[str, str, dict[str, int]]]  # (obligation, label, {state: count})
    total: int
    support_activities: list = field(default_factory=list)


def county_support_activities(county: County) -> list:
    """The county board's support activities and the joint ones the county took part in, newest first.

    Read through the reverse relations that the actions app declares, so this app needs
    no import of it.
    """
    own = county.support_activities.prefetch_related("municipalities")
    joint = county.joint_support_activities.prefetch_related("municipalities")
    return sorted([*own, *joint], key=lambda activity: activity.date, reverse=True)


@dataclass
class YearFigures:
    """A municipality's population and reported crimes of one year, with the rate and its ranks in the county.

    Rank 1 is the largest population and the most reported crimes, as in "Hässleholm is the fifth
    largest municipality in Skåne and sixth by reported crimes"; a municipality is ranked among those
    of the county that have both figures for the year.
    """

    municipality_id: int
    year: int
    population: int
    reported_crimes: int
    population_rank: int = 0
    crime_rank: int = 0

    @property
    def crimes_per_100k(self) -> float:
        return self.reported_crimes * 100000 / self.population

    per_100k = crimes_per_100k


def _rank(values: dict[int, float]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) of the largest value first, as SQL's RANK() gives them."""
    ordered = sorted(values.values(), reverse=True)
    first = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return {key: first[value] for key, value in values.items()}


def _year_figures(values: Iterable[KeyFigure]) -> list[YearFigures]:
    """Pair each municipality's population and reported crimes per year and rank them per county and year."""
    pairs: dict[tuple[int, int], dict[str, Decimal]] = {}
    counties: dict[int, int] = {}
    for value in values:
        pairs.setdefault((value.municipality_id, value.year), {})[value.kind.code] = value.value
        counties[value.municipality_id] = value.municipality.county_id
    figures = [
        YearFigures(municipality_id, year, int(pair[POPULATION]), int(pair[REPORTED_CRIMES]))
        for (municipality_id, year), pair in pairs.items()
        if pair.get(POPULATION) and REPORTED_CRIMES in pair
    ]
    groups: dict[tuple[int, int], list[YearFigures]] = {}
    for figure in figures:
        groups.setdefault((counties[figure.municipality_id], figure.year), []).append(figure)
    for group in groups.values():
        population = _rank({id(f): f.population for f in group})
        crimes = _rank({id(f): f.reported_crimes for f in group})
        for figure in group:
            figure.population_rank, figure.crime_rank = population[id(figure)], crimes[id(figure)]
    return sorted(figures, key=lambda f: -f.year)


def _base_values(**lookup) -> Iterable[KeyFigure]:
    return (
        KeyFigure.objects.base_kinds()
        .filter(**lookup)
        .select_related("kind", "municipality")
        .only("municipality_id", "municipality__county_id", "year", "value", "kind__code")
    )


def ranked_key_figures(municipality: Municipality) -> list[YearFigures]:
    """The municipality's population and crimes per year, newest first, with rate and ranks in its county
    (one query)."""
    # The ranks are over the whole county: the county's values are read and the municipality's picked here.
    values = _base_values(municipality__county_id=municipality.county_id)
    return [f for f in _year_figures(values) if f.municipality_id == municipality.pk]


def latest_key_figures(municipalities: Iterable[Municipality]) -> dict[int, YearFigures]:
    """Each municipality's newest year of population and crimes, with rate and ranks in its county (one query)."""
    municipalities = list(municipalities)
    ids = {m.pk for m in municipalities}
    if not ids:
        return {}
    county_ids = {m.county_id for m in municipalities}
    # Ranks are over the whole county per year, so the query reads the county's figures, but only of
    # the years that are some municipality's newest (not every year of every municipality).
    newest_years = (
        KeyFigure.objects.base_kinds()
        .filter(municipality_id__in=ids)
        .values("municipality_id")
        .annotate(newest=Max("year"))
        .values("newest")
    )
    values = _base_values(municipality__county_id__in=county_ids, year__in=newest_years)
    latest: dict[int, YearFigures] = {}
    for figure in _year_figures(values):
        if figure.municipality_id in ids:
            latest.setdefault(figure.municipality_id, figure)
    return latest


def county_overview(
    county: County, *, q: str = "", obligation: str = "", state: str = "", sort: str = "name", details: bool = True
):
    """Every municipality of ``county`` with its latest figures and compliance states.

    States are derived from dates, so filtering and sorting happen here on the county's
    rows (at most a few dozen) after a fixed number of queries. ``details=False`` reads only
    the municipalities and their compliance (two queries), for the dashboards: the rows then have
    no key figures, coordinators or support activities.
    """
    municipalities = county.municipalities.order_by("name")
    if details:
        municipalities = list(municipalities.prefetch_related("coordinators", "compliance_items"))
        latest = latest_key_figures(municipalities)
        activities = county_support_activities(county)
    else:
        municipalities, latest, activities = list(municipalities.prefetch_related("compliance_items")), {}, []
    reached: dict[int, int] = {}
    for activity in activities:
        for municipality in activity.municipalities.all():
            reached[municipality.pk] = reached.get(municipality.pk, 0) + 1
    today = timezone.localdate()
    rows = []
    for municipality in municipalities:
        items = {item.obligation: item for item in municipality.compliance_items.all()}
        states = {o: compliance_state(items.get(o), today) for o in Obligation.values}
        coordinators = list(municipality.coordinators.all()) if details else []
        rows.append(
            OverviewRow(
                municipality, latest.get(municipality.pk), states, coordinators, reached.get(municipality.pk, 0)
            )
        )

    matrix = []
    for value, label in Obligation.choices:
        counts = dict.fromkeys(ComplianceState.values, 0)
        for row in rows:
            counts[row.states[value]] += 1
        matrix.append((value, label, counts))

    total = len(rows)
    if q:
        rows = [r for r in rows if q.casefold() in r.municipality.name.casefold()]
    if state:
        wanted = [obligation] if obligation else Obligation.values
        rows = [r for r in rows if any(r.states[o] == state for o in wanted)]
    if sort in ("", "name"):
        rows.sort(key=lambda r: swedish_key(r.municipality.name))
    elif sort == "-population":
        rows.sort(key=lambda r: r.latest.population if r.latest else -1, reverse=True)
    elif sort in ("rate", "-rate"):
        missing = float("inf") if sort == "rate" else float("-inf")
        rows.sort(key=lambda r: r.latest.crimes_per_100k if r.latest else missing, reverse=sort == "-rate")
    return CountyOverview(county=county, rows=rows, matrix=matrix, total=total, support_activities=activities)


@dataclass
class ComplianceView:
    obligation: str
    label: str
    item: ComplianceItem | None
    state: str


def compliance_views(municipality: Municipality, user) -> list[ComplianceView]:
    """The four obligations of the law for ``municipality``, each item with the documents ``user``
    may open (none for ``None``)."""
    documents = Prefetch("documents", queryset=ComplianceDocument.objects.visible_to(user))
    items = {i.obligation: i for i in municipality.compliance_items.prefetch_related(documents)}
    today = timezone.localdate()
    return [
        ComplianceView(value, label, items.get(value), compliance_state(items.get(value), today))
        for value, label in Obligation.choices
    ]


def municipality_history(municipality: Municipality, limit: int = 20):
    return change_log(
        Municipality.history.filter(id=municipality.pk),
        CouncilMember.history.filter(municipality_id=municipality.pk),
        Coordinator.history.filter(municipality_id=municipality.pk),
        KeyFigure.history.filter(municipality_id=municipality.pk),
        ComplianceItem.history.filter(municipality_id=municipality.pk),
        limit=limit,
    )


def crime_rate_chart(municipality: Municipality, figures: list[YearFigures]) -> str:
    """The reported-crimes-per-100 000 chart, the same on the page and in reports."""
    points = [(str(f.year), f.crimes_per_100k) for f in sorted(figures, key=lambda f: f.year)]
    return charts.line_chart(
        [charts.Series(gettext("Reported crimes per 100 000 inhabitants"), points)],
        chart_id=f"crime-rate-{municipality.code}",
        title=gettext("Reported crimes per 100 000 inhabitants in %(name)s") % {"name": municipality.name},
    )


# --- The kinds a county follows, beside the county's and the country's figures -------------------------


@dataclass
class FollowedSeries:
    """One followed kind on a municipality's page: its values per year, the county's and the country's,
    and its place among the county's municipalities in the latest year it has."""

    kind: KeyFigureKind
    points: list[tuple[int, float]]  # (year, value or value per 100 000)
    county: dict[int, float]
    national: dict[int, float]
    rank: int | None = None
    ranked: int = 0
    provenance: KeyFigure | None = None  # the latest value's row: its source, identifier and fetch
    chart: str = ""

    @property
    def latest(self) -> tuple[int, float] | None:
        return self.points[-1] if self.points else None

    @property
    def rows(self) -> list[tuple[int, float, float | None, float | None]]:
        """(year, the municipality's, the county's, the country's), newest first."""
        return [(year, value, self.county.get(year), self.national.get(year)) for year, value in reversed(self.points)]

    @property
    def latest_county(self) -> float | None:
        return self.county.get(self.latest[0]) if self.latest else None

    @property
    def latest_national(self) -> float | None:
        return self.national.get(self.latest[0]) if self.latest else None


def _per_100k(kind: KeyFigureKind, value: Decimal, population: Decimal | None) -> float | None:
    if not kind.per_100k:
        return float(value)
    return float(value) * 100000 / float(population) if population else None


def followed_series(municipality: Municipality, *, charts_too: bool = True) -> list[FollowedSeries]:
    """The kinds the municipality's county follows, each with the county's and the country's figure and
    the municipality's rank in the county (three queries, however many kinds and years)."""
    followed = FollowedKeyFigure.objects.filter(county_id=municipality.county_id).select_related("kind")
    kinds = [f.kind for f in followed]
    if not kinds:
        return []
    wanted = Q(kind_id__in=[k.pk for k in kinds]) | Q(kind__code=POPULATION)
    rows = list(
        KeyFigure.objects.filter(wanted, municipality__county_id=municipality.county_id, gender=Gender.TOTAL)
        .select_related("kind")
        .order_by("year")
    )
    areas = list(
        AreaKeyFigure.objects.filter(
            wanted, Q(county_id=municipality.county_id) | Q(county_id__isnull=True), gender=Gender.TOTAL
        )
        .select_related("kind")
        .order_by("year")
    )
    people = {(r.municipality_id, r.year): r.value for r in rows if r.kind.code == POPULATION}
    area_people = {(r.county_id, r.year): r.value for r in areas if r.kind.code == POPULATION}
    result = []
    for kind in kinds:
        values: dict[int, dict[int, float]] = {}  # year: {municipality: value}
        latest_row = None
        for row in rows:
            value = _per_100k(kind, row.value, people.get((row.municipality_id, row.year)))
            if row.kind_id == kind.pk and value is not None:
                values.setdefault(row.year, {})[row.municipality_id] = value
                if row.municipality_id == municipality.pk:
                    latest_row = row
        county: dict[int, float] = {}
        national: dict[int, float] = {}
        for row in areas:
            value = _per_100k(kind, row.value, area_people.get((row.county_id, row.year)))
            if row.kind_id == kind.pk and value is not None:
                (county if row.county_id else national)[row.year] = value
        points = [(year, by[municipality.pk]) for year, by in sorted(values.items()) if municipality.pk in by]
        series = FollowedSeries(kind, points, county, national, provenance=latest_row)
        if points:
            series.rank, series.ranked = _rank_in_county(kind, values[points[-1][0]], municipality.pk)
            if charts_too:
                series.chart = followed_chart(municipality, series)
        result.append(series)
    return result


def _rank_in_county(kind: KeyFigureKind, values: dict[int, float], municipality_id: int) -> tuple[int, int]:
    """(place, out of how many): 1 is the best, the highest value where higher is better, else the lowest."""
    ordered = sorted(values.values(), reverse=kind.better != Better.LOWER)
    return ordered.index(values[municipality_id]) + 1, len(ordered)


def followed_chart(municipality: Municipality, series: FollowedSeries) -> str:
    """The kind's chart: the municipality, the county and the country, the same on the page and in reports."""
    years = [year for year, _value in series.points]
    lines = [charts.Series(municipality.name, [(str(y), v) for y, v in series.points])]
    if series.county:
        lines.append(charts.Series(municipality.county.name, [(str(y), series.county.get(y)) for y in years]))
    if series.national:
        lines.append(
            charts.Series(gettext("The whole country (Riket)"), [(str(y), series.national.get(y)) for y in years])
        )
    title = series.kind.name + (f" {gettext('per 100 000 inhabitants')}" if series.kind.per_100k else "")
    return charts.line_chart(lines, chart_id=f"kind-{series.kind.pk}-{municipality.code}", title=title, decimals=1)


@dataclass
class CountyKind:
    """A followed kind on the county overview: each municipality's latest value, best first, and the
    county's and the country's of the same year."""

    kind: KeyFigureKind
    year: int | None
    rows: list[tuple[Municipality, float]]
    county: float | None
    national: float | None


def county_followed(county: County) -> list[CountyKind]:
    """The kinds the county follows, each municipality's value in the newest year the kind has
    (three queries, however many kinds, municipalities and years)."""
    kinds = [f.kind for f in FollowedKeyFigure.objects.filter(county=county).select_related("kind")]
    if not kinds:
        return []
    wanted = Q(kind_id__in=[k.pk for k in kinds]) | Q(kind__code=POPULATION)
    rows = list(
        KeyFigure.objects.filter(wanted, municipality__county=county, gender=Gender.TOTAL).select_related(
            "kind", "municipality"
        )
    )
    areas = list(
        AreaKeyFigure.objects.filter(
            wanted, Q(county=county) | Q(county_id__isnull=True), gender=Gender.TOTAL
        ).select_related("kind")
    )
    people = {(r.municipality_id, r.year): r.value for r in rows if r.kind.code == POPULATION}
    area_people = {(r.county_id, r.year): r.value for r in areas if r.kind.code == POPULATION}
    result = []
    for kind in kinds:
        mine = [r for r in rows if r.kind_id == kind.pk]
        year = max((r.year for r in mine), default=None)
        values = [
            (r.municipality, v)
            for r in mine
            if r.year == year and (v := _per_100k(kind, r.value, people.get((r.municipality_id, r.year)))) is not None
        ]
        values.sort(key=lambda pair: pair[1], reverse=kind.better != Better.LOWER)
        figures = {
            row.county_id: _per_100k(kind, row.value, area_people.get((row.county_id, row.year)))
            for row in areas
            if row.kind_id == kind.pk and row.year == year
        }
        result.append(CountyKind(kind, year, values, figures.get(county.pk), figures.get(None)))
    return result
