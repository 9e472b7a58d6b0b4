"""Management commands: reference data, demo scenario and adduser."""

import io

import pytest
from django.core.management import CommandError, call_command

from actions.models import Actor
from core.roles import Role
from municipalities.models import County, Municipality
from portal.demo import DEMO_PASSWORD, DEMO_USERS
from portal.models import Grant, User

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reference_data_loads_all_counties_and_municipalities_once():
    assert "21 created" in run("load_reference_data")
    assert County.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert Municipality.objects.get(code="1281").county.code == "12"
    assert Municipality.objects.get(code="1293").name == "Hässleholm"
    assert "0 created, 0 updated. Municipalities: 0 created, 0 updated" in run("load_reference_data")
    assert Municipality.objects.count() == 290


def test_reloading_updates_names_and_keeps_linked_data():
    run("load_reference_data")
    lund = Municipality.objects.get(code="1281")
    lund.name = "Lunds gamla namn"
    lund.save()
    user = User.objects.create(username="annica")
    Grant.objects.create(user=user, role=Role.MUNICIPAL_OFFICER, municipality=lund)
    assert "1 updated" in run("load_reference_data")
    assert Municipality.objects.get(code="1281").name == "Lund"
    assert Grant.objects.get(user=user).municipality_id == lund.pk


def test_demo_is_idempotent_and_has_one_user_per_role(client):
    run("load_demo")
    run("load_demo")
    assert Actor.objects.filter(name="Polisen").count() == 1
    assert Actor.objects.count() == 7
    roles = set(Grant.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert User.objects.count() == len(DEMO_USERS)
    for username, *_ in DEMO_USERS:
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username


def test_demo_keeps_a_changed_password():
    run("load_demo")
    user = User.objects.get(username="styrgrupp")
    user.set_password("Eget-nytt-lösenord-1")
    user.save()
    run("load_demo")
    user.refresh_from_db()
    assert user.check_password("Eget-nytt-lösenord-1")


def test_adduser_creates_a_municipal_officer_for_two_municipalities(client):
    run("load_reference_data")
    out = run(
        "adduser",
        "anna",
        "--role",
        "municipal_officer",
        "--municipality",
        "1281",
        "--municipality",
        "1293",
        "--email",
        "anna@lund.se",
        "--password",
        "Lång-och-säker-2026",
    )
    assert "Kommunal samordnare, Lund" in out
    user = User.objects.get(username="anna")
    assert sorted(g.municipality.code for g in user.grants.all()) == ["1281", "1293"]
    response = client.post("/accounts/login/", {"username": "anna", "password": "Lång-och-säker-2026"})
    assert response.status_code == 302


def test_adduser_actor_contact_needs_actor_and_county():
    run("load_demo")
    out = run(
        "adduser",
        "tull",
        "--role",
        "actor_contact",
        "--actor",
        "Tullverket",
        "--county",
        "12",
        "--password",
        "Lång-och-säker-2026",
    )
    assert "Tullverket" in out
    with pytest.raises(CommandError, match="aktör"):
        run("adduser", "tull2", "--role", "actor_contact", "--county", "12", "--password", "Lång-och-säker-2026")
    assert not User.objects.filter(username="tull2").exists()


def test_adduser_rejects_unknown_codes_and_weak_passwords():
    run("load_reference_data")
    with pytest.raises(CommandError, match="9999"):
        run(
            "adduser", "x", "--role", "municipal_officer", "--municipality", "9999", "--password", "Lång-och-säker-2026"
        )
    with pytest.raises(CommandError):
        run("adduser", "y", "--role", "county_coordinator", "--county", "12", "--password", "123")
    assert not User.objects.filter(username__in=["x", "y"]).exists()


def test_adduser_refuses_an_address_another_active_account_has():
    run("load_reference_data")
    run(
        "adduser",
        "eva",
        "--role",
        "county_coordinator",
        "--county",
        "12",
        "--email",
        "eva@lst.se",
        "--password",
        "Lång-och-säker-2026",
    )
    with pytest.raises(CommandError, match=r"e-postadressen EVA@lst\.se"):
        run(
            "adduser",
            "eva2",
            "--role",
            "steering_group",
            "--county",
            "12",
            "--email",
            "EVA@lst.se",
            "--password",
            "Lång-och-säker-2026",
        )
    assert not User.objects.filter(username="eva2").exists()


def test_adduser_national_admin_gets_the_admin_site(client):
    run("adduser", "sysadm", "--role", "national_admin", "--password", "Lång-och-säker-2026")
    user = User.objects.get(username="sysadm")
    assert user.is_staff
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
