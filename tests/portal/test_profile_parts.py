"""The profile page's parts: name, e-mail address (confirmed from the new address), grants, sessions
and API keys, as each role, and against other people's sessions and keys."""

import threading
import time
from urllib.parse import quote

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from user_sessions.models import Session

from core.roles import Role
from portal import services as portal_services
from portal.models import ApiToken
from portal.profile import services
from portal.profile.models import EmailChange
from portal.profile.queries import link_token, session_ref
from tests import parsed
from tests.factories import UserFactory
from tests.helpers import html_errors

pytestmark = pytest.mark.django_db

URL = reverse("portal:profile")
ROLES = [r.value for r in Role]
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile Safari/604.1"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def errors(root) -> list[str]:
    return [parsed.text(e) for e in parsed.elements(root) if parsed.has_class(e, "invalid-feedback")]


def rows(root, caption: str) -> list[list[str]]:
    table = parsed.table(root, caption)
    return [[parsed.text(cell) for cell in parsed.elements(tr, "td")] for tr in parsed.elements(table, "tr")][1:]


def other_session(user, agent: str = IPHONE) -> Client:
    """A second browser signed in as ``user``, that has made a request (so its session names its device)."""
    browser = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="192.0.2.7")
    browser.force_login(user)
    assert browser.get(URL).status_code == 200
    return browser


# --- Name ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_changes_their_name(world, client_as, role):
    client = client_as(role)
    response = client.post(reverse("portal:profile_name"), {"first_name": "Åsa", "last_name": "Öberg"})
    assert response.status_code == 302
    assert response["Location"] == URL + "#namn"
    user = world.user(role)
    user.refresh_from_db()
    assert user.get_full_name() == "Åsa Öberg"
    root = parsed.page(client.get(URL))
    assert parsed.by_id(root, "id_first_name").get("value") == "Åsa"


def test_an_empty_name_is_refused_next_to_the_field(world, client_as):
    response = client_as(Role.MUNICIPAL_OFFICER).post(
        reverse("portal:profile_name"), {"first_name": "", "last_name": "B"}
    )
    assert response.status_code == 200
    assert errors(parsed.page(response)) == ["Detta fält måste fyllas i."]
    officer = world.user(Role.MUNICIPAL_OFFICER)
    officer.refresh_from_db()
    assert officer.first_name == "Annica"


# --- E-mail address ------------------------------------------------------------------------------


def test_asking_for_a_new_address_waits_for_its_confirmation(world, client_as, django_capture_on_commit_callbacks):
    client = client_as(Role.COUNTY_COORDINATOR)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("portal:profile_email"), {"new_email": "karin.ny@lansstyrelsen.example.se"})
    assert response.status_code == 302
    assert len(callbacks) == 1  # the job that sends the two e-mails
    coordinator = world.user(Role.COUNTY_COORDINATOR)
    coordinator.refresh_from_db()
    assert coordinator.email == "samordnare@example.se"
    change = EmailChange.objects.get(user=coordinator)
    assert (change.old_email, change.new_email, change.confirmed_at) == (
        "samordnare@example.se",
        "karin.ny@lansstyrelsen.example.se",
        None,
    )
    status = [e for e in parsed.elements(parsed.page(client.get(URL))) if e.get("role") == "status"]
    assert any("Väntar på bekräftelse" in parsed.text(e) for e in status)


@pytest.mark.parametrize(
    ("address", "error"),
    [
        ("inte-en-adress", "Fyll i en giltig e-postadress."),
        ("SAMORDNARE@example.se", "Det här är redan din e-postadress."),
        ("Kommun@Example.se", "Ett annat konto använder redan den här e-postadressen."),
    ],
)
def test_an_unusable_address_is_refused_next_to_the_field(world, client_as, address, error):
    response = client_as(Role.COUNTY_COORDINATOR).post(reverse("portal:profile_email"), {"new_email": address})
    assert response.status_code == 200
    assert errors(parsed.page(response)) == [error]
    assert not EmailChange.objects.exists()


def test_an_inactive_accounts_address_may_be_taken(world, client_as):
    UserFactory(username="slutat", email="ledig@example.se", is_active=False)
    response = client_as(Role.STEERING_GROUP).post(reverse("portal:profile_email"), {"new_email": "ledig@example.se"})
    assert response.status_code == 302


