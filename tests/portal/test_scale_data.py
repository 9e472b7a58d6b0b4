"""generate_scale_data: deterministic, counted per parent, safe against real data."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from actions.models import ActionPlan, Actor, IndicatorValue, Measure, ProgressUpdate
from agreements.models import CitizenPledge, CooperationAgreement, FollowUp, QualityReview
from core.roles import Role
from devtools.scale import BASE, Counts, generate
from municipalities.models import ComplianceItem, KeyFigure, Municipality
from portal.models import Grant, User
from tests.factories import ActionPlanFactory, CountyFactory

pytestmark = pytest.mark.django_db

# Two small counties keep the tests fast: Gotland (one municipality) and Blekinge (five).
COUNTIES = ["09", "10"]
SCALE = 0.2


def run(*args):
    out = io.StringIO()
    call_command("generate_scale_data", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """A checksum of generated content, independent of primary keys and creation times."""
    rows = [
        *ActionPlan.objects.order_by("county__code").values_list("county__code", "title"),
        *Measure.objects.order_by("plan__county__code", "number").values_list(
            "plan__county__code", "number", "title", "start_date", "target_date", "weight"
        ),
        *ProgressUpdate.objects.order_by("measure__plan__county__code", "measure__number", "date").values_list(
            "measure__number", "date", "status__code", "percent", "done_text"
        ),
        *IndicatorValue.objects.order_by(
            "indicator__measure__plan__county__code", "indicator__measure__number", "indicator__name", "date"
        ).values_list("indicator__name", "date", "value"),
        *KeyFigure.objects.order_by("municipality__code", "year", "kind__code").values_list(
            "municipality__code", "year", "kind__code", "value"
        ),
        *ComplianceItem.objects.order_by("municipality__code", "obligation").values_list(
            "municipality__code", "obligation", "status", "date"
        ),
        *CitizenPledge.objects.order_by("municipality__code", "period_start").values_list("title", "status"),
        *QualityReview.objects.order_by("municipality__code", "date").values_list(
            "municipality__code", "date", "cause_analysis", "gender_equality"
        ),
        *User.objects.order_by("username").values_list("username", "last_name"),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def generate_and_discard(**kwargs) -> str:
    """Generate into the database, take the fingerprint, and roll everything back."""
    with transaction.atomic():
        generate(**kwargs)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = generate_and_discard(scale=SCALE, seed=1, counties=COUNTIES)
    assert not ActionPlan.objects.exists()
    assert generate_and_discard(scale=SCALE, seed=1, counties=COUNTIES) == first
    assert generate_and_discard(scale=SCALE, seed=2, counties=COUNTIES) != first


def test_counts_per_parent_match_the_scale():
    counts = generate(scale=SCALE, seed=1, counties=COUNTIES)
    n = Counts(SCALE)
    municipalities = Municipality.objects.filter(county__code__in=COUNTIES).count()
    assert municipalities == 6
    assert n.measures_per_plan == 2
    assert n.updates_per_measure == 8

    assert ActionPlan.objects.count() == 2
    for plan in ActionPlan.objects.all():
        assert plan.title.startswith("[gen]")
        assert plan.measures.count() == n.measures_per_plan
    for measure in Measure.objects.all():
        assert measure.updates.count() == n.updates_per_measure
        assert measure.milestones.count() == n.milestones_per_measure
        assert measure.participants.count() == 3
        assert measure.participants.filter(role="lead").count() == 1
        assert measure.indicators.count() == n.indicators_per_measure
        for indicator in measure.indicators.all():
            assert indicator.values.count() == n.values_per_indicator
    for municipality in Municipality.objects.filter(county__code__in=COUNTIES):
        assert municipality.key_figures.count() == 2 * n.key_figure_years  # population and reported crimes
        assert sorted(municipality.compliance_items.values_list("obligation", flat=True)) == sorted(
            ["situation_analysis", "action_programme", "coordinating_function", "follow_up"]
        )
        agreement = municipality.agreements.get()
        assert agreement.focus_areas.count() == 5
        assert municipality.pledges.count() == n.pledges_per_municipality
        for pledge in municipality.pledges.all():
            assert pledge.commitments.count() == n.commitments_per_pledge
            expected = n.follow_ups_per_pledge if pledge.status == "published" else 0
            assert pledge.follow_ups.count() == expected
        assert QualityReview.objects.filter(municipality=municipality).count() == n.reviews_per_municipality
    assert Actor.objects.filter(name="Generated actor 3, Gotland", county__code="09").exists()
    assert counts["SupportActivity"] == 2 * n.support_activities_per_county
    assert counts["FollowUpItem"] == FollowUp.objects.count() * n.commitments_per_pledge
    assert not Municipality.objects.exclude(county__code__in=COUNTIES).filter(key_figures__isnull=False).exists()


def test_scale_one_counts_are_the_issues():
    n = Counts(1)
    assert {name: getattr(n, name) for name in BASE} == BASE
    assert (n.measures_per_plan, n.updates_per_measure, n.milestones_per_measure) == (10, 40, 6)
    assert Counts(2).measures_per_plan == 20


def test_latest_update_is_the_newest():
    generate(scale=SCALE, seed=1, counties=COUNTIES)
    for measure in Measure.objects.all():
        newest = measure.updates.order_by("-date", "-created_at", "-pk").first()
        assert measure.latest_update_id == newest.pk
    assert Measure.objects.filter(latest_update__isnull=True).count() == 0


def test_generated_users_have_one_grant_each_with_the_right_scope():
    generate(scale=SCALE, seed=1, counties=COUNTIES)
    users = User.objects.filter(username__startswith="gen-")
    assert users.count() == 2 * 3 + 6
    for user in users:
        assert not user.has_usable_password()
        grant = Grant.objects.get(user=user)
        if grant.role == Role.MUNICIPAL_OFFICER:
            assert user.username == f"gen-officer-{grant.municipality.code}"
            assert grant.county_id is None
            assert grant.actor_id is None
        elif grant.role == Role.ACTOR_CONTACT:
            assert user.username == f"gen-actor-{grant.county.code}"
            assert grant.actor.county_id == grant.county_id
            assert grant.municipality_id is None
        else:
            prefix = {Role.COUNTY_COORDINATOR: "gen-coordinator", Role.STEERING_GROUP: "gen-steering"}[grant.role]
            assert user.username == f"{prefix}-{grant.county.code}"
            assert grant.municipality_id is None
            assert grant.actor_id is None
        grant.full_clean()
    roles = sorted(Grant.objects.values_list("role", flat=True))
    assert roles.count(Role.MUNICIPAL_OFFICER) == 6
    assert roles.count(Role.COUNTY_COORDINATOR) == 2


def test_command_prints_a_summary_and_refuses_to_run_twice():
    output = run("--scale", "0.1", "--counties", "09")
    assert "ProgressUpdate" in output
    assert "Generated at scale 0.1, seed 1, in" in output
    assert ActionPlan.objects.count() == 1
    with pytest.raises(CommandError, match="Generated data already exists"):
        run("--scale", "0.1", "--counties", "09")
    with pytest.raises(CommandError, match="Generated data already exists"):
        run("--scale", "0.1", "--counties", "09", "--force")
    assert ActionPlan.objects.count() == 1


def test_refuses_real_data_unless_forced():
    call_command("load_reference_data", stdout=io.StringIO())
    real = ActionPlanFactory(county=CountyFactory(code="09"))
    with pytest.raises(CommandError, match="--force") as error:
        run("--scale", "0.1", "--counties", "09")
    assert "action plans" in str(error.value)
    assert not User.objects.exists()

    run("--scale", "0.1", "--counties", "09", "--force")
    assert ActionPlan.objects.filter(title__startswith="[gen]").count() == 1
    assert ActionPlan.objects.filter(pk=real.pk).exists()


@pytest.mark.parametrize("model", ["user", "agreement", "pledge"])
def test_other_real_data_counts_too(model):
    call_command("load_reference_data", stdout=io.StringIO())
    municipality = Municipality.objects.get(code="0980")
    if model == "user":
        User.objects.create(username="annica")
    elif model == "agreement":
        CooperationAgreement.objects.create(
            municipality=municipality, title="Överenskommelse", police_area="Gotland", start_year=2024, end_year=2027
        )
    else:
        CitizenPledge.objects.create(
            municipality=municipality,
            title="Löfte",
            period_start="2026-01-01",
            period_end="2026-12-31",
            background="Bakgrund.",
        )
    with pytest.raises(CommandError, match="real data"):
        run("--scale", "0.1", "--counties", "09")


def test_loads_reference_data_when_missing():
    run("--scale", "0.1", "--counties", "09")
    assert Municipality.objects.count() == 290
    assert KeyFigure.objects.filter(municipality__code="0980").count() == 2
