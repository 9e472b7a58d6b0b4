"""Municipal follow-up rounds: a county's coordinator asks its municipalities for the follow-ups of their
current pledges and agreements; the officers asked answer, are reminded, hand over; the coordinator
reviews, closes and reopens. As services, as pages, as e-mails and on the dashboards.
"""

import csv
import datetime
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actions.models import RequestState
from actions.services import Decision
from agreements import queries, round_notices, services, tasks
from agreements.demo import load_municipal_round_demo
from agreements.models import FollowUp, MunicipalRequest, MunicipalRound, PledgeCommitment
from core.models import Reminder
from core.roles import Role
from portal.demo import load_demo
from tests.agreements.round_world import TODAY, answer, make_current, open_round, round_values
from tests.factories import AgreementFactory, CommitmentFactory, GrantFactory, PledgeFactory, UserFactory
from tests.helpers import html_errors
from tests.parsed import description, field, find_all, links, messages, page, rows, table, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(world):
    """The agreements world, its pledges and agreements current today."""
    make_current(world)
    return world


def coordinator(world):
    return world.user(Role.COUNTY_COORDINATOR)


def officer(world):
    return world.user(Role.MUNICIPAL_OFFICER)


def pledge_request(round_):
    return MunicipalRequest.objects.with_state().get(round=round_, pledge__isnull=False)


def colleague_in(municipality, username="kommun2", **fields):
    return GrantFactory(
        user=UserFactory(username=username, first_name="Omar", **fields),
        role=Role.MUNICIPAL_OFFICER,
        municipality=municipality,
    ).user


def sent(kind=round_notices.REQUEST):
    return sorted(Reminder.objects.filter(kind=kind, sent_at__isnull=False).values_list("stage", "recipient__username"))


# --- Opening ------------------------------------------------------------------------------------------


def test_a_round_asks_each_municipality_about_its_current_published_pledge_and_current_agreement(world):
    PledgeFactory(
        municipality=world.own_municipality,
        title="Gammalt löfte",
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2020, 12, 31),
    )
    AgreementFactory(municipality=world.neighbour_municipality, status="ended", title="Avslutad")

    candidates = queries.round_candidates(world.own_county)

    assert candidates == [world.own_agreement, world.own_pledge]
    round_ = open_round(world.own_county, user=coordinator(world))
    requests = MunicipalRequest.objects.filter(round=round_)
    assert {(r.municipality, r.target) for r in requests} == {
        (world.own_municipality, world.own_pledge),
        (world.own_municipality, world.own_agreement),
    }
    for request in requests:
        assert list(request.addressees.all()) == [officer(world)]
        assert MunicipalRequest.objects.with_state().get(pk=request.pk).state == RequestState.ASKED


def test_only_officers_with_an_address_and_an_active_account_are_asked(world):
    colleague_in(world.own_municipality, "kommun2", email="")
    colleague_in(world.own_municipality, "kommun3", is_active=False)
    helper = colleague_in(world.own_municipality, "kommun4")

    round_ = open_round(world.own_county)

    assert set(pledge_request(round_).addressees.all()) == {officer(world), helper}


def test_the_coordinator_unticks_what_is_not_asked_about(client_as, world):
    client = client_as(Role.COUNTY_COORDINATOR)
    form = page(client.get("/lan/12/kommunuppfoljning/ny/"))
    boxes = {box.get("value"): box.get("checked") is not None for box in find_all(form, "input", name="items")}
    assert boxes == {f"agreement-{world.own_agreement.pk}": True, f"pledge-{world.own_pledge.pk}": True}

    values = round_values() | {"items": [f"pledge-{world.own_pledge.pk}"]}
    response = client.post("/lan/12/kommunuppfoljning/ny/", values)

    round_ = MunicipalRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == round_.get_absolute_url()
    assert [r.target for r in round_.requests.all()] == [world.own_pledge]


