"""Follow-up rounds: opening, answering, reviewing, locking, handing over and the e-mails, as services.

The pages, their permissions and the whole cycle in a browser are tested beside this module
(``test_round_pages.py``, the permission matrix, ``tests/browser/test_rounds.py``).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions import queries, round_notices, services
from actions.models import (
    FollowUpRound,
    Indicator,
    IndicatorValue,
    Measure,
    ProgressUpdate,
    RequestState,
    RoundRequest,
    UpdateState,
)
from core.models import Reminder
from core.roles import Role
from tests.factories import (
    GrantFactory,
    MeasureActorFactory,
    MeasureFactory,
    UserFactory,
    national_statuses,
    progress_update,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def round_values(**changes):
    values = {
        "title": "Uppföljning kvartal 4 2026",
        "period_start": TODAY - datetime.timedelta(days=60),
        "period_end": TODAY,
        "deadline": TODAY + datetime.timedelta(days=14),
        "message": "Skriv kort, tack.",
        "remind_days_before": 5,
    }
    return values | changes


def open_round(world, *, municipalities=False, participants=False, measures=None, **changes):
    plan = world.own_plan
    measures = measures or queries.round_candidates(plan)
    people = queries.responsible_people(plan, measures)
    asked = {m.pk: people[m.pk].asked(participants=participants, municipalities=municipalities) for m in measures}
    return services.open_round(plan, round_values(**changes), asked=asked, user=world.user(Role.COUNTY_COORDINATOR))


def update_values(**changes):
    return {
        "status": national_statuses()["on_track"],
        "percent": 40,
        "done_text": "Två seminarier hölls.",
        "next_steps": "",
        "risks": "",
    } | changes


def the_request(round_):
    return RoundRequest.objects.with_state().get(round=round_)


# --- Opening ------------------------------------------------------------------------------------


def test_a_round_asks_the_lead_actors_contacts_about_every_measure_not_done_or_cancelled(world):
    done = MeasureFactory(plan=world.own_plan, number=2)
    progress_update(done, status_code="done", percent=100)
    cancelled = MeasureFactory(plan=world.own_plan, number=3)
    progress_update(cancelled, status_code="cancelled")
    assert [m.pk for m in queries.round_candidates(world.own_plan)] == [world.own_measure.pk]

    round_ = open_round(world)

    request = the_request(round_)
    assert request.measure == world.own_measure
    assert list(request.addressees.all()) == [world.user(Role.ACTOR_CONTACT)]
    assert request.state == RequestState.ASKED


def test_the_coordinator_ticks_participating_municipalities_and_actors_to_ask_them_too(world):
    helper = GrantFactory(
        user=UserFactory(username="regionkontakt"),
        role=Role.ACTOR_CONTACT,
        actor=world.own_actor,
        county=world.own_county,
    ).user
    MeasureActorFactory(measure=world.own_measure, actor=world.own_actor, role="participant")

    round_ = open_round(world, municipalities=True, participants=True)

    asked = set(the_request(round_).addressees.all())
    assert asked == {world.user(Role.ACTOR_CONTACT), world.user(Role.MUNICIPAL_OFFICER), helper}


def test_people_without_an_e_mail_address_or_with_a_deactivated_account_are_not_asked(world):
    police = world.user(Role.ACTOR_CONTACT)
    police.is_active = False
    police.save()
    round_ = open_round(world)
    assert list(the_request(round_).addressees.all()) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_end": TODAY - datetime.timedelta(days=61)}, "Perioden kan inte sluta innan den börjar."),
        ({"deadline": TODAY - datetime.timedelta(days=61)}, "Sista dagen kan inte ligga före periodens början."),
    ],
)
def test_dates_out_of_order_are_refused_and_nothing_is_saved(world, changes, message):
    with pytest.raises(ValidationError) as error:
        open_round(world, **changes)
    assert message in str(error.value)
    assert not FollowUpRound.objects.exists()
    assert not RoundRequest.objects.exists()


def test_a_draft_plan_gets_no_round_and_a_plan_has_one_open_round_at_a_time(world):
    open_round(world)
    with pytest.raises(ValidationError, match="har redan en öppen uppföljningsomgång"):
        open_round(world, title="En till")
    world.own_plan.status = "draft"
    world.own_plan.save()
    with pytest.raises(ValidationError, match="bara för aktiva planer"):
        open_round(world, title="Utkast")
    assert FollowUpRound.objects.count() == 1


# --- Answering and reviewing ------------------------------------------------------------------------


def test_a_draft_is_saved_then_submitted_and_only_an_approved_update_sets_the_measure(world):
    round_ = open_round(world)
    request = the_request(round_)
    police = world.user(Role.ACTOR_CONTACT)

    services.save_round_update(request, update_values(), user=police, submit=False)
    assert the_request(round_).state == RequestState.DRAFT
    services.save_round_update(request, update_values(percent=45), user=police, submit=True)
    request = the_request(round_)
    assert request.state == RequestState.SUBMITTED
    assert request.update.percent == 45
    assert ProgressUpdate.objects.filter(measure=world.own_measure).count() == 1
    assert Measure.objects.get(pk=world.own_measure.pk).latest_update is None

    with pytest.raises(ValidationError, match="väntar på granskning"):
        services.save_round_update(request, update_values(), user=police, submit=True)

    coordinator = world.user(Role.COUNTY_COORDINATOR)
    services.review_update(request.update, services.Decision.APPROVE, comment="", user=coordinator)
    measure = Measure.objects.select_related("latest_update").get(pk=world.own_measure.pk)
    assert measure.latest_update == request.update
    assert measure.progress == 45
    assert the_request(round_).state == RequestState.APPROVED


def test_a_returned_update_needs_a_comment_goes_back_and_is_resubmitted(world):
    round_ = open_round(world)
    police, coordinator = world.user(Role.ACTOR_CONTACT), world.user(Role.COUNTY_COORDINATOR)
    update = services.save_round_update(the_request(round_), update_values(), user=police, submit=True)

    with pytest.raises(ValidationError, match="Skriv vad som ska kompletteras"):
        services.review_update(update, services.Decision.RETURN, comment="  ", user=coordinator)
    assert ProgressUpdate.objects.get(pk=update.pk).state == UpdateState.SUBMITTED

    services.review_update(update, services.Decision.RETURN, comment="Ange antal deltagare.", user=coordinator)
    request = the_request(round_)
    assert request.state == RequestState.RETURNED
    assert request.update.review_comment == "Ange antal deltagare."
    assert [r.pk for r in queries.requests_for(police)] == [request.pk]

    services.save_round_update(
        request, update_values(done_text="Två seminarier, 40 deltagare."), user=police, submit=True
    )
    assert the_request(round_).state == RequestState.SUBMITTED
    assert ProgressUpdate.objects.filter(measure=world.own_measure).count() == 1


def test_approving_twice_or_after_another_reviewer_is_refused_with_who_decided(world):
    round_ = open_round(world)
    update = services.save_round_update(
        the_request(round_), update_values(), user=world.user(Role.ACTOR_CONTACT), submit=True
    )
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    services.review_update(update, services.Decision.APPROVE, comment="", user=coordinator)
    with pytest.raises(ValidationError, match="redan godkänd, av Karin"):
        services.review_update(update, services.Decision.RETURN, comment="Nej", user=world.user(Role.NATIONAL_ADMIN))
    assert ProgressUpdate.objects.get(pk=update.pk).reviewed_by == coordinator


def test_indicator_values_count_once_the_update_is_approved_dated_by_the_rounds_period(world):
    indicator = Indicator.objects.create(measure=world.own_measure, name="Deltagare", unit="personer")
    round_ = open_round(world)
    update = services.save_round_update(
        the_request(round_),
        update_values(),
        user=world.user(Role.ACTOR_CONTACT),
        submit=True,
        indicator_values={indicator.pk: Decimal("40")},
    )
    assert not IndicatorValue.objects.exists()
    services.review_update(update, services.Decision.APPROVE, comment="", user=world.user(Role.COUNTY_COORDINATOR))
    value = IndicatorValue.objects.get(indicator=indicator)
    assert (value.date, value.value) == (round_.period_end, Decimal("40"))


def test_until_approved_an_update_is_read_by_its_authors_and_the_coordinators_only(world):
    round_ = open_round(world)
    update = services.save_round_update(
        the_request(round_), update_values(), user=world.user(Role.ACTOR_CONTACT), submit=True
    )

    def readers():
        return {
            role
            for role in world.users
            if ProgressUpdate.objects.visible_to(world.user(role)).filter(pk=update.pk).exists()
        }

    assert readers() == {Role.ACTOR_CONTACT, Role.COUNTY_COORDINATOR, Role.NATIONAL_ADMIN}
    services.review_update(update, services.Decision.APPROVE, comment="", user=world.user(Role.COUNTY_COORDINATOR))
    assert readers() == set(world.users)


def test_a_plan_can_ask_for_approval_of_updates_outside_rounds_too(world):
    world.own_plan.updates_need_approval = True
    world.own_plan.save()
    police = world.user(Role.ACTOR_CONTACT)
    update = services.post_progress_update(world.own_measure, update_values(date=TODAY), police)
    assert update.state == UpdateState.SUBMITTED
    assert Measure.objects.get(pk=world.own_measure.pk).latest_update is None
    own = services.post_progress_update(
        world.own_measure, update_values(date=TODAY), world.user(Role.COUNTY_COORDINATOR)
    )
    assert own.state == UpdateState.APPROVED
    services.review_update(update, services.Decision.APPROVE, comment="", user=world.user(Role.COUNTY_COORDINATOR))
    assert ProgressUpdate.objects.get(pk=update.pk).state == UpdateState.APPROVED


# --- Closing, reopening, the deadline ---------------------------------------------------------------


def test_a_closed_round_is_locked_until_it_is_reopened_which_is_recorded(world):
    round_ = open_round(world)
    police, coordinator = world.user(Role.ACTOR_CONTACT), world.user(Role.COUNTY_COORDINATOR)
    update = services.save_round_update(the_request(round_), update_values(), user=police, submit=True)
    services.close_round(round_)

    with pytest.raises(ValidationError, match="Omgången är stängd"):
        services.review_update(update, services.Decision.APPROVE, comment="", user=coordinator)
    with pytest.raises(ValidationError, match="Omgången är stängd"):
        services.hand_over(the_request(round_), coordinator, user=police)
    with pytest.raises(ValidationError, match="redan stängd"):
        services.close_round(round_)

    services.reopen_round(round_)
    statuses = list(FollowUpRound.history.filter(id=round_.pk).order_by("history_id").values_list("status", flat=True))
    assert statuses == ["open", "closed", "open"]
    services.review_update(update, services.Decision.APPROVE, comment="", user=coordinator)


def test_the_deadline_moves_later_only_and_is_recorded(world):
    round_ = open_round(world)
    later = round_.deadline + datetime.timedelta(days=7)
    with pytest.raises(ValidationError, match="efter den nuvarande"):
        services.extend_deadline(round_, round_.deadline, seen_version=round_.version)
    services.extend_deadline(round_, later, seen_version=round_.version)
    assert FollowUpRound.objects.get(pk=round_.pk).deadline == later
    assert FollowUpRound.history.filter(id=round_.pk, deadline=later).exists()


# --- Handing over ----------------------------------------------------------------------------------


def test_a_request_is_handed_to_a_colleague_of_the_same_organisation_only(world):
    round_ = open_round(world)
    police = world.user(Role.ACTOR_CONTACT)
    colleague = GrantFactory(
        user=UserFactory(username="polis2", first_name="Omar"),
        role=Role.ACTOR_CONTACT,
        actor=world.police,
        county=world.own_county,
    ).user
    request = the_request(round_)
    assert queries.colleagues_for(request, police) == [colleague]

    with pytest.raises(ValidationError, match="kollega i din egen organisation"):
        services.hand_over(request, world.user(Role.MUNICIPAL_OFFICER), user=police)
    services.hand_over(request, colleague, user=police)

    assert list(the_request(round_).addressees.all()) == [colleague]
    assert RoundRequest.history.filter(id=request.pk).exists()


# --- E-mails -------------------------------------------------------------------------------------------


def sent(kind="round_request"):
    return list(Reminder.objects.filter(kind=kind, sent_at__isnull=False).values_list("stage", "recipient__username"))


def test_invitations_go_once_then_a_reminder_before_and_one_after_the_deadline(world, mailoutbox):
    round_ = open_round(world, municipalities=True)
    assert round_notices.send_round_notices(round_.pk, today=TODAY) == 2
    assert round_notices.send_round_notices(round_.pk, today=TODAY) == 0
    invitation = mailoutbox[0]
    assert invitation.subject.startswith("Lägesrapport efterfrågas")
    assert "/forfragningar/" in invitation.body
    assert "Skriv kort, tack." in invitation.body

    before = round_.deadline - datetime.timedelta(days=3)
    assert round_notices.send_round_notices(round_.pk, today=before) == 2
    assert round_notices.send_round_notices(round_.pk, today=before + datetime.timedelta(days=1)) == 0

    after = round_.deadline + datetime.timedelta(days=1)
    assert round_notices.send_round_notices(round_.pk, today=after) == 2
    assert round_notices.send_round_notices(round_.pk, today=after) == 0
    assert sorted(sent()) == sorted(
        (stage, user) for stage in ("asked", "before", "overdue") for user in ("kommun", "polis")
    )


def test_answered_requests_get_no_reminders_and_a_moved_deadline_gets_its_own(world, mailoutbox):
    round_ = open_round(world, municipalities=True)
    round_notices.send_round_notices(round_.pk, today=TODAY)
    services.save_round_update(the_request(round_), update_values(), user=world.user(Role.ACTOR_CONTACT), submit=True)
    assert round_notices.send_round_notices(round_.pk, today=round_.deadline - datetime.timedelta(days=2)) == 0

    round_ = FollowUpRound.objects.get(pk=round_.pk)
    services.review_update(
        the_request(round_).update,
        services.Decision.RETURN,
        comment="Komplettera.",
        user=world.user(Role.COUNTY_COORDINATOR),
    )
    # Returned: outstanding again, so the reminder before the (moved) deadline goes out, once per date.
    services.extend_deadline(round_, round_.deadline + datetime.timedelta(days=10), seen_version=round_.version)
    round_ = FollowUpRound.objects.get(pk=round_.pk)
    day = round_.deadline - datetime.timedelta(days=2)
    assert round_notices.send_round_notices(round_.pk, today=day) == 2
    assert round_notices.send_round_notices(round_.pk, today=day) == 0


def test_the_extra_reminder_goes_to_those_outstanding_at_most_once_a_day(world, mailoutbox):
    round_ = open_round(world)
    services.remind_outstanding(round_, today=TODAY)
    with pytest.raises(ValidationError, match="redan skickats i dag"):
        services.remind_outstanding(round_, today=TODAY)
    round_notices.send_round_notices(round_.pk, extra_on=TODAY, today=TODAY)
    round_notices.send_round_notices(round_.pk, extra_on=TODAY, today=TODAY)
    assert sorted(sent()) == [("asked", "polis"), ("extra", "polis")]
    services.remind_outstanding(round_, today=TODAY + datetime.timedelta(days=1))


def test_a_handover_and_a_review_tell_the_people_concerned(world, mailoutbox):
    round_ = open_round(world)
    police = world.user(Role.ACTOR_CONTACT)
    colleague = GrantFactory(
        user=UserFactory(username="polis2", first_name="Omar"),
        role=Role.ACTOR_CONTACT,
        actor=world.police,
        county=world.own_county,
    ).user
    services.hand_over(the_request(round_), colleague, user=police)
    assert round_notices.send_handover_notice(the_request(round_).pk, colleague.pk, police.pk) == 1
    assert "Veronica" in mailoutbox[-1].body
    assert mailoutbox[-1].to == [colleague.email]

    update = services.save_round_update(the_request(round_), update_values(), user=colleague, submit=True)
    update = services.review_update(
        update, services.Decision.RETURN, comment="Lägg till siffror.", user=world.user(Role.COUNTY_COORDINATOR)
    )
    history_id = update.history.latest().history_id
    assert round_notices.send_review_notice(update.pk, history_id) == 1
    assert round_notices.send_review_notice(update.pk, history_id) == 0
    assert "Lägg till siffror." in mailoutbox[-1].body
    assert mailoutbox[-1].to == [colleague.email]
