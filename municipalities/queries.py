"""What the pages, dashboards and reports read of counties and municipalities.

Reads only: every write is in ``services.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from core import charts
from core.collation import swedish_key
from core.history import change_log
from municipalities.models import (
    ComplianceDocument,
    ComplianceItem,
    ComplianceState,
    Coordinator,
    CouncilMember,
    County,
    KeyFigure,
    Municipality,
    Obligation,
    compliance_state,
)


@dataclass
class OverviewRow:
    municipality: Municipality
    latest: KeyFigure | None
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


def ranked_key_figures(municipality: Municipality) -> list[KeyFigure]:
    """The municipality's key figures, newest first, with rate and ranks in its county (one query)."""
    # The ranks are window functions over the whole county: filtering the query to the
    # municipality would rank it against itself, so the county's rows are read and picked here.
    county_figures = KeyFigure.objects.filter(municipality__county_id=municipality.county_id).with_rates()
    return [kf for kf in county_figures.order_by("-year") if kf.municipality_id == municipality.pk]


def latest_key_figures(municipalities: Iterable[Municipality]) -> dict[int, KeyFigure]:
    """Each municipality's newest key figure, with rate and ranks in its county (one query)."""
    ids = [m.pk for m in municipalities]
    if not ids:
        return {}
    county_ids = {m.county_id for m in municipalities}
    latest: dict[int, KeyFigure] = {}
    # Ranks are computed over the whole county per year, so the query reads the county's figures,
    # but only of the years that are some municipality's newest (not every year of every municipality).
    newest_years = (
        KeyFigure.objects.filter(municipality_id__in=ids).values("municipality_id").annotate(newest=Max("year"))
    )
    figures = KeyFigure.objects.filter(municipality__county_id__in=county_ids, year__in=newest_years.values("newest"))
    for figure in figures.with_rates().order_by("-year"):
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


def crime_rate_chart(municipality: Municipality, figures: list[KeyFigure]) -> str:
    """The reported-crimes-per-100 000 chart, the same on the page and in reports."""
    points = [(str(f.year), f.crimes_per_100k) for f in sorted(figures, key=lambda f: f.year)]
    return charts.line_chart(
        [charts.Series(gettext("Reported crimes per 100 000 inhabitants"), points)],
        chart_id=f"crime-rate-{municipality.code}",
        title=gettext("Reported crimes per 100 000 inhabitants in %(name)s") % {"name": municipality.name},
    )
