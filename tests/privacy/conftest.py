"""A person with personal data in many places of the portal (``anna``), and one who must be left alone."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone
from user_sessions.models import Session

from actions.models import Comment, MeasureFollow, ProgressUpdate, WorkingGroupMember
from core.models import DigestEntry, Reminder
from core.roles import Role
from municipalities.models import Coordinator, CouncilMember
from portal.models import ApiToken, User
from portal.services import issue_token
from tests.factories import (
    ActionPlanFactory,
    CoordinatorFactory,
    CouncilMemberFactory,
    GrantFactory,
    MeasureFactory,
    UserFactory,
    progress_update,
)


@dataclass
class Anna:
    user: User
    measure: object
    update: ProgressUpdate
    comment: Comment
    council_member: CouncilMember
    coordinator: Coordinator
    working_group_member: WorkingGroupMember
    token: ApiToken
    others_council_member: CouncilMember
    other: User


def build_anna(world) -> Anna:
    anna = UserFactory(username="anna.a", first_name="Anna", last_name="Andersson", email="Anna.Andersson@lund.se")
    GrantFactory(user=anna, role=Role.MUNICIPAL_OFFICER, municipality=world.own_municipality)
    token, _key = issue_token(anna, "Lunds instrumentpanel")
    Session.objects.create(
        session_key="a" * 32,
        session_data="e30:1",
        expire_date=timezone.now() + datetime.timedelta(days=1),
        user=anna,
        ip="192.0.2.7",
        user_agent="Firefox/140",
    )
    plan = ActionPlanFactory(county=world.own_county)
    measure = MeasureFactory(plan=plan, title="Trygg hemväg")
    # A change in the history made by Anna.
    measure.title = "Trygg hemväg i Lund"
    measure._history_user = anna
    measure.save()
    update = progress_update(measure, author=anna, author_name="Anna Andersson", done_text="Belysning uppsatt.")
    comment = Comment.objects.create(measure=measure, author=anna, author_name="Anna Andersson", body="Bra jobbat!")
    MeasureFollow.objects.create(measure=measure, user=anna)
    reminder = Reminder.objects.create(
        kind="round_request", object_id=1, due_date=datetime.date(2026, 6, 1), stage="asked", recipient=anna
    )
    DigestEntry.objects.create(reminder=reminder, recipient=anna, subject="Påminnelse", link="https://x.invalid/")
    council_member = CouncilMemberFactory(municipality=world.own_municipality, name="Anna Andersson", role="Ordförande")
    council_member.role = "Sekreterare"
    council_member.save()  # a second history row with her name
    coordinator = CoordinatorFactory(
        municipality=world.own_municipality, name="A. Andersson", email="anna.andersson@lund.se", phone="046-35 50 00"
    )
    member = WorkingGroupMember.objects.create(measure=measure, name="anna andersson", organisation="Lunds kommun")
    other = UserFactory(username="bertil.b", first_name="Bertil", last_name="Berg", email="bertil@lund.se")
    others = CouncilMemberFactory(municipality=world.own_municipality, name="Bertil Berg")
    return Anna(anna, measure, update, comment, council_member, coordinator, member, token, others, other)


@pytest.fixture
def anna(world) -> Anna:
    return build_anna(world)