def test_the_mails_go_to_the_new_address_with_the_link_and_to_the_old_one_with_a_notice(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    change = services.request_email_change(officer, "annica@lund.example.se")
    services.send_email_change_mails(change)
    to_new, to_old = mail.outbox
    assert to_new.to == ["annica@lund.example.se"]
    assert to_new.subject == "Bekräfta din nya e-postadress i Trygghetsportalen"
    assert reverse("portal:email_confirm", kwargs={"token": link_token(change)}) in to_new.body
    assert to_old.to == ["kommun@example.se"]
    assert to_old.subject == "Någon har begärt att din e-postadress i Trygghetsportalen ska bytas"
    assert "/bekrafta/" not in to_old.body
    # Once it is used, a late job sends nothing.
    services.confirm_email_change(change)
    mail.outbox.clear()
    change.refresh_from_db()
    services.send_email_change_mails(change)
    assert mail.outbox == []


def confirm_url(change) -> str:
    return reverse("portal:email_confirm", kwargs={"token": link_token(change)})


def heading(response) -> str:
    return parsed.text(parsed.elements(parsed.page(response), "h1")[0])


def test_following_the_link_shows_the_change_and_the_button_makes_it_once(world, client_as):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    change = services.request_email_change(officer, "annica@lund.example.se")
    client = client_as(Role.MUNICIPAL_OFFICER)
    page = client.get(confirm_url(change))
    assert (page.status_code, heading(page)) == (200, "Bekräfta din nya e-postadress")
    officer.refresh_from_db()
    assert officer.email == "kommun@example.se"  # a GET (a mail scanner) changes nothing

    response = client.post(confirm_url(change))
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.email == "annica@lund.example.se"
    # Recorded in the history, shown on the profile page.
    assert change.history.filter(confirmed_at__isnull=False, history_user=officer).exists()
    section = parsed.by_id(parsed.page(client.get(URL)), "e-post")
    assert any("annica@lund.example.se" in parsed.text(li) for li in parsed.elements(section, "li"))

    again = client.post(confirm_url(change))
    assert (again.status_code, heading(again)) == (200, "Länken kan inte användas")
    assert "redan använts" in parsed.text(parsed.main(parsed.page(again)))


def test_an_expired_a_replaced_a_forged_and_another_persons_link(world, client_as, settings):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    first = services.request_email_change(officer, "ett@lund.example.se")
    second = services.request_email_change(officer, "tva@lund.example.se")
    client = client_as(Role.MUNICIPAL_OFFICER)

    replaced = client.post(confirm_url(first))
    assert (replaced.status_code, heading(replaced)) == (200, "Länken kan inte användas")
    assert "ersatts" in parsed.text(parsed.main(parsed.page(replaced)))

    forged = client.get(reverse("portal:email_confirm", kwargs={"token": f"{second.pk}:gissad:signatur"}))
    assert (forged.status_code, heading(forged)) == (404, "Länken kan inte användas")

    stranger = Client()
    stranger.force_login(world.user(Role.STEERING_GROUP))
    assert stranger.post(confirm_url(second)).status_code == 404

    settings.EMAIL_CHANGE_LINK_HOURS = 0
    client = client_as(Role.MUNICIPAL_OFFICER)
    expired = client.post(confirm_url(second))
    assert (expired.status_code, heading(expired)) == (200, "Länken kan inte användas")
    assert "gått ut" in parsed.text(parsed.main(parsed.page(expired)))
    officer.refresh_from_db()
    assert officer.email == "kommun@example.se"


def test_a_signed_out_person_signs_in_first(world, client):
    change = services.request_email_change(world.user(Role.MUNICIPAL_OFFICER), "annica@lund.example.se")
    link = confirm_url(change)
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={quote(link)}"


def test_an_address_taken_meanwhile_is_not_used(world, client_as):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    change = services.request_email_change(officer, "delad@example.se")
    UserFactory(username="snabbare", email="Delad@example.se")
    response = client_as(Role.MUNICIPAL_OFFICER).post(confirm_url(change))
    assert (response.status_code, heading(response)) == (200, "Länken kan inte användas")
    assert "annat konto" in parsed.text(parsed.main(parsed.page(response)))
    officer.refresh_from_db()
    assert officer.email == "kommun@example.se"
    change.refresh_from_db()
    assert change.cancelled_at is not None


@pytest.mark.django_db(transaction=True)
def test_an_address_taken_while_confirming_is_caught_by_the_databases_constraint(world):
    """Another account takes the address after the check and before the save: its transaction holds
    the address when the confirmation saves, which waits on the unique index until that transaction
    commits, then fails; the confirmation reports the address taken and changes nothing."""
    officer = world.user(Role.MUNICIPAL_OFFICER)
    change = services.request_email_change(officer, "delad@example.se")
    holding, release = threading.Event(), threading.Event()

    def faster_account():
        try:
            with transaction.atomic():
                UserFactory(username="snabbare", email="Delad@example.se")
                holding.set()
                release.wait(60)
        finally:
            connection.close()

    def release_when_the_save_waits():
        try:
            with connection.cursor() as cursor:
                while not release.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    )
                    if cursor.fetchone()[0]:
                        release.set()
                    else:
                        time.sleep(0.05)
        finally:
            connection.close()

    other = threading.Thread(target=faster_account)
    other.start()
    assert holding.wait(30)
    watcher = threading.Thread(target=release_when_the_save_waits)
    watcher.start()
    try:
        assert services.confirm_email_change(change) is services.Outcome.TAKEN
    finally:
        release.set()
        other.join()
        watcher.join()
    officer.refresh_from_db()
    assert officer.email == "kommun@example.se"
    change.refresh_from_db()
    assert (change.confirmed_at, change.cancelled_at is not None) == (None, True)


