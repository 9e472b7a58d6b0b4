"""The people of a county: invitations, grants within the county, deactivated accounts."""

import datetime
import re

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone
from user_sessions.models import Session

from core.models import Reminder
from core.roles import Role
from portal.models import ApiToken, Grant, Invitation, User
from portal.people import services
from portal.people.services import Target
from portal.services import issue_token
from tests.factories import GrantFactory, UserFactory
from tests.parsed import field, find_all, main, messages, page, rows, table, text

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^/\s]+(/inbjudan/[\w-]+/)")


def people_url(county):
    return reverse("people:county_people", kwargs={"code": county.code})


def invite_url(county):
    return reverse("people:invite", kwargs={"code": county.code})


def invitation_form(world, **changes):
    data = {
        "first_name": "Eva",
        "last_name": "Ek",
        "email": "eva.ek@lund.se",
        "role": Role.MUNICIPAL_OFFICER,
        "municipalities": [world.own_municipality.pk],
    }
    return {**data, **changes}


def mailed_link(django_capture_on_commit_callbacks, send) -> str:
    """Run ``send`` (which enqueues the invitation's job), then the job itself, in this process; the link."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send()
    invitation = Invitation.objects.latest("pk")
    before = len(mail.outbox)
    assert callbacks, "the invitation's job is started after the commit"
    assert services.send_invitation(invitation.pk, invitation.send_count) is True
    assert len(mail.outbox) == before + 1
    message = mail.outbox[-1]
    return LINK.search(message.body).group(1)


def test_a_coordinator_invites_an_officer_who_sets_a_password_and_lands_on_the_start_page(
    client_as, client, world, django_capture_on_commit_callbacks
):
    coordinator = client_as(Role.COUNTY_COORDINATOR)
    form = main(page(coordinator.get(invite_url(world.own_county))))
    assert field(form, "E-post") is not None
    link = mailed_link(
        django_capture_on_commit_callbacks,
        lambda: coordinator.post(invite_url(world.own_county), invitation_form(world)),
    )
    message = mail.outbox[-1]
    assert message.to == ["eva.ek@lund.se"]
    assert "Skåne län" in message.subject
    assert "kommunal samordnare för Lund" in message.body
    html = message.alternatives[0][0]
    assert link in html

    coordinator.logout()
    shown = page(client.get(link))
    assert [text(heading) for heading in find_all(shown, "h1")] == ["Välkommen till Trygghetsportalen"]
    response = client.post(link, {"password1": "Trygg-och-säker-2026", "password2": "Trygg-och-säker-2026"})
    assert response.status_code == 302
    assert response.url == reverse("portal:home")

    user = User.objects.get(email="eva.ek@lund.se")
    assert (user.first_name, user.last_name) == ("Eva", "Ek")
    assert user.check_password("Trygg-och-säker-2026")
    grant = user.grants.get()
    assert (grant.role, grant.municipality) == (Role.MUNICIPAL_OFFICER, world.own_municipality)
    assert grant.history.get().history_user == world.user(Role.COUNTY_COORDINATOR)
    assert client.get(reverse("portal:home")).status_code == 200

    # The link works once.
    client.logout()
    replayed = client.post(link, {"password1": "Annat-lösenord-2026", "password2": "Annat-lösenord-2026"})
    assert replayed.status_code == 410
    assert "redan accepterats" in text(main(page(replayed)))
    assert User.objects.filter(email__iexact="eva.ek@lund.se").count() == 1
    assert not User.objects.get(pk=user.pk).check_password("Annat-lösenord-2026")


def test_a_weak_password_is_refused_next_to_the_field_and_nothing_is_made(
    client_as, client, world, django_capture_on_commit_callbacks
):
    coordinator = client_as(Role.COUNTY_COORDINATOR)
    link = mailed_link(
        django_capture_on_commit_callbacks,
        lambda: coordinator.post(invite_url(world.own_county), invitation_form(world)),
    )
    coordinator.logout()
    response = client.post(link, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    control = field(page(response), "Välj ett lösenord")
    assert control.get("aria-invalid") == "true"
    assert not User.objects.filter(email="eva.ek@lund.se").exists()
    assert Invitation.objects.get().accepted_at is None


def test_inviting_an_address_that_has_an_account_adds_the_grant_to_it(
    client_as, world, django_capture_on_commit_callbacks
):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    coordinator = client_as(Role.COUNTY_COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            invite_url(world.own_county),
            invitation_form(world, email=officer.email.upper(), municipalities=[world.neighbour_municipality.pk]),
        )
    assert response.status_code == 302
    assert not Invitation.objects.exists()
    assert User.objects.filter(email__iexact=officer.email).count() == 1
    assert set(officer.grants.values_list("municipality__name", flat=True)) == {"Lund", "Hässleholm"}
    assert "redan ett konto" in " ".join(messages(page(coordinator.get(people_url(world.own_county)))))
    # The job that tells the officer, run here.
    grant = officer.grants.get(municipality=world.neighbour_municipality)
    assert services.send_grant_notice(officer.pk, "given", grant.pk, grant.describe(), None) is True
    assert mail.outbox[-1].to == [officer.email]
    assert "Hässleholm" in mail.outbox[-1].subject


@pytest.mark.parametrize(
    ("changes", "error_field"),
    [
        ({"role": Role.COUNTY_COORDINATOR}, "role"),
        ({"role": Role.NATIONAL_ADMIN}, "role"),
        ({"municipalities": []}, "municipalities"),
        ("foreign_municipality", "municipalities"),
        ("foreign_actor", "actor"),
        ({"email": "inte-en-adress"}, "email"),
    ],
    ids=["coordinator-role", "admin-role", "no-municipality", "foreign-municipality", "foreign-actor", "bad-email"],
)
def test_a_coordinator_cannot_grant_beyond_the_county_and_nothing_is_saved(client_as, world, changes, error_field):
    if changes == "foreign_municipality":
        changes = {"municipalities": [world.foreign_municipality.pk]}
    elif changes == "foreign_actor":
        changes = {"role": Role.ACTOR_CONTACT, "municipalities": [], "actor": world.foreign_actor.pk}
    coordinator = client_as(Role.COUNTY_COORDINATOR)
    grants = Grant.objects.count()
    response = coordinator.post(invite_url(world.own_county), invitation_form(world, **changes))
    assert response.status_code == 200
    form = main(page(response))
    assert (
        form.find(f".//*[@id='error_1_id_{error_field}']") is not None
        or form.find(".//*[@class='invalid-feedback d-block']") is not None
    )
    assert not Invitation.objects.exists()
    assert Grant.objects.count() == grants


def test_the_service_refuses_what_the_form_would_not_offer(world):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    refused = [
        Target(county=world.foreign_county, role=Role.STEERING_GROUP),
        Target(county=world.own_county, role=Role.COUNTY_COORDINATOR),
        Target(county=world.own_county, role=Role.MUNICIPAL_OFFICER, municipalities=(world.foreign_municipality,)),
        Target(county=world.own_county, role=Role.ACTOR_CONTACT, actor=world.foreign_actor),
    ]
    for target in refused:
        with pytest.raises(services.PermissionDenied):
            services.invite(by=coordinator, target=target, email="x@example.se", first_name="X", last_name="Y")
    assert not Invitation.objects.exists()
    admin = world.user(Role.NATIONAL_ADMIN)
    outcome = services.invite(
        by=admin,
        target=Target(county=world.foreign_county, role=Role.COUNTY_COORDINATOR),
        email="ny.samordnare@lansstyrelsen.se",
        first_name="Ny",
        last_name="Samordnare",
    )
    assert outcome.invitation.role == Role.COUNTY_COORDINATOR


def test_a_foreign_county_people_page_is_a_404_and_so_is_the_county_officers(client_as, world):
    assert client_as(Role.COUNTY_COORDINATOR).get(people_url(world.foreign_county)).status_code == 404
    assert client_as(Role.COUNTY_COORDINATOR).post(invite_url(world.foreign_county), {}).status_code == 404
    assert client_as(Role.MUNICIPAL_OFFICER).get(people_url(world.own_county)).status_code == 404
    assert not Invitation.objects.exists()


def _invitation(world, **fields):
    outcome = services.invite(
        by=world.user(Role.COUNTY_COORDINATOR),
        target=Target(county=world.own_county, role=Role.STEERING_GROUP),
        email=fields.pop("email", "ledamot@example.se"),
        first_name="Lars",
        last_name="Ledamot",
    )
    return outcome.invitation


def test_a_revoked_or_expired_invitation_gets_a_clear_page_and_a_resent_one_a_new_link(
    client_as, client, world, django_capture_on_commit_callbacks
):
    coordinator = client_as(Role.COUNTY_COORDINATOR)
    link = mailed_link(django_capture_on_commit_callbacks, lambda: _invitation(world))
    invitation = Invitation.objects.get()

    # Sent again: the first link is no invitation's any more, the new one works.
    resend = reverse("people:invitation_resend", kwargs={"pk": invitation.pk})
    new_link = mailed_link(django_capture_on_commit_callbacks, lambda: coordinator.post(resend))
    assert new_link != link
    assert client.get(link).status_code == 404
    assert client.get(new_link).status_code == 200

    # Expired.
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    gone = client.get(new_link)
    assert gone.status_code == 410
    assert "giltig till" in text(main(page(gone)))

    # Revoked (sent again first: an expired invitation can be).
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + datetime.timedelta(days=1))
    revoke = reverse("people:invitation_revoke", kwargs={"pk": invitation.pk})
    assert coordinator.get(revoke).status_code == 200
    assert coordinator.post(revoke).status_code == 302
    response = client.post(new_link, {"password1": "Trygg-och-säker-2026", "password2": "Trygg-och-säker-2026"})
    assert response.status_code == 410
    assert "återkallats" in text(main(page(response)))
    assert not User.objects.filter(email="ledamot@example.se").exists()
    # A revoked invitation is not sent again.
    assert coordinator.post(resend).status_code == 302
    assert Invitation.objects.get().send_count == 2


def test_a_signed_in_person_accepts_an_invitation_to_their_own_address_into_their_account(client, world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    invitation = _invitation(world, email=officer.email.upper())
    # The address had an account: the grant was given at once, no invitation made.
    assert invitation is None
    assert officer.grants.filter(role=Role.STEERING_GROUP, county=world.own_county).exists()


def test_an_invitation_accepted_after_its_address_got_an_account_goes_to_that_account(world):
    invitation = _invitation(world, email="sen@example.se")
    late = UserFactory(username="sen", email="SEN@example.se")
    user = services.accept_invitation(invitation, password=None)
    assert user == late
    assert late.grants.filter(role=Role.STEERING_GROUP).exists()
    with pytest.raises(services.InvitationNotUsableError):
        services.accept_invitation(invitation, password=None)


def test_an_active_accounts_address_is_unique_whatever_its_case(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="tvilling", email=officer.email.upper())
    UserFactory(username="gammal", email=officer.email.upper(), is_active=False)


def test_removing_a_grant_is_recorded_and_told_and_the_last_coordinator_stays(client_as, world):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    officer = world.user(Role.MUNICIPAL_OFFICER)
    grant = officer.grants.get()
    url = reverse("people:grant_remove", kwargs={"code": world.own_county.code, "pk": grant.pk})
    client = client_as(Role.COUNTY_COORDINATOR)
    assert "Lund" in text(main(page(client.get(url))))
    assert client.post(url).status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    removed = Grant.history.filter(id=grant.pk, history_type="-").get()
    assert removed.history_user == coordinator

    # The county's only coordinator cannot take away their own coordinator's role.
    own = coordinator.grants.get(role=Role.COUNTY_COORDINATOR)
    url = reverse("people:grant_remove", kwargs={"code": world.own_county.code, "pk": own.pk})
    response = client.post(url)
    assert response.status_code == 200
    assert "ingen samordnare" in text(main(page(response)))
    assert Grant.objects.filter(pk=own.pk).exists()
    # A national administrator can.
    assert client_as(Role.NATIONAL_ADMIN).post(url).status_code == 302
    assert not Grant.objects.filter(pk=own.pk).exists()


def test_a_grant_of_another_county_cannot_be_removed_through_this_one(client_as, world):
    foreign = GrantFactory(user=UserFactory(), role=Role.MUNICIPAL_OFFICER, municipality=world.foreign_municipality)
    url = reverse("people:grant_remove", kwargs={"code": world.own_county.code, "pk": foreign.pk})
    assert client_as(Role.COUNTY_COORDINATOR).post(url).status_code == 404
    url = reverse("people:grant_remove", kwargs={"code": world.foreign_county.code, "pk": foreign.pk})
    assert client_as(Role.COUNTY_COORDINATOR).post(url).status_code == 404
    assert Grant.objects.filter(pk=foreign.pk).exists()


def test_deactivating_an_account_ends_its_sessions_and_api_keys_at_once(client_as, client, world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    client.force_login(officer)
    assert Session.objects.filter(user=officer).exists()
    token, _key = issue_token(officer, "Kommunens skärm")
    url = reverse("people:account_deactivate", kwargs={"code": world.own_county.code, "user_id": officer.pk})
    coordinator = client_as(Role.COUNTY_COORDINATOR)
    assert coordinator.post(url).status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    assert officer.deactivated_at is not None
    assert not Session.objects.filter(user=officer).exists()
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_coordinator_cannot_deactivate_someone_who_works_in_another_county_too(client_as, world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    GrantFactory(user=officer, role=Role.MUNICIPAL_OFFICER, municipality=world.foreign_municipality)
    url = reverse("people:account_deactivate", kwargs={"code": world.own_county.code, "user_id": officer.pk})
    response = client_as(Role.COUNTY_COORDINATOR).post(url)
    assert response.status_code == 200
    assert "utanför Skåne län" in text(main(page(response)))
    officer.refresh_from_db()
    assert officer.is_active


def test_the_deactivated_person_is_told_at_the_address_of_the_account(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    services.deactivate_account(by=world.user(Role.COUNTY_COORDINATOR), user=officer, county=world.own_county)
    assert services.send_grant_notice(officer.pk, "inactive", officer.pk, "Skåne län", None) is True
    assert services.send_grant_notice(officer.pk, "inactive", officer.pk, "Skåne län", None) is False
    assert mail.outbox[-1].to == [officer.email]
    assert "inaktiverats" in mail.outbox[-1].subject
    assert Reminder.objects.filter(kind=services.GRANT_CHANGE, stage="inactive", recipient=officer).count() == 1


def test_the_people_page_lists_the_countys_people_with_roles_sign_in_and_second_factor(client_as, world):
    GrantFactory(
        user=UserFactory(last_name="Utomlänsson"), role=Role.MUNICIPAL_OFFICER, municipality=world.foreign_municipality
    )
    _invitation(world)
    shown = main(page(client_as(Role.COUNTY_COORDINATOR).get(people_url(world.own_county))))
    listed = rows(table(shown, "4 personer"))[1:]
    names = [row[0] for row in listed]
    assert not any("Utomlänsson" in name for name in names)
    assert [row[3] for row in listed] == ["Nej"] * 4
    invitations = rows(table(shown, "Inbjudningar som väntar på svar"))[1:]
    assert invitations[0][:2] == ["Lars Ledamot", "ledamot@example.se"]


PASTED = """Eva Ek; eva.ek@lund.se; kommunhandläggare; Lund, Hässleholm
Per Polis; per.polis@polisen.se; aktörskontakt; Polisen
Stina Styr; stina@example.se; styrgrupp
Fel Person; inte-en-adress; styrgrupp
Sam Samordnare; sam@example.se; samordnare
Olle Annan; olle@example.se; kommunhandläggare; Solna
Annica Igen; {officer}; styrgrupp
"""


def test_a_pasted_list_is_checked_line_by_line_before_anything_is_sent(
    client_as, world, django_capture_on_commit_callbacks
):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    text_ = PASTED.format(officer=officer.email)
    url = reverse("people:invite_many", kwargs={"code": world.own_county.code})
    coordinator = client_as(Role.COUNTY_COORDINATOR)
    checked = coordinator.post(url, {"lines": text_, "send": "0"})
    assert checked.status_code == 200
    assert not Invitation.objects.exists()
    report = rows(table(main(page(checked)), "4 rader kan skickas; 3 rader har fel och skickas inte"))[1:]
    assert [row[0] for row in report] == ["1", "2", "3", "4", "5", "6", "7"]
    assert "inte en e-postadress" in report[3][5]
    assert "inte en roll" in report[4][5]
    assert "Solna är inte en kommun i Skåne län" in report[5][5]
    assert report[6][5] == "Har ett konto: rollen läggs till"

    # Sending without the check of this very list only checks it again.
    coordinator.post(url, {"lines": text_ + "Ny Rad; ny@example.se; styrgrupp\n", "send": "1", "checked": "x"})
    assert not Invitation.objects.exists()

    digest = next(find_all(page(checked), "input", name="checked")).get("value")
    with django_capture_on_commit_callbacks(execute=False):
        response = coordinator.post(url, {"lines": text_, "send": "1", "checked": digest})
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "eva.ek@lund.se",
        "per.polis@polisen.se",
        "stina@example.se",
    ]
    eva = Invitation.objects.get(email="eva.ek@lund.se")
    assert set(eva.municipalities.values_list("name", flat=True)) == {"Lund", "Hässleholm"}
    assert officer.grants.filter(role=Role.STEERING_GROUP).exists()


def test_the_change_history_shows_who_gave_whom_what(client_as, world):
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    officer = world.user(Role.MUNICIPAL_OFFICER)
    services.add_grant(by=coordinator, user=officer, target=Target(county=world.own_county, role=Role.STEERING_GROUP))
    url = reverse("people:person", kwargs={"code": world.own_county.code, "user_id": officer.pk})
    shown = main(page(client_as(Role.COUNTY_COORDINATOR).get(url)))
    history = text(next(element for element in find_all(shown, "ol") if "history" in element.get("class", "")))
    assert "Karin" in history
    assert "Styrgruppsledamot" in history


@pytest.mark.django_db(transaction=True)
def test_the_migration_resolves_accounts_sharing_an_address():
    """Active accounts sharing an address (whatever its case) become one: the one signed in last keeps
    them all's grants, the others are deactivated."""
    executor = MigrationExecutor(connection)
    before = [("portal", "0005_user_language_and_notices")]
    after = [("portal", "0006_people_invitations")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    old_county = old.get_model("municipalities", "County")
    old_user, old_grant = old.get_model("portal", "User"), old.get_model("portal", "Grant")
    county = old_county.objects.create(code="12", name="Skåne län", short_name="Skåne")
    now = timezone.now()
    earlier = now - datetime.timedelta(days=3)
    first = old_user.objects.create(username="a", email="Dubbel@Example.se", last_login=earlier)
    last = old_user.objects.create(username="b", email="dubbel@example.se", last_login=now)
    other = old_user.objects.create(username="c", email="ensam@example.se")
    old_grant.objects.create(user=first, role="steering_group", county=county)
    old_grant.objects.create(user=last, role="county_coordinator", county=county)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        kept, gone = User.objects.get(username="b"), User.objects.get(username="a")
        assert kept.is_active
        assert not gone.is_active
        assert gone.deactivated_at is not None
        assert set(kept.grants.values_list("role", flat=True)) == {"steering_group", "county_coordinator"}
        assert User.objects.get(username="c").is_active
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        del other