@pytest.mark.parametrize(
    ("changes", "name", "message"),
    [
        (
            {"deadline": TODAY - datetime.timedelta(days=61)},
            "Sista dag",
            "Sista dagen kan inte ligga före periodens början.",
        ),
        (
            {"period_end": TODAY - datetime.timedelta(days=61)},
            "Period till",
            "Perioden kan inte sluta innan den börjar.",
        ),
        ({"remind_days_before": 0}, "Påminnelse, dagar före sista dagen", None),
    ],
)
def test_bad_dates_are_shown_at_their_field_and_nothing_is_saved(client_as, world, changes, name, message):
    client = client_as(Role.COUNTY_COORDINATOR)
    values = round_values(**changes) | {"items": [f"pledge-{world.own_pledge.pk}"]}

    response = client.post("/lan/12/kommunuppfoljning/ny/", values)

    assert response.status_code == 200
    root = page(response)
    control = field(root, name)
    assert control.get("aria-invalid") == "true"
    if message:
        assert message in description(root, control)
    assert not MunicipalRound.objects.exists()
    assert not MunicipalRequest.objects.exists()


def test_the_service_refuses_a_deadline_before_the_period_and_saves_nothing(world):
    with pytest.raises(ValidationError) as refused:
        open_round(world.own_county, deadline=TODAY - datetime.timedelta(days=61))
    assert refused.value.message_dict == {"deadline": ["Sista dagen kan inte ligga före periodens början."]}
    assert not MunicipalRound.objects.exists()


def test_a_county_has_one_open_municipal_round_at_a_time_and_no_draft_is_asked_about(world):
    with pytest.raises(ValidationError, match="publicerat"):
        open_round(world.own_county, items=[world.own_draft])
    with pytest.raises(ValidationError, match="länets kommuner"):
        open_round(world.own_county, items=[world.foreign_pledge])
    open_round(world.own_county)
    with pytest.raises(ValidationError, match="redan en öppen uppföljningsomgång"):
        open_round(world.own_county)
    open_round(world.foreign_county)
    assert MunicipalRound.objects.count() == 2


# --- Answering and reviewing ------------------------------------------------------------------------------


def test_a_draft_is_saved_then_submitted_returned_with_a_comment_resubmitted_and_approved(world):
    commitment = world.own_pledge.commitments.get()
    round_ = open_round(world.own_county)
    request = pledge_request(round_)

    draft = answer(request, officer(world), submit=False)
    assert pledge_request(round_).state == RequestState.DRAFT
    assert PledgeCommitment.objects.get(pk=commitment.pk).status == "planned"

    submitted = answer(pledge_request(round_), officer(world))
    assert submitted.pk == draft.pk
    assert pledge_request(round_).state == RequestState.SUBMITTED
    with pytest.raises(ValidationError, match="väntar på granskning"):
        answer(pledge_request(round_), officer(world))
    with pytest.raises(ValidationError, match="Skriv vad som ska kompletteras"):
        services.review_follow_up(submitted, Decision.RETURN, comment="  ", user=coordinator(world))

    services.review_follow_up(
        submitted, Decision.RETURN, comment="Beskriv trygghetsvandringarna.", user=coordinator(world)
    )
    assert pledge_request(round_).state == RequestState.RETURNED
    revised = answer(pledge_request(round_), officer(world), summary="Tre vandringar med 40 deltagare.")
    assert revised.pk == draft.pk
    assert revised.items.count() == 1

    services.review_follow_up(revised, Decision.APPROVE, comment="", user=coordinator(world))
    approved = FollowUp.objects.get(pk=draft.pk)
    assert (approved.state, approved.summary) == ("approved", "Tre vandringar med 40 deltagare.")
    assert pledge_request(round_).state == RequestState.APPROVED
    # The approved follow-up now counts: it sets the commitment's current status.
    assert PledgeCommitment.objects.get(pk=commitment.pk).status == "ongoing"
    with pytest.raises(ValidationError, match="godkänd och kan inte längre ändras"):
        answer(pledge_request(round_), officer(world))


def test_approving_twice_is_refused_naming_who_decided_and_changes_nothing(client_as, world):
    round_ = open_round(world.own_county)
    follow_up = answer(pledge_request(round_), officer(world))
    other = GrantFactory(
        user=UserFactory(username="samordnare2", first_name="Lena", last_name="Berg"),
        role=Role.COUNTY_COORDINATOR,
        county=world.own_county,
    ).user
    services.review_follow_up(follow_up, Decision.APPROVE, comment="", user=other)
    decisions = FollowUp.history.filter(id=follow_up.pk).count()

    client = client_as(Role.COUNTY_COORDINATOR)
    response = client.post(f"/uppfoljningar/{follow_up.pk}/granska/", {"decision": "return", "comment": "Nej."})

    assert response.status_code == 400
    assert messages(page(response)) == ["Uppföljningen är redan godkänd, av Lena Berg."]
    assert FollowUp.objects.get(pk=follow_up.pk).state == "approved"
    assert FollowUp.history.filter(id=follow_up.pk).count() == decisions
    with pytest.raises(ValidationError, match="redan godkänd, av Lena Berg"):
        services.review_follow_up(follow_up, Decision.APPROVE, comment="", user=coordinator(world))


