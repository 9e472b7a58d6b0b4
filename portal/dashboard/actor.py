"""The actor contact's section: the measures their organisations lead or join."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from actions.dashboard import ActorMeasure, actor_links, actor_measures
from core.registry import DashboardEntry
from core.roles import Role
from portal.dashboard.common import Link, Section

TITLE = gettext_lazy("Actor contact: your organisation's measures")


@dataclass
class ActorDashboard:
    actors: list[Link]
    measures: list[ActorMeasure]


def actor_dashboard(user, actor_ids, county_ids, today: datetime.date) -> ActorDashboard:
    """The measures the user's organisations lead or join, those waiting for an update first."""
    rows = actor_measures(user, actor_ids, county_ids, today)
    return ActorDashboard(actors=actor_links(rows, actor_ids), measures=rows)


def sections(user, scope, today: datetime.date) -> list[Section]:
    if not scope.actor_ids:
        return []
    return [
        Section(
            Role.ACTOR_CONTACT,
            "actor",
            str(TITLE),
            "portal/dashboard/actor.html",
            lambda: actor_dashboard(user, scope.actor_ids, scope.actor_counties, today),
        )
    ]


ENTRY = DashboardEntry("portal.actor", 50, sections)
