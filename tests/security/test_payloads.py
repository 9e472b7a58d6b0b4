"""HTML, JavaScript and spreadsheet-formula payloads in every user-editable text field.

Every text field people fill in (and the names that reach pages from the admin site and from
uploads) is given a payload and saved the way a form saves it, so the change log records it too.
Then every page that shows them, every CSV and Excel export, the API and the PDF reports must
show the payload as literal text: no injected element or event handler in HTML, never a formula
in a spreadsheet, JSON strings in the API, and a PDF renderer that fetches nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import socket
import threading

import openpyxl
import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from pypdf import PdfReader

from portal.models import Report, ReportKind, ReportStatus
from portal.reports import render, services
from portal.services import issue_token
from tests.factories import REVIEW_SCORES, KeyFigureFactory, compliance_document, progress_update
from tests.security.fuzz_support import read_page
from tests.worlds import PoisonedWorld, grown

# Each starts like a formula (for exports) and carries markup (for pages and the PDF).
PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")"><img src=x onerror=alert(1)>',
    "+cmd|' /C calc'!A0<script>alert(1)</script>",
    "@SUM(1)'><svg onload=alert(1)>",
    "-1+1 javascript:alert(1) {{7*7}} {% debug %}",
    "\t=1+1</textarea></title><script>alert(1)</script>",
    "\r=1+1<a href='javascript:alert(1)'>x</a>",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text columns people never type: codes (from SCB), and what the upload code derives itself.
NOT_TYPED = {"code", "content_type", "file", "key_hash", "prefix", "password", "username", "error"}
POISONED_APPS = ("actions", "agreements", "municipalities")
POISONED_PORTAL_MODELS = ("User", "ApiToken")


def typed_text_fields(model) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, models.SlugField | models.EmailField)
        and not f.choices
        and f.name not in NOT_TYPED
    ]


def poison() -> int:
    """Give every typed text field of every row a payload (cut to the field's length); the count of fields."""
    targets = [m for app in POISONED_APPS for m in apps.get_app_config(app).get_models()]
    targets += [apps.get_model("portal", name) for name in POISONED_PORTAL_MODELS]
    count = 0
    for model in targets:
        if model.__name__.startswith("Historical"):
            continue
        fields = typed_text_fields(model)
        if not fields:
            continue
        unique = _unique_field_names(model)
        for row in model._base_manager.all():
            for field in fields:
                payload = PAYLOADS[count % len(PAYLOADS)]
                if field.name in unique:  # two rows may not share it: the payload after a number of its own
                    payload = f"{count} {payload}"
                setattr(row, field.attname, payload[: field.max_length])
                count += 1
            row.save()
    return count


def _unique_field_names(model) -> set[str]:
    """The fields whose value (alone or with others) must differ between rows."""
    names = {field.name for field in model._meta.fields if field.unique}
    for constraint in model._meta.constraints:
        names.update(getattr(constraint, "fields", ()))
    for together in model._meta.unique_together:
        names.update(together)
    return names


@pytest.fixture
def poisoned(hostile_world):
    """The hostile world with one of every row users write, then every text in it poisoned."""
    from agreements.models import FollowUp, FollowUpItem, QualityReview
    from municipalities.models import ComplianceItem, Coordinator, CouncilMember

    w = hostile_world
    w.plan.description = "Plan"
    w.plan.save()
    w.measure.working_group.create(name="Anna", organisation="Lund", role="Sammankallande")
    w.indicator.values.create(date=datetime.date(2025, 6, 30), value=3)
    progress_update(w.measure, date=timezone.localdate(), next_steps="Nästa", risks="Risk")
    w.activity.municipalities.add(w.own_municipality)
    w.activity.measure = w.measure
    w.activity.save()
    w.agreement.signatories.create(name="Eva", title="Chef", organisation="Polisen")
    area = w.agreement.focus_areas.model.objects.for_county(w.own_county.pk).first()
    w.agreement.focus_areas.add(area)
    w.agreement.problems.create(focus_area=area, problem="P", causes="C", goal="G")
    deliverable = w.agreement.deliverables.create(title="Leverans", due_date=datetime.date(2027, 1, 1))
    commitment = w.pledge.commitments.first()
    follow_up = FollowUp.objects.create(
        municipality=w.own_municipality, pledge=w.pledge, assessment="on_track", summary="Bra", author_name="A"
    )
    FollowUpItem.objects.create(follow_up=follow_up, commitment=commitment, status="started", comment="K")
    agreement_follow_up = FollowUp.objects.create(
        municipality=w.own_municipality, agreement=w.agreement, assessment="on_track", summary="Bra"
    )
    FollowUpItem.objects.create(follow_up=agreement_follow_up, deliverable=deliverable, status="started", comment="K")
    QualityReview.objects.create(
        municipality=w.own_municipality, pledge=w.pledge, comments="Bra", reviewer_name="R", **REVIEW_SCORES
    )
    CouncilMember.objects.create(municipality=w.own_municipality, name="Per", organisation="Skolan", kind="other")
    Coordinator.objects.create(municipality=w.own_municipality, name="Lisa", title="Samordnare", phone="046")
    KeyFigureFactory(municipality=w.own_municipality, year=2024, population=125000, reported_crimes=9000)
    item = ComplianceItem.objects.create(
        municipality=w.own_municipality, obligation="action_programme", status="in_place", date="2025-01-01"
    )
    compliance_document(item, name="Åtgärdsprogram.pdf")
    issue_token(w.user("county_coordinator"), "Nyckel")
    return grown(PoisonedWorld, w, fields_poisoned=poison())


# --- Pages ---------------------------------------------------------------------------------------------


def pages(w) -> list[tuple[str, str]]:
    """(role, address) of every page that shows text users typed."""
    own, code = w.own_municipality.code, w.own_county.code
    coordinator, officer = "county_coordinator", "municipal_officer"
    return [
        *(
            (role, reverse("portal:home"))
            for role in ("county_coordinator", officer, "actor_contact", "steering_group")
        ),
        ("national_admin", reverse("portal:home")),
        (coordinator, reverse("portal:search") + "?q=alert"),
        (coordinator, reverse("portal:search") + "?q=HYPERLINK"),
        (coordinator, reverse("municipalities:county_list")),
        (coordinator, reverse("municipalities:county_detail", kwargs={"code": code})),
        (officer, reverse("municipalities:municipality_detail", kwargs={"code": own})),
        (officer, reverse("municipalities:municipality_edit", kwargs={"code": own})),
        (officer, reverse("municipalities:council_members_edit", kwargs={"code": own})),
        (officer, reverse("municipalities:coordinators_edit", kwargs={"code": own})),
        (officer, reverse("municipalities:compliance_edit", kwargs={"code": own, "obligation": "action_programme"})),
        (coordinator, reverse("actions:plan_list", kwargs={"code": code})),
        (coordinator, reverse("actions:plan_detail", kwargs={"pk": w.plan.pk})),
        (coordinator, reverse("actions:plan_edit", kwargs={"pk": w.plan.pk})),
        (coordinator, reverse("actions:measure_detail", kwargs={"pk": w.measure.pk})),
        (coordinator, reverse("actions:measure_edit", kwargs={"pk": w.measure.pk})),
        (coordinator, reverse("actions:measure_actors_edit", kwargs={"pk": w.measure.pk})),
        (coordinator, reverse("actions:working_group_edit", kwargs={"pk": w.measure.pk})),
        (coordinator, reverse("actions:milestones_edit", kwargs={"pk": w.measure.pk})),
        ("actor_contact", reverse("actions:progress_update_create", kwargs={"pk": w.measure.pk})),
        ("actor_contact", reverse("actions:milestone_done", kwargs={"pk": w.milestone.pk})),
        (coordinator, reverse("actions:indicator_edit", kwargs={"pk": w.indicator.pk})),
        (coordinator, reverse("actions:actor_detail", kwargs={"pk": w.police.pk})),
        (coordinator, reverse("actions:support_activity_list", kwargs={"code": code})),
        (coordinator, reverse("actions:support_activity_edit", kwargs={"pk": w.activity.pk})),
        (coordinator, reverse("actions:status_list", kwargs={"code": code})),
        (coordinator, reverse("agreements:county_overview", kwargs={"code": code})),
        (coordinator, reverse("agreements:focus_areas", kwargs={"code": code})),
        (coordinator, reverse("agreements:pledge_list", kwargs={"code": code})),
        (coordinator, reverse("agreements:follow_up_list", kwargs={"code": code})),
        (coordinator, reverse("agreements:review_list", kwargs={"code": code})),
        (officer, reverse("agreements:municipality_agreements", kwargs={"code": own})),
        (officer, reverse("agreements:agreement_detail", kwargs={"pk": w.agreement.pk})),
        (officer, reverse("agreements:agreement_edit", kwargs={"pk": w.agreement.pk})),
        (officer, reverse("agreements:signatories_edit", kwargs={"pk": w.agreement.pk})),
        (officer, reverse("agreements:problems_edit", kwargs={"pk": w.agreement.pk})),
        (officer, reverse("agreements:deliverables_edit", kwargs={"pk": w.agreement.pk})),
        (officer, reverse("agreements:agreement_follow_up", kwargs={"pk": w.agreement.pk})),
        (officer, reverse("agreements:pledge_detail", kwargs={"pk": w.pledge.pk})),
        (officer, reverse("agreements:pledge_edit", kwargs={"pk": w.pledge.pk})),
        (officer, reverse("agreements:pledge_print", kwargs={"pk": w.pledge.pk})),
        (officer, reverse("agreements:commitments_edit", kwargs={"pk": w.pledge.pk})),
        (officer, reverse("agreements:pledge_follow_up", kwargs={"pk": w.pledge.pk})),
        (coordinator, reverse("agreements:pledge_review", kwargs={"pk": w.pledge.pk})),
        (coordinator, reverse("api:tokens")),
        # The national administrators' personal-data pages: a search and a person named as text.
        ("national_admin", reverse("privacy:register") + "?q=alert"),
        ("national_admin", reverse("privacy:named_person") + "?" + urlencode({"namn": _council_name()})),
    ]


def _council_name() -> str:
    """The (poisoned) name of the council member the world has."""
    from municipalities.models import CouncilMember

    return CouncilMember.objects.values_list("name", flat=True).first()


def test_every_page_shows_payloads_as_text_never_as_markup(client, poisoned):
    assert poisoned.fields_poisoned > 60
    problems, silent, templated = [], [], False
    for role, url in pages(poisoned):
        client.force_login(poisoned.user(role))
        response = client.get(url)
        assert response.status_code == 200, url
        found, text = read_page(response.content.decode())
        problems += [f"{role} {url}: {what}" for what in found]
        if "alert(1)" not in text:
            silent.append(url)
        # Nothing evaluates typed text as a template: it comes back as typed, never as "49".
        templated |= "{{7*7}} {% debug %}" in text
        assert "javascript:alert(1) 49" not in text
    assert problems == []
    assert templated
    # Each page shows some of the typed text (as literal text), else the check above proves nothing.
    assert silent == []


def test_the_change_log_shows_payloads_as_text(client, poisoned):
    client.force_login(poisoned.user("county_coordinator"))
    response = client.get(reverse("actions:measure_detail", kwargs={"pk": poisoned.measure.pk}))
    history = response.context["history"]
    assert history, "the poisoning saves are in the change log"
    found, text = read_page(response.content.decode())
    assert found == []
    assert "<script>alert(1)</script>" in text or "onerror=alert(1)>" in text


# --- Exports ----------------------------------------------------------------------------------------------

NUMBER = re.compile(r"-?[\d\s\u00a0]+(,\d+)?")


def exports(w) -> list[str]:
    code = w.own_county.code
    return [
        reverse("actions:plan_detail", kwargs={"pk": w.plan.pk}),
        reverse("actions:support_activity_list", kwargs={"code": code}),
        reverse("municipalities:county_detail", kwargs={"code": code}),
        reverse("agreements:county_overview", kwargs={"code": code}),
        reverse("agreements:pledge_list", kwargs={"code": code}),
        reverse("agreements:follow_up_list", kwargs={"code": code}),
        reverse("agreements:review_list", kwargs={"code": code}),
    ]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_neutralises_formulas(client, poisoned, fmt):
    client.force_login(poisoned.user("county_coordinator"))
    formulas, shown = [], 0
    for url in exports(poisoned):
        response = client.get(url, {"format": fmt})
        assert response.status_code == 200, url
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig")), delimiter=";"))
            cells = [(cell, "s") for row in rows for cell in row]
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
            cells = [
                (cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row if cell.value is not None
            ]
        for value, kind in cells:
            if kind == "f" or (
                isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value)
            ):
                formulas.append(f"{url}?format={fmt}: {value!r}")
            shown += (isinstance(value, str) and "'" + PAYLOADS[0][:40] in value) or value == "'" + PAYLOADS[3][:40]
    assert formulas == []
    assert shown, "no poisoned text reached the exports"


def test_a_neutralised_cell_keeps_the_whole_text(client, poisoned):
    """The export adds one apostrophe and drops nothing else of what was typed."""
    client.force_login(poisoned.user("county_coordinator"))
    response = client.get(
        reverse("agreements:follow_up_list", kwargs={"code": poisoned.own_county.code}), {"format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    values = {cell.value for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)}
    # XML reads a carriage return as a line feed (XML 1.0, end-of-line handling): a line ending is
    # the one thing of a text a workbook cannot keep as typed.
    stored = {
        f.summary.replace("\r\n", "\n").replace("\r", "\n")
        for f in apps.get_model("agreements", "FollowUp").objects.all()
    }
    assert {"'" + text for text in stored} <= values


# --- API -----------------------------------------------------------------------------------------------------


def _strings(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("endpoint", ["counties", "municipalities", "plans", "pledges", "agreements"])
def test_the_api_returns_payloads_as_json_strings_never_html(client, poisoned, endpoint):
    _token, key = issue_token(poisoned.user("county_coordinator"), "API-test")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    response = client.get(f"/api/{endpoint}/", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    strings = set(_strings(json.loads(response.content)))
    assert strings & {p[:n] for p in PAYLOADS for n in (40, 80, 100, 150, 200, len(p))}, "no payload came back"
    for hostile in ({"format": "api"}, {"format": "html"}):
        other = client.get(f"/api/{endpoint}/", hostile, **headers)
        assert not other["Content-Type"].startswith("text/html"), hostile
    browser = client.get(f"/api/{endpoint}/", HTTP_ACCEPT="text/html", **headers)
    assert not browser["Content-Type"].startswith("text/html")


# --- PDF reports ------------------------------------------------------------------------------------------------


class Listener:
    """A TCP socket on 127.0.0.1 that counts who connects to it (a fetch the renderer must not make)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _addr = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def _pdf_text(report: Report) -> str:
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    with report.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("kind", [ReportKind.COUNTY, ReportKind.MUNICIPALITY])
def test_reports_print_payloads_as_text_and_fetch_nothing(poisoned, listener, kind):
    bait = f'<img src="http://127.0.0.1:{listener.port}/x.png"><link rel=stylesheet href="http://127.0.0.1:{listener.port}/">'
    poisoned.measure.description = bait
    poisoned.measure.save()
    poisoned.pledge.background = bait
    poisoned.pledge.save()
    report = Report.objects.create(
        kind=kind,
        county=poisoned.own_county,
        municipality=poisoned.own_municipality if kind == ReportKind.MUNICIPALITY else None,
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2030, 12, 31),
    )
    services.build_report(report.pk)
    text = _pdf_text(report)
    assert "alert(1)" in text
    assert "<script>" in text or "<svg" in text or "onerror" in text
    assert listener.connections == 0


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="http://127.0.0.1:{port}/x.png">',
        '<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
        '<div style="background: url(http://127.0.0.1:{port}/bg.png)">x</div>',
        '<img src="file:///etc/passwd">',
        '<img src="https://report.invalid/static/../../../../etc/passwd">',
    ],
)
def test_the_renderer_refuses_anything_but_static_files(listener, markup):
    """The second wall: markup that did reach the renderer still makes it fetch nothing."""
    html = f"<html lang=sv><head><title>t</title></head><body>{markup.format(port=listener.port)}</body></html>"
    with pytest.raises(render.RefusedURLError):
        render.html_to_pdf(html)
    assert listener.connections == 0
