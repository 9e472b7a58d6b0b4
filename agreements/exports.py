"""The columns of the county's agreements view when it is exported (CSV or Excel)."""

from django.utils.translation import gettext

from portal.exports import Column


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
