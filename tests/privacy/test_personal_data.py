"""A person's records: the pages, the export (JSON and PDF) and the removal of a person who has left."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from user_sessions.models import Session

from actions.models import Comment, Measure, ProgressUpdate, WorkingGroupMember
from core.history import change_log
from core.models import DigestEntry, Reminder
from core.roles import Role
from municipalities.models import Coordinator, CouncilMember
from portal.models import ApiToken, Grant, User
from portal.privacy import tasks
from portal.privacy.models import PersonExport, PersonRemoval, RemovalReason
from portal.privacy.register import history_models, migrated_models
from portal.privacy.services import delete_old_exports
from tests.parsed import find_all, links, main, page, rows, table, text

pytestmark = pytest.mark.django_db

FORMER = "Tidigare användare"


def h1(root) -> str:
    return text(next(find_all(root, "h1")))


def checkboxes(root) -> dict[str, bool]:
    """Each checkbox's label and whether it is ticked."""
    found = {}
    for box in find_all(root, "input", type="checkbox"):
        label = next(label for label in find_all(root, "label") if label.get("for") == box.get("id"))
        found[text(label)] = box.get("checked") is not None
    return found


def text_rows_containing(needle: str) -> list[str]:
    """Every row of every table whose text holds ``needle`` (case-insensitive): model and field."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower not in migrated_models():
            continue  # a test's own model, without a table
        for field in model._meta.concrete_fields:
            texts = isinstance(field, (models.CharField, models.TextField)) and not field.choices
            if texts and model._base_manager.filter(**{f"{field.attname}__icontains": needle}).exists():
                found.append(f"{model._meta.label}.{field.name}")
    return found


def history_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in history_models()}


def export(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "no-store"
    return json.loads(response.content)


def test_the_register_page_lists_every_place_and_finds_people(client_as, anna):
    root = page(client_as(Role.NATIONAL_ADMIN).get(reverse("privacy:register"), {"q": "andersson"}))
    assert h1(root) == "Personuppgifter"
    places = rows(table(root, "Registret över personuppgifter"))
    assert {"Användare", "Rådsledamöter", "Kommentarer", "Ändringshistorik"} <= {row[0] for row in places}
    shown = set(links(main(root)).values())
    assert "Anna Andersson" in shown  # the account
    assert "A. Andersson" in shown  # a coordinator, found by e-mail address


def test_the_export_holds_everything_about_the_person_and_no_secret(client_as, anna):
    client = client_as(Role.NATIONAL_ADMIN)
    data = export(client, reverse("privacy:person_json", kwargs={"pk": anna.user.pk}))
    places = {place["place"]: place["rows"] for place in data["places"]}
    assert data["person"] == {
        "name": "Anna Andersson",
        "email": "Anna.Andersson@lund.se",
        "username": "anna.a",
        "account": anna.user.pk,
    }
    assert places["portal-user"][0]["e-postadress"] == "Anna.Andersson@lund.se"
    assert [row["roll"] for row in places["portal-grant"]] == ["municipal_officer"]
    assert "192.0.2.7" in places["user_sessions-session"][0].values()
    assert [row["kommentar"] for row in places["actions-comment"]] == ["Bra jobbat!"]
    assert [row["vad som gjorts"] for row in places["actions-progressupdate"]] == ["Belysning uppsatt."]
    assert [row["namn"] for row in places["municipalities-councilmember"]] == ["Anna Andersson"]
    assert [row["namn"] for row in places["municipalities-coordinator"]] == ["A. Andersson"]  # by e-mail
    assert [row["namn"] for row in places["actions-workinggroupmember"]] == ["anna andersson"]  # by name
    assert {"portal-apitoken", "core-reminder", "core-digestentry", "actions-measurefollow"} <= set(places)
    assert "Bertil Berg" not in json.dumps(data)
    # Who made which change: Anna renamed the measure.
    assert data["changes"]["count"] == 1
    assert [change["what"] for change in data["changes"]["listed"]] == ["Insats: Trygg hemväg i Lund"]
    text = json.dumps(data)
    assert anna.token.key_hash not in text
    assert "e30:1" not in text
    assert "pbkdf2" not in text


def test_the_pdf_export_is_produced_in_the_background_and_prints_the_same(
    client_as, anna, django_capture_on_commit_callbacks
):
    client = client_as(Role.NATIONAL_ADMIN)
    response = client.post(reverse("privacy:person_pdf", kwargs={"pk": anna.user.pk}))
    export = PersonExport.objects.get()
    assert response["Location"] == reverse("privacy:export_detail", kwargs={"key": export.key})
    waiting = page(client.get(response["Location"]))
    assert h1(waiting) == "Utdrag av personuppgifter: Anna Andersson"
    assert "kö" in text(next(find_all(waiting, "div", role="status")))
    assert client.get(reverse("privacy:export_file", kwargs={"key": export.key})).status_code == 404

    tasks.build_personal_export.apply(args=[export.pk])

    ready = page(client.get(response["Location"]))
    download = next(a for a in find_all(main(ready), "a") if text(a) == "Ladda ner utdraget (PDF)")
    pdf = client.get(download.get("href"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "no-store"
    content = b"".join(pdf.streaming_content)
    pages = PdfReader(io.BytesIO(content)).pages
    printed = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    expected = ("Personuppgifter: Anna Andersson", "Anna.Andersson@lund.se", "Bra jobbat!", "Belysning uppsatt.")
    for part in (*expected, "Rådsledamöter"):
        assert part in printed, part
    assert "Bertil" not in printed

    # The file holds personal data: it goes with its row, after the days it is kept.
    name = PersonExport.objects.get().file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_old_exports(timezone.now() + datetime.timedelta(days=8)) == 1
    assert not default_storage.exists(name)


def test_a_person_without_an_account_is_found_by_name(client_as, anna):
    client = client_as(Role.NATIONAL_ADMIN)
    query = "?namn=Anna+Andersson&epost="
    assert h1(page(client.get(reverse("privacy:named_person") + query))) == "Personuppgifter: Anna Andersson"
    data = export(client, reverse("privacy:named_json") + query)
    assert {place["place"] for place in data["places"]} == {
        "municipalities-councilmember",
        "actions-workinggroupmember",
    }


def test_removing_a_person_replaces_every_place_and_keeps_what_was_reported(client_as, anna, national_admin):
    client = client_as(Role.NATIONAL_ADMIN)
    url = reverse("privacy:person_remove", kwargs={"pk": anna.user.pk})
    rows_before = {
        model: model.objects.count()
        for model in (ProgressUpdate, Comment, CouncilMember, Coordinator, WorkingGroupMember)
    }
    PersonExport.objects.create(person=anna.user, name="Anna Andersson", requested_by=national_admin)
    histories_before = history_counts()

    confirmation = page(client.get(url))
    assert h1(confirmation) == "Ta bort personuppgifterna: Anna Andersson"
    choices = checkboxes(confirmation)
    municipality, measure = anna.council_member.municipality, anna.measure
    assert {label for label, checked in choices.items() if checked} == {
        f"Anna Andersson, Sekreterare, {anna.council_member.organisation} ({municipality})",
        f"A. Andersson ({municipality})",
        f"anna andersson, Lunds kommun ({measure})",
    }
    response = client.post(
        url,
        {
            "municipalities-councilmember": [anna.council_member.pk],
            "municipalities-coordinator": [anna.coordinator.pk],
            "actions-workinggroupmember": [anna.working_group_member.pk],
        },
    )
    assert response.status_code == 302

    user = User.objects.get(pk=anna.user.pk)
    assert (user.get_full_name(), user.email, user.username) == (FORMER, "", f"tidigare-anvandare-{user.pk}")
    assert not user.has_usable_password()
    assert not user.is_active
    assert user.anonymised_at is not None
    assert user.deactivated_at is not None
    assert not Grant.objects.filter(user=user).exists()
    assert not Session.objects.filter(user=user).exists()
    assert ApiToken.objects.get(pk=anna.token.pk).revoked_at is not None
    assert not DigestEntry.objects.filter(recipient=user).exists()
    assert Reminder.objects.filter(recipient=user).exists()  # the record of what was sent stays
    assert not PersonExport.objects.exists()  # an export of her data goes with it

    update = ProgressUpdate.objects.get(pk=anna.update.pk)
    assert (update.author_id, update.author_name, update.done_text) == (user.pk, FORMER, "Belysning uppsatt.")
    comment = Comment.objects.get(pk=anna.comment.pk)
    assert (comment.author_id, comment.author_name, comment.body) == (user.pk, FORMER, "Bra jobbat!")
    assert CouncilMember.objects.get(pk=anna.council_member.pk).name == FORMER
    coordinator = Coordinator.objects.get(pk=anna.coordinator.pk)
    assert (coordinator.name, coordinator.email, coordinator.phone) == (FORMER, "", "")
    assert WorkingGroupMember.objects.get(pk=anna.working_group_member.pk).name == FORMER
    assert CouncilMember.objects.get(pk=anna.others_council_member.pk).name == "Bertil Berg"
    assert User.objects.get(pk=anna.other.pk).get_full_name() == "Bertil Berg"

    # Nothing was deleted but what served the person while active, and no table names her any more.
    assert {model: model.objects.count() for model in rows_before} == rows_before
    assert text_rows_containing("andersson") == []
    histories_after = history_counts()
    assert histories_after.pop("portal.HistoricalGrant") == histories_before.pop("portal.HistoricalGrant") + 1
    assert (
        histories_after.pop("privacy.HistoricalPersonRemoval")
        == histories_before.pop("privacy.HistoricalPersonRemoval") + 1
    )
    assert histories_after == histories_before

    # The history shows her as "Tidigare användare"; the removal itself is in it, by the administrator.
    assert {change.who for change in change_log(Measure.history.filter(id=anna.measure.pk))} >= {FORMER}
    council_log = change_log(CouncilMember.history.filter(id=anna.council_member.pk))
    assert len(council_log) == 2
    assert {change.name for change in council_log} == {FORMER}
    removal = PersonRemoval.objects.get(person=user)
    assert (removal.removed_by, removal.reason) == (national_admin, RemovalReason.LEFT)
    assert removal.history.get().history_user == national_admin
    assert removal.changed["actions-progressupdate"] == 1

    # Asked again: already done, nothing changes.
    again = client.post(url, {})
    assert again.status_code == 302
    assert PersonRemoval.objects.filter(person=user).count() == 1


def test_a_row_the_administrator_unticks_keeps_its_name(client_as, anna):
    client = client_as(Role.NATIONAL_ADMIN)
    client.post(reverse("privacy:person_remove", kwargs={"pk": anna.user.pk}), {})
    assert CouncilMember.objects.get(pk=anna.council_member.pk).name == "Anna Andersson"
    assert WorkingGroupMember.objects.get(pk=anna.working_group_member.pk).name == "anna andersson"
    assert User.objects.get(pk=anna.user.pk).get_full_name() == FORMER


def test_a_person_without_an_account_is_removed_from_the_rows_chosen(client_as, anna):
    client = client_as(Role.NATIONAL_ADMIN)
    url = reverse("privacy:named_remove") + "?namn=Anna+Andersson&epost="
    assert h1(page(client.get(url))) == "Ta bort personuppgifterna: Anna Andersson"
    client.post(url, {"municipalities-councilmember": [anna.council_member.pk]})
    assert CouncilMember.objects.get(pk=anna.council_member.pk).name == FORMER
    assert set(CouncilMember.history.filter(id=anna.council_member.pk).values_list("name", flat=True)) == {FORMER}
    assert WorkingGroupMember.objects.get(pk=anna.working_group_member.pk).name == "anna andersson"
    assert User.objects.get(pk=anna.user.pk).get_full_name() == "Anna Andersson"  # not touched
    assert PersonRemoval.objects.get().person is None


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=300))
def test_the_search_takes_any_text(client_as, anna, text):
    root = page(client_as(Role.NATIONAL_ADMIN).get(reverse("privacy:register"), {"q": text}))
    assert h1(root) == "Personuppgifter"
