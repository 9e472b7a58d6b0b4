"""The columns of the county's agreements view when it is exported (CSV or Excel)."""

from django.utils.translation import gettext

from agreements.models import CRITERIA
from core.exports import Column


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


def pledge_columns() -> list[Column]:
    return [
        Column(gettext("Municipality"), lambda p: p.municipality.name),
        Column(gettext("Citizen pledge"), lambda p: p.title),
        Column(gettext("Period from"), lambda p: p.period_start),
        Column(gettext("Period to"), lambda p: p.period_end),
        Column(gettext("Status"), lambda p: p.get_status_display()),
        Column(gettext("Commitments"), lambda p: p.commitment_count),
        Column(gettext("Follow-ups"), lambda p: p.follow_up_count),
    ]


def follow_up_columns() -> list[Column]:
    return [
        Column(gettext("Date"), lambda f: f.date),
        Column(gettext("Municipality"), lambda f: f.municipality.name),
        Column(gettext("Follows up"), lambda f: str(f.pledge or f.agreement)),
        Column(gettext("Overall assessment"), lambda f: f.get_assessment_display()),
        Column(gettext("Summary"), lambda f: f.summary),
        Column(gettext("Author"), lambda f: f.author_name),
    ]


def review_columns() -> list[Column]:
    return [
        Column(gettext("Date"), lambda r: r.date),
        Column(gettext("Municipality"), lambda r: r.municipality.name),
        Column(gettext("Reviewed"), lambda r: str(r.pledge or r.agreement)),
        *(Column(str(label), lambda r, name=name: getattr(r, name)) for name, label in CRITERIA),
        Column(gettext("Points"), lambda r: r.total),
        Column(gettext("Percent"), lambda r: r.percent),
        Column(gettext("Reviewer"), lambda r: r.reviewer_name),
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
