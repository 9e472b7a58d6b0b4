"""The "to report" section, first on the page of anyone asked in a follow-up round: the requests they
have not answered yet, those returned for revision first, with the deadline of each."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from actions.models import RequestState, RoundRequest
from actions.queries import requests_for
from core.registry import DashboardEntry
from core.roles import Role
from portal.dashboard.common import Section

TITLE = gettext_lazy("To report: progress updates asked of you")


@dataclass
class RequestsDashboard:
    returned: list[RoundRequest]
    waiting: list[RoundRequest]
    today: datetime.date


def sections(user, scope, today: datetime.date) -> list[Section]:
    if not scope.authenticated:
        return []
    requests = requests_for(user)
    if not requests:
        return []
    returned = [r for r in requests if r.state == RequestState.RETURNED]
    waiting = [r for r in requests if r.state != RequestState.RETURNED]
    # The role the requests come with: an actor contact's or an officer's; shown as "to report".
    role = Role.ACTOR_CONTACT if scope.actor_ids else Role.MUNICIPAL_OFFICER
    return [
        Section(
            role,
            "requests",
            str(TITLE),
            "portal/dashboard/requests.html",
            lambda: RequestsDashboard(returned, waiting, today),
        )
    ]


ENTRY = DashboardEntry("portal.requests", 5, sections)