def test_until_approved_a_rounds_follow_up_is_read_by_its_authors_and_the_coordinators_only(world):
    round_ = open_round(world.own_county)
    follow_up = answer(pledge_request(round_), officer(world))
    readers = {role: FollowUp.objects.visible_to(world.user(role)).filter(pk=follow_up.pk).exists() for role in Role}
    assert readers == {
        Role.COUNTY_COORDINATOR: True,
        Role.MUNICIPAL_OFFICER: True,
        Role.NATIONAL_ADMIN: True,
        Role.STEERING_GROUP: False,
        Role.ACTOR_CONTACT: False,
    }
    services.review_follow_up(follow_up, Decision.APPROVE, comment="", user=coordinator(world))
    assert FollowUp.objects.visible_to(world.user(Role.STEERING_GROUP)).filter(pk=follow_up.pk).exists()


def test_the_pledge_page_shows_a_rounds_follow_up_once_it_is_approved(client_as, world):
    round_ = open_round(world.own_county)
    follow_up = answer(pledge_request(round_), officer(world), summary="Sammanfattning i omgången")

    def follow_up_shown():
        root = page(client_as(Role.STEERING_GROUP).get(world.own_pledge.get_absolute_url()))
        return "Sammanfattning i omgången" in text(root)

    assert not follow_up_shown()
    services.review_follow_up(follow_up, Decision.APPROVE, comment="", user=coordinator(world))
    assert follow_up_shown()


def test_a_follow_up_outside_a_round_counts_at_once_as_before(world):
    follow_up = services.record_follow_up(
        world.own_pledge,
        date=TODAY,
        assessment="good",
        summary="Utanför omgång.",
        answers={world.own_pledge.commitments.get().pk: ("done", "")},
        user=officer(world),
    )
    assert follow_up.state == "approved"
    assert FollowUp.objects.visible_to(world.user(Role.STEERING_GROUP)).filter(pk=follow_up.pk).exists()
    assert world.own_pledge.commitments.get().status == "done"


def test_the_officer_answers_on_the_page_and_the_coordinator_returns_it_there(client_as, world):
    round_ = open_round(world.own_county)
    request = pledge_request(round_)
    commitment = world.own_pledge.commitments.get()
    client = client_as(Role.MUNICIPAL_OFFICER)
    url = request.get_absolute_url()

    assert client.get(url).status_code == 200
    assert pledge_request(round_).state == RequestState.OPENED
    values = {
        f"status_{commitment.pk}": "ongoing",
        f"comment_{commitment.pk}": "",
        "date": TODAY.isoformat(),
        "assessment": "partly",
        "summary": "",
        "submit": "",
    }
    refused = client.post(url, values)
    assert refused.status_code == 400
    assert field(page(refused), "Sammanfattning").get("aria-invalid") == "true"
    assert not FollowUp.objects.filter(pledge=world.own_pledge).exists()

    response = client.post(url, values | {"summary": "Vi har hållit två dialoger."})
    assert response.status_code == 302
    follow_up = pledge_request(round_).follow_up
    assert follow_up.state == "submitted"

    reviewer = client_as(Role.COUNTY_COORDINATOR)
    returned = reviewer.post(
        f"/uppfoljningar/{follow_up.pk}/granska/", {"decision": "return", "comment": "Mer om dialogerna."}
    )
    assert returned.status_code == 302
    assert returned["Location"] == url
    officer_page = page(client_as(Role.MUNICIPAL_OFFICER).get(url))
    (comment,) = find_all(officer_page, "div", **{"data-testid": "review-comment"})
    assert text(comment) == f"Återsänd för komplettering av {coordinator(world)}: Mer om dialogerna."
    assert field(officer_page, "Sammanfattning").text == "Vi har hållit två dialoger."


# --- Closing, reopening, deadlines ----------------------------------------------------------------------


