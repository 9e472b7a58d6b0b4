"""The columns of the county's agreements view when it is exported (CSV or Excel)."""

from operator import itemgetter

from django.utils.translation import gettext

from agreements.models import CRITERIA, Assessment, PledgeStatus, review_percent
from core.exports import Column, choice_labels


def _agreement(row, attribute):
    return getattr(row.agreement, attribute) if row.agreement else None


def county_columns() -> list[Column]:
    return [
        Column(gettext("Municipality"), lambda r: r.municipality.name),
        Column(gettext("Agreement"), lambda r: _agreement(r, "title")),
        Column(gettext("Period"), lambda r: _agreement(r, "period")),
        Column(gettext("Status"), lambda r: r.agreement.get_status_display() if r.agreement else None),
        Column(gettext("Step in Brå's process"), lambda r: r.agreement.get_step_display() if r.agreement else None),
        Column(gettext("Current pledges"), lambda r: "; ".join(p.title for p in r.current_pledges)),
        Column(gettext("Follow-up missing"), lambda r: bool(r.follow_up_missing)),
        Column(
            gettext("Latest quality score (percent)"), lambda r: r.latest_review.percent if r.latest_review else None
        ),
        Column(gettext("Next deadline"), lambda r: r.next_deadline.due_date if r.next_deadline else None),
        Column(gettext("What is due"), lambda r: r.next_deadline.title if r.next_deadline else None),
    ]


# The county lists export ``queryset.values(*FIELDS)``: what their columns read, and no more, without
# building a model object a row (at national scale a list is tens of thousands of rows).
PLEDGE_FIELDS = (
    "municipality__name",
    "title",
    "period_start",
    "period_end",
    "status",
    "commitment_count",
    "follow_up_count",
)
FOLLOW_UP_FIELDS = ("date", "municipality__name", "pledge__title", "agreement__title", "assessment", "summary")
FOLLOW_UP_FIELDS += ("author_name",)
REVIEW_FIELDS = ("date", "municipality__name", "pledge__title", "agreement__title", *(n for n, _l in CRITERIA))
REVIEW_FIELDS += ("reviewer_name",)


def _target(row: dict) -> str:
    """What a follow-up or review is of: its pledge's or agreement's title (their ``str()``)."""
    return row["pledge__title"] or row["agreement__title"] or ""


def pledge_columns() -> list[Column]:
    """The pledge list's export, of ``PLEDGE_FIELDS`` rows of ``PledgeQuerySet.with_counts()``."""
    status = choice_labels(PledgeStatus.choices)
    return [
        Column(gettext("Municipality"), itemgetter("municipality__name")),
        Column(gettext("Citizen pledge"), itemgetter("title")),
        Column(gettext("Period from"), itemgetter("period_start")),
        Column(gettext("Period to"), itemgetter("period_end")),
        Column(gettext("Status"), lambda p: status.get(p["status"], p["status"])),
        Column(gettext("Commitments"), itemgetter("commitment_count")),
        Column(gettext("Follow-ups"), itemgetter("follow_up_count")),
    ]


def follow_up_columns() -> list[Column]:
    """The follow-up list's export, of ``FOLLOW_UP_FIELDS`` rows."""
    assessment = choice_labels(Assessment.choices)
    return [
        Column(gettext("Date"), itemgetter("date")),
        Column(gettext("Municipality"), itemgetter("municipality__name")),
        Column(gettext("Follows up"), _target),
        Column(gettext("Overall assessment"), lambda f: assessment.get(f["assessment"], f["assessment"])),
        Column(gettext("Summary"), itemgetter("summary")),
        Column(gettext("Author"), itemgetter("author_name")),
    ]


def _review_total(row: dict) -> int:
    return sum(row[name] for name, _label in CRITERIA)


def review_columns() -> list[Column]:
    """The review list's export, of ``REVIEW_FIELDS`` rows (points and per cent as ``QualityReview`` counts them)."""
    return [
        Column(gettext("Date"), itemgetter("date")),
        Column(gettext("Municipality"), itemgetter("municipality__name")),
        Column(gettext("Reviewed"), _target),
        *(Column(str(label), itemgetter(name)) for name, label in CRITERIA),
        Column(gettext("Points"), _review_total),
        Column(gettext("Percent"), lambda r: review_percent(_review_total(r))),
        Column(gettext("Reviewer"), itemgetter("reviewer_name")),
    ]


def _asked(request) -> str:
    return ", ".join(str(person) for person in request.addressees.all())


def municipal_request_columns() -> list[Column]:
    """A municipal round's requests as its page shows them."""
    return [
        Column(gettext("Municipality"), lambda r: r.municipality.name),
        Column(gettext("Follow-up of"), lambda r: str(r.target._meta.verbose_name)),
        Column(gettext("Title"), lambda r: r.target.title),
        Column(gettext("Asked"), _asked),
        Column(gettext("State"), lambda r: r.get_state_display()),
        Column(gettext("Opened"), lambda r: r.opened_at),
        Column(gettext("Submitted"), lambda r: r.follow_up.submitted_at if r.follow_up else None),
        Column(gettext("Reviewed"), lambda r: r.follow_up.reviewed_at if r.follow_up else None),
        Column(
            gettext("Reviewed by"),
            lambda r: str(r.follow_up.reviewed_by) if r.follow_up and r.follow_up.reviewed_by else "",
        ),
        Column(gettext("Overall assessment"), lambda r: r.follow_up.get_assessment_display() if r.follow_up else ""),
    ]