# --- Grants --------------------------------------------------------------------------------------


def test_an_officer_sees_their_grant_and_whom_to_ask(world, client_as):
    root = parsed.page(client_as(Role.MUNICIPAL_OFFICER).get(URL))
    assert [row[:2] for row in rows(root, "Dina roller och var de gäller")] == [["Kommunal samordnare", "Lund"]]
    section = parsed.text(parsed.by_id(root, "behorigheter"))
    assert "Vänd dig till länets samordnare: Karin" in section
    assert "samordnare@example.se" in parsed.links(parsed.by_id(root, "behorigheter")).get(
        "mailto:samordnare@example.se"
    )


def test_a_coordinator_is_told_a_national_administrator_changes_their_role(world, client_as):
    root = parsed.page(client_as(Role.COUNTY_COORDINATOR).get(URL))
    assert [row[:2] for row in rows(root, "Dina roller och var de gäller")] == [["Länssamordnare", "Skåne län"]]
    section = parsed.text(parsed.by_id(root, "behorigheter"))
    assert "nationell administratör" in section
    assert "länets samordnare" not in section


def test_a_person_without_grants_is_told_whom_to_ask(client):
    client.force_login(UserFactory(username="ny"))
    root = parsed.page(client.get(URL))
    assert "Du har inga roller ännu" in parsed.text(parsed.by_id(root, "behorigheter"))


# --- Sessions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_their_sessions_and_ends_another(world, client_as, role):
    user = world.user(role)
    phone = other_session(user)
    client = client_as(role)
    root = parsed.page(client.get(URL))
    table = rows(root, "Dina aktiva sessioner, den här först")
    # The test client's session carries the test client's address and no browser (tests/conftest.py).
    assert [row[0] for row in table] == [
        "Okänd webbläsare Den här sessionen IP-adress 127.0.0.1",
        "Safari på iPhone IP-adress 192.0.2.7",
    ]

    phone_session = Session.objects.get(user=user, ip="192.0.2.7")
    end = reverse("portal:end_session", kwargs={"ref": session_ref(phone_session.session_key)})
    confirm = client.get(end)
    assert (confirm.status_code, heading(confirm)) == (200, "Avsluta sessionen?")
    assert client.post(end).status_code == 302
    assert not Session.objects.filter(pk=phone_session.pk).exists()
    assert phone.get(URL)["Location"].startswith(reverse("login"))
    assert client.get(URL).status_code == 200


def test_signing_out_the_other_sessions_keeps_this_one(world, client_as):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    browsers = [other_session(officer), other_session(officer, WINDOWS)]
    client = client_as(Role.MUNICIPAL_OFFICER)
    url = reverse("portal:end_other_sessions")
    assert heading(client.get(url)) == "Logga ut dina övriga sessioner?"
    assert Session.objects.filter(user=officer).count() == 3
    assert client.post(url).status_code == 302
    assert Session.objects.filter(user=officer).count() == 1
    assert all(b.get(URL).status_code == 302 for b in browsers)
    root = parsed.page(client.get(URL))
    assert "Du är bara inloggad här." in parsed.text(parsed.by_id(root, "sessioner"))


