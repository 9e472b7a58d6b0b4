"""The municipal follow-up rounds the agreements tests share: one open in Skåne and one in Stockholm,
each asking about its county's current pledge and agreement, built through the services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from agreements import queries, services
from agreements.models import FollowUp, MunicipalRequest, MunicipalRound
from core.roles import Role
from tests.worlds import AgreementsMatrixWorld, AgreementsWorld, grown

TODAY = timezone.localdate()


def round_values(**changes) -> dict:
    values = {
        "title": "Uppföljning av medborgarlöften hösten 2026",
        "period_start": TODAY - datetime.timedelta(days=60),
        "period_end": TODAY,
        "deadline": TODAY + datetime.timedelta(days=14),
        "message": "Svara kort, tack.",
        "remind_days_before": 5,
    }
    return values | changes


def make_current(world) -> None:
    """The world's pledges and agreements cover today, whatever day the tests run."""
    for pledge in (world.own_pledge, world.foreign_pledge):
        pledge.period_start, pledge.period_end = TODAY - datetime.timedelta(days=100), TODAY + datetime.timedelta(200)
        pledge.save()
    for agreement in (world.own_agreement, world.foreign_agreement):
        agreement.start_year, agreement.end_year = TODAY.year - 1, TODAY.year + 1
        agreement.save()


def open_round(county, *, user=None, items=None, **changes) -> MunicipalRound:
    items = queries.round_candidates(county) if items is None else items
    asked = queries.municipal_officers({item.municipality_id for item in items})
    return services.open_round(county, round_values(**changes), items=items, asked=asked, user=user)


def answer(
    request: MunicipalRequest, user, *, submit: bool = True, summary: str = "Trygghetsvandringar hölls."
) -> FollowUp:
    target = request.target
    items = queries.follow_up_items(target)
    return services.save_round_follow_up(
        request,
        date=TODAY,
        assessment="good",
        summary=summary,
        answers={pk: ("ongoing", "På gång") for pk, _label in items},
        user=user,
        submit=submit,
    )


@dataclass(kw_only=True)
class RoundsWorld(AgreementsWorld):
    """An open municipal round in Skåne and one in Stockholm; on each, the pledge's request has a
    submitted follow-up (``own_round_follow_up``, ``foreign_round_follow_up``)."""

    own_round: MunicipalRound
    foreign_round: MunicipalRound
    own_municipal_request: MunicipalRequest
    foreign_municipal_request: MunicipalRequest
    own_round_follow_up: FollowUp
    foreign_round_follow_up: FollowUp


@dataclass(kw_only=True)
class RoundsMatrixWorld(AgreementsMatrixWorld):
    """The permission matrix's world (Lund's drafts and the documents) with the rounds of ``RoundsWorld``."""

    own_round: MunicipalRound
    foreign_round: MunicipalRound
    own_municipal_request: MunicipalRequest
    foreign_municipal_request: MunicipalRequest
    own_round_follow_up: FollowUp
    foreign_round_follow_up: FollowUp


def with_municipal_rounds(world: AgreementsWorld) -> RoundsWorld | RoundsMatrixWorld:
    make_current(world)
    objects = {}
    for side, county, pledge in (
        ("own", world.own_county, world.own_pledge),
        ("foreign", world.foreign_county, world.foreign_pledge),
    ):
        coordinator = world.user(Role.COUNTY_COORDINATOR) if side == "own" else None
        round_ = open_round(county, user=coordinator)
        request = MunicipalRequest.objects.get(round=round_, pledge=pledge)
        author = world.user(Role.MUNICIPAL_OFFICER) if side == "own" else world.user(Role.NATIONAL_ADMIN)
        objects |= {
            f"{side}_round": round_,
            f"{side}_municipal_request": request,
            f"{side}_round_follow_up": answer(request, author),
        }
    return grown(RoundsMatrixWorld if isinstance(world, AgreementsMatrixWorld) else RoundsWorld, world, **objects)