def test_a_closed_round_is_locked_until_it_is_reopened_which_is_recorded(client_as, world):
    round_ = open_round(world.own_county)
    follow_up = answer(pledge_request(round_), officer(world))
    services.close_round(round_)

    with pytest.raises(ValidationError, match="stängd"):
        answer(pledge_request(round_), officer(world))
    with pytest.raises(ValidationError, match="stängd"):
        services.review_follow_up(follow_up, Decision.APPROVE, comment="", user=coordinator(world))
    response = client_as(Role.MUNICIPAL_OFFICER).post(pledge_request(round_).get_absolute_url(), {"submit": ""})
    assert response.status_code == 400
    assert "Uppföljningen kan inte längre ändras." in messages(page(response))
    with pytest.raises(ValidationError, match="redan stängd"):
        services.close_round(round_)

    client = client_as(Role.COUNTY_COORDINATOR)
    assert client.post(f"/kommunuppfoljning/{round_.pk}/oppna/").status_code == 302
    assert MunicipalRound.objects.get(pk=round_.pk).is_open
    assert list(MunicipalRound.history.filter(id=round_.pk).values_list("status", flat=True)) == [
        "open",
        "closed",
        "open",
    ]
    services.review_follow_up(follow_up, Decision.APPROVE, comment="", user=coordinator(world))


def test_reopening_is_refused_while_another_round_of_the_county_is_open(world):
    first = open_round(world.own_county)
    services.close_round(first)
    open_round(world.own_county)
    with pytest.raises(ValidationError, match="annan öppen"):
        services.reopen_round(first)


def test_the_deadline_moves_later_only_and_is_recorded(client_as, world):
    round_ = open_round(world.own_county)
    client = client_as(Role.COUNTY_COORDINATOR)
    url = f"/kommunuppfoljning/{round_.pk}/deadline/"
    earlier = client.post(url, {"deadline": TODAY.isoformat(), "version": round_.version})
    assert earlier.status_code == 200
    assert "Den nya sista dagen måste ligga efter den nuvarande." in description(
        page(earlier), field(page(earlier), "Ny sista dag")
    )
    later = round_.deadline + datetime.timedelta(days=7)
    assert client.post(url, {"deadline": later.isoformat(), "version": round_.version}).status_code == 302
    assert MunicipalRound.objects.get(pk=round_.pk).deadline == later
    assert MunicipalRound.history.filter(id=round_.pk, deadline=later).exists()


# --- Handing over -------------------------------------------------------------------------------------------


def test_a_request_is_handed_to_a_colleague_of_the_same_municipality_only(world, mailoutbox):
    round_ = open_round(world.own_county)
    colleague = colleague_in(world.own_municipality)
    neighbour = colleague_in(world.neighbour_municipality, "hassleholm")
    request = pledge_request(round_)
    # Opened after the round: the colleague is not asked yet, and is the one to hand it to.
    request.addressees.remove(colleague)
    assert queries.colleagues_for(request, officer(world)) == [colleague]

    with pytest.raises(ValidationError, match="kollega i din egen kommun"):
        services.hand_over(request, neighbour, user=officer(world))
    with pytest.raises(ValidationError, match="Bara en av de tillfrågade"):
        services.hand_over(request, colleague, user=coordinator(world))
    services.hand_over(request, colleague, user=officer(world))

    assert list(pledge_request(round_).addressees.all()) == [colleague]
    assert MunicipalRequest.history.filter(id=request.pk).count() >= 2
    assert round_notices.send_handover_notice(request.pk, colleague.pk, officer(world).pk) == 1
    assert round_notices.send_handover_notice(request.pk, colleague.pk, officer(world).pk) == 0
    (mail,) = mailoutbox
    assert mail.to == [colleague.email]
    assert "Annica" in mail.body
    assert request.get_absolute_url() in mail.body


# --- E-mails ----------------------------------------------------------------------------------------------


