import datetime

import pytest

from tests.factories import (
    ActionPlanFactory,
    MeasureActorFactory,
    MeasureFactory,
    MilestoneFactory,
    national_statuses,
)


@pytest.fixture
def world(world):
    """The shared world plus a plan in each county: in Skåne the Police leads measure 1 and
    Lund takes part; in Stockholm a measure no Skåne user may touch."""
    national_statuses()
    for side, county, actor in (
        ("own", world.own_county, world.police),
        ("foreign", world.foreign_county, world.foreign_actor),
    ):
        plan = ActionPlanFactory(county=county, title=f"Plan {county.short_name}")
        measure = MeasureFactory(plan=plan, number=1, title=f"Insats i {county.short_name}")
        MeasureActorFactory(measure=measure, actor=actor, role="lead")
        milestone = MilestoneFactory(measure=measure, due_date=datetime.date(2027, 6, 30))
        setattr(world, f"{side}_plan", plan)
        setattr(world, f"{side}_measure", measure)
        setattr(world, f"{side}_milestone", milestone)
    world.own_measure.municipalities.add(world.own_municipality)
    return world
