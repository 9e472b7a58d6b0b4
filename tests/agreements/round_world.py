"""The municipal follow-up rounds the agreements tests share: one open in Skåne and one in Stockholm,
each asking about its county's current pledge and agreement, built through the services
(``tests.worlds.municipal_rounds``, which the access tests' world has too)."""

from __future__ import annotations

from dataclasses import dataclass

from agreements.models import FollowUp, MunicipalRequest, MunicipalRound
from tests.worlds import (
    SIDES,
    TODAY,
    AgreementsMatrixWorld,
    AgreementsWorld,
    grown,
    make_current,
    municipal_rounds,
    round_values,
)
from tests.worlds import answer_request as answer
from tests.worlds import open_municipal_round as open_round

__all__ = ["TODAY", "RoundsMatrixWorld", "RoundsWorld", "answer", "make_current", "open_round", "round_values"]


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
    objects = municipal_rounds(
        world,
        pledges={side: getattr(world, f"{side}_pledge") for side in SIDES},
        agreements={side: getattr(world, f"{side}_agreement") for side in SIDES},
        round_name="round",
    )
    return grown(RoundsMatrixWorld if isinstance(world, AgreementsMatrixWorld) else RoundsWorld, world, **objects)