def test_invitations_go_once_then_a_reminder_before_and_one_after_the_deadline(world, smtp_server):
    helper = colleague_in(world.own_municipality)
    round_ = open_round(world.own_county)

    # Two requests (the pledge and the agreement), two officers each.
    assert round_notices.send_round_notices(round_.pk, today=TODAY) == 4
    assert round_notices.send_round_notices(round_.pk, today=TODAY) == 0
    invitations = smtp_server.wait_for(4)
    assert sorted(address for mail in invitations for address in mail.rcpt_tos) == sorted(
        [officer(world).email, officer(world).email, helper.email, helper.email]
    )
    pledge_mail = next(mail for mail in invitations if "Löfte Lund" in mail.subject)
    assert pledge_mail.subject == "Uppföljning efterfrågas: Löfte Lund"
    assert any(url.endswith(pledge_request(round_).get_absolute_url()) for url in pledge_mail.text_links)
    assert any(url.endswith(pledge_request(round_).get_absolute_url()) for url in pledge_mail.html_links)
    assert "Svara kort, tack." in pledge_mail.text

    before = round_.deadline - datetime.timedelta(days=3)
    assert round_notices.send_round_notices(round_.pk, today=before) == 4
    assert round_notices.send_round_notices(round_.pk, today=before + datetime.timedelta(days=1)) == 0
    after = round_.deadline + datetime.timedelta(days=1)
    assert round_notices.send_round_notices(round_.pk, today=after) == 4
    assert round_notices.send_round_notices(round_.pk, today=after) == 0
    assert len(smtp_server.wait_for(12)) == 12
    assert sent() == sorted(
        (stage, user) for stage in ("asked", "before", "overdue") for user in ("kommun", "kommun2") for _ in range(2)
    )


def test_answered_requests_get_no_reminders_and_a_moved_deadline_gets_its_own(world, mailoutbox):
    round_ = open_round(world.own_county, items=[world.own_pledge])
    round_notices.send_round_notices(round_.pk, today=TODAY)
    follow_up = answer(pledge_request(round_), officer(world))
    assert round_notices.send_round_notices(round_.pk, today=round_.deadline - datetime.timedelta(days=2)) == 0

    services.review_follow_up(follow_up, Decision.RETURN, comment="Komplettera.", user=coordinator(world))
    # Returned: outstanding again, so the reminder before the (moved) deadline goes out, once per date.
    round_ = MunicipalRound.objects.get(pk=round_.pk)
    services.extend_deadline(round_, round_.deadline + datetime.timedelta(days=10), seen_version=round_.version)
    round_ = MunicipalRound.objects.get(pk=round_.pk)
    day = round_.deadline - datetime.timedelta(days=2)
    assert round_notices.send_round_notices(round_.pk, today=day) == 1
    assert round_notices.send_round_notices(round_.pk, today=day) == 0
    assert sent() == [("asked", "kommun"), ("before", "kommun")]
    assert Reminder.objects.get(stage="before").due_date == round_.deadline


def test_the_extra_reminder_goes_to_those_outstanding_at_most_once_a_day(client_as, world, mailoutbox):
    round_ = open_round(world.own_county, items=[world.own_pledge])
    client = client_as(Role.COUNTY_COORDINATOR)
    assert client.post(f"/kommunuppfoljning/{round_.pk}/paminn/").status_code == 302
    again = client.post(f"/kommunuppfoljning/{round_.pk}/paminn/")
    assert again.status_code == 400
    assert messages(page(again))[-1] == "En extra påminnelse har redan skickats i dag; nästa kan skickas i morgon."
    round_notices.send_round_notices(round_.pk, extra_on=TODAY, today=TODAY)
    round_notices.send_round_notices(round_.pk, extra_on=TODAY, today=TODAY)
    assert sent() == [("asked", "kommun"), ("extra", "kommun")]
    services.remind_outstanding(round_, today=TODAY + datetime.timedelta(days=1))


def test_a_review_tells_the_authors_once(world, mailoutbox):
    round_ = open_round(world.own_county, items=[world.own_pledge])
    follow_up = answer(pledge_request(round_), officer(world))
    follow_up = services.review_follow_up(
        follow_up, Decision.RETURN, comment="Lägg till siffror.", user=coordinator(world)
    )
    history_id = follow_up.history.latest().history_id
    assert round_notices.send_review_notice(follow_up.pk, history_id) == 1
    assert round_notices.send_review_notice(follow_up.pk, history_id) == 0
    (mail,) = mailoutbox
    assert mail.to == [officer(world).email]
    assert mail.subject == "Uppföljning återsänd för komplettering: Löfte Lund"
    assert "Lägg till siffror." in mail.body


