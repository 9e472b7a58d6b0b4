"""The columns of the measures table when it is exported (CSV or Excel), as shown on the plan page."""

from django.utils.translation import gettext, pgettext

from core.exports import Column


def _lead(measure) -> str:
    lead = measure.lead()
    return lead.actor.name if lead else ""


def _participants(measure) -> str:
    return ", ".join(p.actor.name for p in measure.participants.all() if p.role != "lead")


def measure_columns() -> list[Column]:
    return [
        # "Number" as in "measure no. 3" (Swedish "Nummer"), not a count ("Antal"): hence the context.
        Column(pgettext("measure", "Number"), lambda m: m.number),
        Column(gettext("Measure"), lambda m: m.title),
        Column(gettext("Lead actor"), _lead),
        Column(gettext("Participating actors"), _participants),
        Column(gettext("Status"), lambda m: str(m.status) if m.status else gettext("No update yet")),
        Column(gettext("Progress (percent)"), lambda m: m.progress),
        Column(gettext("Latest update"), lambda m: m.latest_update.date if m.latest_update else None),
        Column(gettext("Next due date"), lambda m: m.next_due()),
        Column(gettext("Target date"), lambda m: m.target_date),
        Column(gettext("Overdue"), lambda m: m.is_overdue()),
        Column(gettext("No recent update"), lambda m: m.is_stale()),
        Column(gettext("Weight"), lambda m: m.weight),
    ]


def support_activity_columns() -> list[Column]:
    return [
        Column(gettext("Date"), lambda a: a.date),
        Column(gettext("Activity"), lambda a: a.title),
        Column(gettext("Kind"), lambda a: a.get_kind_display()),
        Column(gettext("Place"), lambda a: a.place),
        Column(gettext("Organiser"), lambda a: a.organiser),
        Column(gettext("Participants"), lambda a: a.participants),
        Column(gettext("Municipalities reached"), lambda a: ", ".join(m.name for m in a.municipalities.all())),
        Column(gettext("Participating counties"), lambda a: ", ".join(c.name for c in a.counties.all())),
        Column(gettext("Measure"), lambda a: str(a.measure) if a.measure else ""),
    ]


def _asked(request) -> str:
    return ", ".join(str(person) for person in request.addressees.all())


def round_request_columns() -> list[Column]:
    """A round's requests as its page shows them."""
    return [
        Column(pgettext("measure", "Number"), lambda r: r.measure.number),
        Column(gettext("Measure"), lambda r: r.measure.title),
        Column(gettext("Asked"), _asked),
        Column(gettext("State"), lambda r: r.get_state_display()),
        Column(gettext("Opened"), lambda r: r.opened_at),
        Column(gettext("Submitted"), lambda r: r.update.submitted_at if r.update else None),
        Column(gettext("Reviewed"), lambda r: r.update.reviewed_at if r.update else None),
        Column(
            gettext("Reviewed by"), lambda r: str(r.update.reviewed_by) if r.update and r.update.reviewed_by else ""
        ),
        Column(gettext("Status"), lambda r: str(r.update.status) if r.update else ""),
        Column(gettext("Progress (percent)"), lambda r: r.update.percent if r.update else None),
    ]
