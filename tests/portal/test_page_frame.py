"""What every page has, beyond the pages the page walk requests (tests/portal/test_page_queries.py):
the error pages, the check itself, the one rule for machine-readable moments and the Nu HTML Checker
that the browser tests run on every page they visit."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.template import engines
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.scoping import scope_for
from portal.context_processors import navigation
from tests.frame import TITLE_MAX, frame_problems, parse_frame
from tests.helpers import html_errors

PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main>{body}</main></body></html>"""


def page(*, lang="sv", title="Lund – Trygghetsportalen", body="<h1>Lund</h1>") -> str:
    return PAGE.format(lang=lang, title=title, body=body)


# --- The check -------------------------------------------------------------------------------------


def test_a_page_with_a_plain_title_one_h1_and_its_language_passes():
    assert frame_problems(page(), "sv") == []
    assert frame_problems(page(lang="en"), "en") == []


def test_markup_copied_into_the_title_is_found():
    title = 'Plan\n<section aria-labelledby="history-heading"><h2 id="history-heading">Ändringshistorik</h2></section>'
    problems = frame_problems(page(title=title), "sv")
    assert any(problem.startswith("markup in the <title>") for problem in problems), problems
    assert any(problem.startswith("line breaks or runs of spaces") for problem in problems), problems


def test_a_long_title_is_found():
    assert frame_problems(page(title="Å" * TITLE_MAX), "sv") == []
    (problem,) = frame_problems(page(title="Å" * (TITLE_MAX + 1)), "sv")
    assert problem.startswith(f"<title> of {TITLE_MAX + 1} characters, more than {TITLE_MAX}")


def test_an_empty_title_block_is_found():
    assert frame_problems(page(title=" – Trygghetsportalen"), "sv")


def test_no_h1_or_two_are_found_and_a_chart_title_is_not_the_page_title():
    assert frame_problems(page(body="<h2>Lund</h2>"), "sv") == ["0 h1 elements, expected one: []"]
    assert frame_problems(page(body="<h1>Lund</h1><h1>Ystad</h1>"), "sv") == [
        "2 h1 elements, expected one: ['Lund', 'Ystad']"
    ]
    chart = '<h1>Lund</h1><svg role="img"><title>Anmälda brott</title></svg>'
    assert frame_problems(page(body=chart), "sv") == []
    assert parse_frame(page(body=chart)).titles == ("Lund – Trygghetsportalen",)


def test_the_wrong_language_and_a_fragment_are_found():
    assert frame_problems(page(lang="sv"), "en") == ["<html lang='sv'>, expected 'en'"]
    assert frame_problems('<p role="status">Klar</p>', "sv") == ["not a whole document (no <html> element)"]


# --- The error pages --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_not_found_and_not_permitted_pages_have_the_frame(client, world, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.user("steering_group"))
    not_found = client.get(reverse("municipalities:municipality_detail", kwargs={"code": "0184"}))
    assert not_found.status_code == 404
    assert frame_problems(not_found.content.decode(), language) == []
    refused = client.get(reverse("actions:plan_create", kwargs={"code": world.own_county.code}))
    assert refused.status_code == 403
    assert frame_problems(refused.content.decode(), language) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_expired_form_page_has_the_frame(world, language):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("login"), {"username": "samordnare", "password": "x"})
    assert response.status_code == 403
    assert frame_problems(response.content.decode(), language) == []


# --- The navigation ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "county_coordinator",
            ["Start", "{county}", "Action plans", "Actors", "Support activities", "Agreements", "Reports", "People"],
        ),
        ("steering_group", ["Start", "{county}", "Action plans", "Support activities", "Agreements", "Reports"]),
        (
            "municipal_officer",
            ["Start", "{county}", "Action plans", "Support activities", "Agreements", "{municipality}"],
        ),
        ("actor_contact", ["Start", "{county}", "Action plans", "Support activities", "Agreements"]),
        ("national_admin", ["Start", "Counties", "Personal data", "Administration"]),  # staff: the admin site too
    ],
)
def test_the_navigation_lists_the_apps_items_for_the_grants_without_a_query(
    rf, world, role, expected, django_assert_num_queries
):
    # The apps register the items (core.registry); the frame reads the grants scope_for loaded.
    request = rf.get("/")
    request.user = world.user(role)
    scope_for(request.user)
    with translation.override("en"), django_assert_num_queries(0):
        items = navigation(request)
        labels = [str(item.label) for item in items]
    names = {"county": world.own_county.name, "municipality": world.own_municipality.name}
    assert labels == [label.format(**names) for label in expected]
    assert items[0].url == reverse("portal:home")


def test_the_server_error_page_has_the_frame():
    # Shown without a request context when everything else failed: Swedish, with an English line marked as such.
    assert frame_problems(render_to_string("500.html"), "sv") == []


# --- Moments as machines read them -------------------------------------------------------------------


def render(template: str, **context) -> str:
    return engines["django"].from_string("{% load formatting %}" + template).render(context)


def test_a_moment_is_written_to_the_second_in_local_time_with_its_offset():
    moment = datetime.datetime(2026, 12, 1, 20, 5, 49, 563037, tzinfo=datetime.UTC)
    assert render("{{ when|iso_datetime }}", when=moment) == "2026-12-01T21:05:49+01:00"
    summer = datetime.datetime(2026, 7, 1, 8, 0, 0, 999999, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
    assert render("{{ when|iso_datetime }}", when=summer) == "2026-07-01T08:00:00+02:00"


def test_a_date_is_written_as_a_date_and_nothing_as_nothing():
    assert render("{{ when|iso_datetime }}", when=datetime.date(2026, 12, 1)) == "2026-12-01"
    assert render("{{ when|iso_datetime }}", when=None) == ""


# --- The Nu HTML Checker ------------------------------------------------------------------------------


def test_the_nu_checker_reports_each_invalid_page_by_its_url_and_passes_a_valid_one():
    moment = datetime.datetime(2026, 12, 1, 20, 5, 49, 563037, tzinfo=datetime.UTC)
    history = '<h1>Plan</h1><p><time datetime="{}">2026-12-01 21:05</time></p>'
    before = page(body=history.format(render("{{ when|date:'c' }}", when=moment)))
    after = page(body=history.format(render("{{ when|iso_datetime }}", when=moment)))
    errors = html_errors([("http://portal/handlingsplaner/1/", before), ("http://portal/insatser/1/", after)])
    assert list(errors) == ["http://portal/handlingsplaner/1/"]
    assert "A fraction of a second must be one, two, or three digits" in errors["http://portal/handlingsplaner/1/"][0]
