"""What every kind of follow-up round shares, beneath the apps that have one.

A follow-up round (uppföljningsomgång) asks people for an answer by a deadline, reminds them and
collects what they send for review: the action plans' rounds (``actions``) ask about measures, the
municipal rounds (``agreements``) about pledges and agreements. The rules that do not depend on
what is asked about are here, so the two kinds cannot drift apart:

* ``round_date_errors``: a period in order and a deadline not before the period starts;
* ``due_occasions``: which reminders a request calls for on a day (the stages of ``core.Reminder``);
* ``reachable`` and ``absolute_link``: whom an e-mail can reach, and the link it carries;
* ``RoundCounts``: a round's requests counted by state, and the days to its deadline;

The states are named by their values (``asked``, ``opened``, ``draft``, ``submitted``, ``returned``,
``approved``): the choices that label them live with the apps' models.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from core.models import Reminder

logger = logging.getLogger(__name__)

ASKED, OPENED, DRAFT, SUBMITTED, RETURNED, APPROVED = "asked", "opened", "draft", "submitted", "returned", "approved"
# Requests still waiting for the people asked: reminders go to these, and they may still answer.
OUTSTANDING = (ASKED, OPENED, DRAFT, RETURNED)
# Answered: waiting for review, or approved.
ANSWERED = (SUBMITTED, APPROVED)


def round_date_errors(
    start: datetime.date | None, end: datetime.date | None, deadline: datetime.date | None
) -> dict[str, str]:
    """The field errors of a round's dates ({field name: message}); empty when they are in order."""
    errors = {}
    if start and end and end < start:
        errors["period_end"] = gettext("The period cannot end before it starts.")
    if start and deadline and deadline < start:
        errors["deadline"] = gettext("The deadline cannot be before the period starts.")
    return errors


def due_occasions(
    *,
    opened_on: datetime.date,
    deadline: datetime.date,
    remind_days_before: int,
    outstanding: bool,
    today: datetime.date,
    extra_on: datetime.date | None = None,
) -> list[tuple[str, datetime.date]]:
    """The (stage, due date) occasions one request calls for ``today``.

    The invitation is keyed by the day the round opened; the reminder before the deadline
    (``remind_days_before`` days or fewer ahead) and the one after it are keyed by the deadline, so
    a moved deadline gets its own reminders and none is sent twice for one date; the coordinator's
    extra reminder (``extra_on``) by its day. Only an outstanding request is reminded.
    """
    occasions = [(Reminder.Stage.ASKED.value, opened_on)]
    if outstanding:
        days_left = (deadline - today).days
        if 0 < days_left <= remind_days_before:
            occasions.append((Reminder.Stage.BEFORE.value, deadline))
        elif days_left < 0:
            occasions.append((Reminder.Stage.OVERDUE.value, deadline))
        if extra_on is not None:
            occasions.append((Reminder.Stage.EXTRA.value, extra_on))
    return occasions


def reachable(people: Iterable[Any]) -> list[Any]:
    """The people an e-mail can reach: active, with an address (``core.mail.compose`` refuses the others)."""
    return [person for person in people if person.is_active and person.email]


def absolute_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass
class RoundCounts:
    """A round's requests by state ({state value: count}) and the days to its deadline on ``today``."""

    round: Any
    counts: dict[str, int]
    today: datetime.date

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def submitted(self) -> int:
        """Answered: submitted for review or approved."""
        return sum(self.counts.get(state, 0) for state in ANSWERED)

    @property
    def returned(self) -> int:
        return self.counts.get(RETURNED, 0)

    @property
    def outstanding(self) -> int:
        return sum(self.counts.get(state, 0) for state in OUTSTANDING)

    @property
    def days_left(self) -> int:
        return (self.round.deadline - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    def by_state(self, choices: Iterable[tuple[str, str]]) -> list[tuple[str, str, int]]:
        """(state value, label, count) for each of ``choices`` (the app's state choices), in their order."""
        return [(value, label, self.counts.get(value, 0)) for value, label in choices]
