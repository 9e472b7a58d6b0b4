"""The dashboard each role lands on after signing in (the start page at "/").

``dashboard_for(user)`` returns one ``Section`` per role the user holds (and per county or
set of municipalities of that role); the view renders each with its template from
``templates/portal/dashboard/``. The roles' sections come from ``core.registry``'s dashboard
entries, in their order: one module here per role (``national``, ``coordinator``,
``steering``, ``officer``, ``actor``, registered in ``PortalConfig.ready``), built from the
parts each app contributes in its ``dashboard.py`` (``actions``: the plan and its measures;
``agreements``: agreement counts, quality bands, deadlines; ``municipalities``: the compliance
matrix, gaps and shares) and the county's change feed from the histories the apps register.

Every section is read with a number of queries that does not grow with the data: the parts
read a county at a time in a fixed number of queries, and the national overview reads every
county with one query per model. Every number shown is paired with the URL of the list behind
it (``Link``), so templates never build filter URLs themselves.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.registry import dashboard_entries
from core.scoping import scope_for
from portal.dashboard import actor, coordinator, national, officer, requests, steering
from portal.dashboard.common import Section

ENTRIES = (requests.ENTRY, national.ENTRY, coordinator.ENTRY, steering.ENTRY, officer.ENTRY, actor.ENTRY)


def dashboard_for(user, today: datetime.date | None = None) -> list[Section]:
    """The sections of the user's dashboard, one per role they hold (and per county of a county role)."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    return [section for entry in dashboard_entries() for section in entry.sections(user, scope, today)]