def test_another_persons_session_and_this_one_are_not_found(world, client_as):
    other_session(world.user(Role.STEERING_GROUP))
    foreign = Session.objects.get(user=world.user(Role.STEERING_GROUP), ip="192.0.2.7")
    client = client_as(Role.MUNICIPAL_OFFICER)
    for key in (foreign.session_key, client.session.session_key):
        url = reverse("portal:end_session", kwargs={"ref": session_ref(key)})
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert client.get(reverse("portal:end_session", kwargs={"ref": foreign.session_key})).status_code == 404
    assert Session.objects.filter(pk=foreign.pk).exists()


def test_end_sessions_signs_a_person_out_everywhere(world):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    browsers = [other_session(officer), other_session(officer, WINDOWS)]
    other_session(world.user(Role.ACTOR_CONTACT))
    assert portal_services.end_sessions(officer) == 2
    assert all(b.get(URL).status_code == 302 for b in browsers)
    assert Session.objects.filter(user=world.user(Role.ACTOR_CONTACT)).count() == 1


# --- API keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_creates_a_key_sees_it_once_and_revokes_it(world, client_as, role):
    client = client_as(role)
    response = client.post(reverse("portal:profile_api_keys"), {"name": "Länets instrumentpanel"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    root = parsed.page(response)
    key = parsed.by_id(root, "new-api-key").get("value")
    token = ApiToken.objects.get(user=world.user(role))
    assert key.startswith(token.prefix)
    assert [row[0] for row in rows(root, "Dina API-nycklar, nyaste först")] == [
        f"Länets instrumentpanel Börjar med {token.prefix}…"
    ]
    later = parsed.page(client.get(URL))
    assert parsed.by_id(later, "new-api-key") is None  # shown once

    revoke = reverse("portal:profile_api_key_revoke", kwargs={"pk": token.pk})
    assert heading(client.get(revoke)) == "Återkalla API-nyckeln?"
    assert client.post(revoke).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(revoke).status_code == 404


def test_a_key_without_a_name_is_refused_next_to_the_field(world, client_as):
    response = client_as(Role.ACTOR_CONTACT).post(reverse("portal:profile_api_keys"), {"name": ""})
    assert response.status_code == 200
    assert errors(parsed.page(response)) == ["Detta fält måste fyllas i."]
    assert not ApiToken.objects.exists()


def test_another_persons_key_is_not_found(world, client_as):
    token, _key = portal_services.issue_token(world.user(Role.COUNTY_COORDINATOR), "Karins nyckel")
    client = client_as(Role.MUNICIPAL_OFFICER)
    url = reverse("portal:profile_api_key_revoke", kwargs={"pk": token.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- The pages' markup ---------------------------------------------------------------------------


def test_the_profile_pages_are_valid_html(world, client_as):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    other_session(officer)
    token, _key = portal_services.issue_token(officer, "Nyckel")
    change = services.request_email_change(officer, "annica@lund.example.se")
    client = client_as(Role.MUNICIPAL_OFFICER)
    session = Session.objects.get(user=officer, ip="192.0.2.7")
    urls = [
        URL,
        reverse("portal:end_other_sessions"),
        reverse("portal:end_session", kwargs={"ref": session_ref(session.session_key)}),
        reverse("portal:profile_api_key_revoke", kwargs={"pk": token.pk}),
        confirm_url(change),
        reverse("portal:email_confirm", kwargs={"token": "trasig"}),
    ]
    documents = [(f"http://testserver{url}", client.get(url).content.decode()) for url in urls]
    with_key = client.post(reverse("portal:profile_api_keys"), {"name": "Ny"})
    with_errors = client.post(reverse("portal:profile_email"), {"new_email": "fel"})
    documents += [("http://testserver/ny-nyckel", with_key.content.decode())]
    documents += [("http://testserver/fel-adress", with_errors.content.decode())]
    assert html_errors(documents) == {}


# --- Password and second factor ------------------------------------------------------------------


def test_the_sign_in_section_links_the_password_and_the_second_factor(world, client_as):
    root = parsed.page(client_as(Role.COUNTY_COORDINATOR).get(URL))
    assert parsed.links(parsed.by_id(root, "inloggning")) == {
        reverse("password_change"): "Byt lösenord",
        reverse("twofactor:manage"): "Tvåstegsverifiering",
    }