def test_the_tasks_are_thin_and_beat_runs_the_daily_sweep(world, mailoutbox, settings):
    round_ = open_round(world.own_county, items=[world.own_pledge])
    assert tasks.send_open_rounds_notices.apply().get() == 1
    assert tasks.send_round_notices.apply(args=(round_.pk, TODAY.isoformat())).get() == 1
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "agreements.tasks.send_open_rounds_notices" in schedule


# --- The round page, its filters and exports ------------------------------------------------------------


def test_the_round_page_lists_each_request_filters_by_state_and_exports_what_it_shows(client_as, world):
    round_ = open_round(world.own_county)
    answer(pledge_request(round_), officer(world))
    client = client_as(Role.COUNTY_COORDINATOR)
    url = round_.get_absolute_url()

    root = page(client.get(url))
    listed = rows(
        table(
            root,
            "Omgångens begäranden per kommun: vad som följs upp, vilka som tillfrågats, var uppföljningen är och när",
        )
    )
    assert [row[:4] for row in listed[1:]] == [
        ["Lund", "Överenskommelse Lund (Samverkansöverenskommelse)", str(officer(world)), "Tillfrågade"],
        ["Lund", "Löfte Lund (Medborgarlöfte)", str(officer(world)), "Inlämnad"],
    ]
    progress = next(find_all(root, "p", **{"data-testid": "round-progress"}))
    assert links(progress)["?state=answered"] == "1 av 2 inlämnade"

    filtered = rows(next(find_all(page(client.get(url, {"state": "submitted"})), "table")))
    assert [row[1] for row in filtered[1:]] == ["Löfte Lund (Medborgarlöfte)"]

    export = client.get(url, {"state": "outstanding", "format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:5] == ["Kommun", "Uppföljning av", "Titel", "Tillfrågade", "Läge"]
    assert [line[2] for line in lines[1:]] == ["Överenskommelse Lund"]


def test_round_pages_keep_their_query_count_as_municipalities_grow(client_as, world):
    client = client_as(Role.COUNTY_COORDINATOR)

    def grow(n):
        for i in range(n):
            municipality = AgreementFactory(
                municipality__county=world.own_county,
                municipality__code=f"9{MunicipalRequest.objects.count()}{i:02d}",
                start_year=TODAY.year - 1,
                end_year=TODAY.year + 1,
            ).municipality
            pledge = PledgeFactory(
                municipality=municipality,
                period_start=TODAY - datetime.timedelta(days=10),
                period_end=TODAY + datetime.timedelta(days=10),
            )
            CommitmentFactory(pledge=pledge)
            colleague_in(municipality, f"officer-{municipality.code}")

    def counts(round_):
        result = []
        for url in (round_.get_absolute_url(), pledge_request_of(round_).get_absolute_url(), "/"):
            with CaptureQueriesContext(connection) as queries_made:
                assert client.get(url).status_code == 200
            result.append(len(queries_made))
        return result

    def pledge_request_of(round_):
        return MunicipalRequest.objects.filter(round=round_, pledge__isnull=False).first()

    grow(1)
    small_round = open_round(world.own_county)
    answer(pledge_request_of(small_round), coordinator(world))
    small = counts(small_round)
    services.close_round(small_round)
    grow(8)
    large_round = open_round(world.own_county)
    answer(pledge_request_of(large_round), coordinator(world))
    assert large_round.requests.count() > small_round.requests.count() + 10
    large = counts(large_round)
    assert small == large
    assert max(large[:2]) <= 15


# --- Dashboards ---------------------------------------------------------------------------------------------


def test_the_coordinator_sees_the_open_rounds_progress_and_the_officer_what_to_report(client_as, world):
    round_ = open_round(world.own_county)
    answer(pledge_request(round_), officer(world))
    agreement_request = MunicipalRequest.objects.get(round=round_, agreement__isnull=False)

    root = page(client_as(Role.COUNTY_COORDINATOR).get("/"))
    progress = next(find_all(root, "p", **{"data-testid": "municipal-round-12-progress"}))
    assert text(progress) == f"{round_.title}: 1 av 2 inlämnade, 0 återsända, sista dag om 14 dagar"
    assert links(progress)[f"{round_.get_absolute_url()}?state=returned"] == "0 återsända"

    officer_page = page(client_as(Role.MUNICIPAL_OFFICER).get("/"))
    section = next(find_all(officer_page, "section", **{"data-testid": "dashboard-municipal-requests"}))
    assert text(next(find_all(section, "h2"))) == "Att rapportera: uppföljningar du är tillfrågad om"
    waiting = rows(next(find_all(section, "table")))
    assert [row[1] for row in waiting[1:]] == ["Överenskommelse Lund (Lund)"]
    assert links(section)[agreement_request.get_absolute_url()] == "Överenskommelse Lund"

    # A closed round is no longer the coordinator's to follow, nor the officer's to report on.
    services.close_round(round_)
    for role in (Role.COUNTY_COORDINATOR, Role.MUNICIPAL_OFFICER):
        keys = {s.get("data-testid") for s in find_all(page(client_as(role).get("/")), "section")}
        assert not keys & {"dashboard-municipal-round-12", "dashboard-municipal-requests"}, role


# --- Demo ---------------------------------------------------------------------------------------------------


def test_the_demo_county_has_a_municipal_round_in_progress(db):
    call_command("load_reference_data", verbosity=0)
    load_demo()
    load_municipal_round_demo()
    load_municipal_round_demo()

    (round_,) = MunicipalRound.objects.filter(county__code="12")
    (progress,) = queries.round_progress([round_])
    assert progress.counts == {"approved": 1, "returned": 1, "submitted": 1, "draft": 1}
    assert progress.days_left == 3
    returned = MunicipalRequest.objects.with_state().get(round=round_, state_code="returned")
    assert [person.username for person in returned.addressees.all()] == ["kommun.samordnare"]
    assert returned.follow_up.review_comment
    assert Reminder.objects.filter(kind=round_notices.REQUEST, stage="before", sent_at__isnull=False).exists()
    # What the demo records as sent is not sent again by the daily sweep.
    assert round_notices.send_round_notices(round_.pk) == 0


def test_every_page_of_a_round_is_valid_html(client_as, world):
    round_ = open_round(world.own_county)
    request = pledge_request(round_)
    follow_up = answer(MunicipalRequest.objects.get(round=round_, agreement__isnull=False), officer(world))
    pages = {
        Role.COUNTY_COORDINATOR: [
            "/lan/12/kommunuppfoljning/ny/",
            round_.get_absolute_url(),
            f"/kommunuppfoljning/{round_.pk}/deadline/",
            f"/kommunuppfoljning/{round_.pk}/paminn/",
            f"/kommunuppfoljning/{round_.pk}/stang/",
            f"/kommunuppfoljning/{round_.pk}/oppna/",
            f"/uppfoljningar/{follow_up.pk}/granska/",
            "/lan/12/overenskommelser/",
            "/",
        ],
        Role.MUNICIPAL_OFFICER: [request.get_absolute_url(), f"/kommunforfragningar/{request.pk}/lamna-over/", "/"],
    }
    documents = []
    for role, urls in pages.items():
        client = client_as(role)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            documents.append((f"{role} {url}", response.content.decode()))
    assert html_errors(documents) == {}


@pytest.mark.django_db(transaction=True)
def test_of_two_reviewers_at_once_the_second_waits_for_the_first_and_is_told_who_decided(world):
    round_ = open_round(world.own_county, items=[world.own_pledge])
    follow_up = answer(pledge_request(round_), officer(world))
    second_reviewer = GrantFactory(
        user=UserFactory(username="samordnare2", first_name="Lena", last_name="Berg"),
        role=Role.COUNTY_COORDINATOR,
        county=world.own_county,
    ).user
    told = {}

    def second():
        try:
            services.review_follow_up(follow_up, Decision.RETURN, comment="Komplettera.", user=second_reviewer)
        except ValidationError as refused:
            told["messages"] = refused.messages
        finally:
            connection.close()

    with transaction.atomic():
        FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        reviewer = threading.Thread(target=second)
        reviewer.start()
        reviewer.join(0.5)
        assert reviewer.is_alive(), "the second reviewer must wait for the row lock"
        services.review_follow_up(follow_up, Decision.APPROVE, comment="", user=coordinator(world))
    reviewer.join(10)

    assert told == {"messages": [f"Uppföljningen är redan godkänd, av {coordinator(world)}."]}
    decided = FollowUp.objects.get(pk=follow_up.pk)
    assert (decided.state, decided.reviewed_by, decided.review_comment) == ("approved", coordinator(world), "")
