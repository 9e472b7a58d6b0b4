"""The profile page: a person's language and, per kind of notice, at once, daily or not at all."""

import pytest
from django.conf import settings
from django.urls import reverse

from actions import notices
from core.mail import settings_link
from core.notices import Delivery, delivery_for, notice_kinds
from core.roles import Role
from tests import parsed

pytestmark = pytest.mark.django_db

URL = reverse("portal:profile")


def choices(root, legend):
    """The labels of the radio buttons of the fieldset whose legend reads ``legend``, and the checked one."""
    for fieldset in parsed.elements(root, "fieldset"):
        legends = parsed.elements(fieldset, "legend")
        if legends and parsed.text(legends[0]).rstrip("*").strip() == legend:
            radios = [e for e in parsed.elements(fieldset, "input") if e.get("type") == "radio"]
            labels = [parsed.text(parsed.elements(fieldset, "label")[i]) for i in range(len(radios))]
            checked = [label for label, radio in zip(labels, radios, strict=True) if radio.get("checked") is not None]
            return labels, checked
    raise AssertionError(f"No fieldset {legend!r}")


def test_the_profile_page_lists_every_kind_with_its_choices_and_the_current_one(world, client_as):
    response = client_as(Role.MUNICIPAL_OFFICER).get(URL)
    assert response.status_code == 200
    root = parsed.page(response)
    assert parsed.text(parsed.elements(root, "title")[0]) == "Min profil – Trygghetsportalen"
    assert parsed.text(parsed.elements(root, "h1")[0]) == "Min profil"
    assert [parsed.text(h) for h in parsed.elements(parsed.main(root), "h2")] == [
        "På den här sidan",
        "Namn",
        "E-postadress",
        "Behörigheter",
        "Lösenord och inloggning",
        "Sessioner",
        "API-nycklar",
        "Språk och e-post",
    ]
    settings_section = parsed.by_id(root, "installningar")
    assert [parsed.text(h) for h in parsed.elements(settings_section, "h3")] == ["Språk", "E-post från portalen"]
    assert choices(root, "Förfrågningar om lägesrapporter") == (["Direkt", "I en daglig sammanfattning"], ["Direkt"])
    assert choices(root, "Ändringar i insatser du följer") == (
        ["Direkt", "I en daglig sammanfattning", "Inte alls"],
        ["I en daglig sammanfattning"],
    )
    assert choices(root, "Språk i portalen och i din e-post") == (["Svenska", "English"], ["Svenska"])


def test_saving_the_choices_and_the_language(world, client_as):
    client = client_as(Role.MUNICIPAL_OFFICER)
    form = {f"notice_{kind.code}": "now" for kind in notice_kinds()}
    form |= {f"notice_{notices.REQUEST}": "daily", f"notice_{notices.COMMENT}": "never", "language": "en"}
    response = client.post(URL, form)
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    officer = world.user(Role.MUNICIPAL_OFFICER)
    officer.refresh_from_db()
    assert officer.language == "en"
    assert delivery_for(officer, notices.REQUEST) == Delivery.DAILY
    assert delivery_for(officer, notices.COMMENT) == Delivery.NEVER
    assert delivery_for(officer, notices.CHANGE) == Delivery.AT_ONCE
    root = parsed.page(client.get(response["Location"]))
    assert parsed.text(parsed.elements(root, "h1")[0]) == "My profile"


def test_a_choice_the_kind_does_not_allow_is_refused_next_to_its_field_and_nothing_is_saved(world, client_as):
    client = client_as(Role.ACTOR_CONTACT)
    response = client.post(URL, {f"notice_{notices.REQUEST}": "never", "language": "sv"})
    assert response.status_code == 200
    root = parsed.page(response)
    errors = [parsed.text(e) for e in parsed.elements(root) if parsed.has_class(e, "invalid-feedback")]
    assert any("Välj ett giltigt alternativ" in error for error in errors)
    contact = world.user(Role.ACTOR_CONTACT)
    contact.refresh_from_db()
    assert contact.notice_choices == {}


def test_the_settings_link_of_every_e_mail_is_the_profile_page(world, client_as):
    assert settings_link().endswith(URL)
    assert client_as(Role.STEERING_GROUP).get(URL).status_code == 200


def test_the_profile_page_needs_a_signed_in_person(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_signing_in_shows_the_portal_in_the_persons_language(world, client):
    officer = world.user(Role.MUNICIPAL_OFFICER)
    officer.language = "en"
    officer.save()
    from tests.factories import PASSWORD

    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
