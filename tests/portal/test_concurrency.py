"""Two people editing the same object never silently overwrite each other (core.concurrency).

Anna and Bertil open the same note. Bertil saves first; Anna's save must not overwrite his change:
she sees what he changed, her own changes stay in the form, and saving again keeps both.
"""

import datetime
import threading
import time
from html.parser import HTMLParser

import pytest
from django.db import connection, connections
from django.db.models.signals import post_save
from django.http import QueryDict
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format

from core.concurrency import (
    CONFLICT_MESSAGE,
    DELETED_MESSAGE,
    SAME_MOMENT_MESSAGE,
    ConcurrentEditError,
    Conflict,
    handle_conflict,
    save_versioned,
)
from core.editing import form_values
from tests.factories import UserFactory
from tests.portal.concurrency_models import Note, NoteForm

pytestmark = pytest.mark.django_db

BEGAN = datetime.date(2025, 3, 1)


@pytest.fixture(scope="module")
def _note_tables(django_db_setup, django_db_blocker):
    """The test model's tables, for this module only (no migration knows them)."""
    models = [Note, Note.history.model]
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            for model in models:
                editor.create_model(model)
        connection.close()
    yield
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            for model in reversed(models):
                editor.delete_model(model)
        # Leave no open connection behind: later tests without database access must not touch one.
        connection.close()


@pytest.fixture(autouse=True)
def _english(_note_tables):
    with translation.override("en"):
        yield


@pytest.fixture
def note() -> Note:
    return Note.objects.create(title="Plan", body="Old body", colour="red", due=BEGAN)


@pytest.fixture
def bertil():
    return UserFactory(username="bertil", first_name="Bertil", last_name="Berg")


def submitted(form: NoteForm) -> QueryDict:
    """What a browser sends back for ``form`` as rendered (unbound: its initial values; bound: its data)."""
    data = QueryDict(mutable=True)
    for bound in form:
        widget = bound.field.widget
        value = widget.format_value(bound.value())
        if isinstance(value, list):
            if getattr(widget, "allow_multiple_selected", False):
                data.setlist(bound.html_name, value)
            else:
                data[bound.html_name] = value[0] if value else ""
        else:
            data[bound.html_name] = "" if value is None else value
    return data


def changed(data: QueryDict, **changes) -> QueryDict:
    data = data.copy()
    for name, value in changes.items():
        if isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        else:
            data[name] = str(value)
    return data


def opened(pk: int) -> QueryDict:
    """Someone opens the edit page: the data their browser will send if they change nothing."""
    return submitted(NoteForm(instance=Note.objects.get(pk=pk)))


def post(data: QueryDict, pk: int) -> NoteForm:
    """The view on POST: a form on the row as loaded in this request."""
    return NoteForm(data, instance=Note.objects.get(pk=pk))


def save_form(form: NoteForm, **extra) -> Note:
    """What a service does with a valid form: its values saved over the version the user saw."""
    return save_versioned(form.instance, form_values(form), seen_version=form.seen_version, **extra)


def save_as(data: QueryDict, pk: int, **extra) -> Note:
    form = post(data, pk)
    assert form.is_valid(), form.errors
    return save_form(form, **extra)


def test_an_edit_saves_and_raises_the_version(note, django_assert_num_queries):
    data = changed(opened(note.pk), title="New plan")
    assert data["version"] == "1"

    form = post(data, note.pk)
    with django_assert_num_queries(1):  # the version check is the one query validation adds
        assert form.is_valid(), form.errors
    saved = save_form(form)

    assert saved.version == 2
    note.refresh_from_db()
    assert (note.title, note.body, note.version) == ("New plan", "Old body", 2)
    assert form.conflict == []
    assert form.changed_data == ["title"]


def test_a_new_object_is_saved_with_version_one():
    form = NoteForm({"title": "Fresh", "colour": "green"})
    assert form.is_valid(), form.errors

    saved = save_form(form)

    assert Note.objects.get(pk=saved.pk).version == 1


def test_a_stale_form_is_refused_and_shows_what_the_other_person_changed(note, bertil):
    anna = opened(note.pk)
    save_as(changed(opened(note.pk), body="Bertil's body", owner=bertil.pk), note.pk)

    form = post(changed(anna, title="Anna's plan"), note.pk)

    assert not form.is_valid()
    assert form.non_field_errors() == [str(CONFLICT_MESSAGE)]
    assert form.conflict == [
        Conflict(field="Body", yours_before="Old body", theirs="Bertil's body", yours="Old body"),
        Conflict(field="Owner", yours_before="–", theirs="Bertil Berg", yours="–"),
    ]
    note.refresh_from_db()
    assert (note.title, note.body, note.owner, note.version) == ("Plan", "Bertil's body", bertil, 2)


def test_the_rebound_form_keeps_the_users_values_and_saves_on_the_second_try(note, bertil):
    anna = opened(note.pk)
    save_as(changed(opened(note.pk), body="Bertil's body", owner=bertil.pk), note.pk)
    form = post(changed(anna, title="Anna's plan"), note.pk)
    assert not form.is_valid()

    assert form.data["version"] == "2"
    assert form.data["title"] == "Anna's plan"
    # Anna left body and owner alone, so the form now holds Bertil's values there.
    assert form.data["body"] == "Bertil's body"
    assert form.data["owner"] == str(bertil.pk)
    assert form["title"].value() == "Anna's plan"

    saved = save_as(submitted(form), note.pk)

    assert saved.version == 3
    note.refresh_from_db()
    assert (note.title, note.body, note.owner, note.version) == ("Anna's plan", "Bertil's body", bertil, 3)


def test_a_field_only_the_other_person_changed_is_a_conflict_and_fields_neither_touched_are_not(note, bertil):
    anna = opened(note.pk)
    save_as(changed(opened(note.pk), title="Bertil's plan", colour="green", readers=[bertil.pk]), note.pk)

    form = post(changed(anna, title="Anna's plan", due="2025-04-01"), note.pk)

    assert not form.is_valid()
    assert form.conflict == [
        Conflict(field="Title", yours_before="Plan", theirs="Bertil's plan", yours="Anna's plan"),
        Conflict(field="Colour", yours_before="Red", theirs="Green", yours="Red"),
        Conflict(field="Readers", yours_before="–", theirs="Bertil Berg", yours="–"),
    ]
    # Body (neither changed it) and due (only Anna changed it) are no conflict.
    assert form.data["title"] == "Anna's plan"
    assert form.data["due"] == "2025-04-01"
    assert form.data["colour"] == "green"
    assert form.data.getlist("readers") == [str(bertil.pk)]

    saved = save_as(submitted(form), note.pk)

    saved.refresh_from_db()
    assert (saved.title, saved.colour, saved.due) == ("Anna's plan", "green", datetime.date(2025, 4, 1))
    assert list(saved.readers.all()) == [bertil]


def test_a_change_outside_the_form_does_not_stop_the_save_and_is_kept(note):
    anna = opened(note.pk)
    archived = Note.objects.get(pk=note.pk)  # a service changes a field the form does not show
    archived.archived = True
    archived.save()

    form = post(changed(anna, title="Anna's plan"), note.pk)
    assert form.is_valid(), form.errors
    save_form(form)

    note.refresh_from_db()
    assert (note.title, note.archived, note.version) == ("Anna's plan", True, 3)


def test_submitting_the_same_change_twice_is_accepted(note):
    data = changed(opened(note.pk), title="Anna's plan")
    save_as(data, note.pk)

    form = post(data, note.pk)  # a double click, or back and submit again

    assert form.is_valid(), form.errors
    assert save_form(form).version == 3
    assert Note.objects.get(pk=note.pk).title == "Anna's plan"


def test_the_same_change_by_both_with_another_change_of_theirs_still_stops(note):
    anna = opened(note.pk)
    save_as(changed(opened(note.pk), title="Same plan", body="Bertil's body"), note.pk)

    form = post(changed(anna, title="Same plan"), note.pk)

    assert not form.is_valid()
    assert form.conflict == [
        Conflict("Title", "Plan", "Same plan", "Same plan"),
        Conflict("Body", "Old body", "Bertil's body", "Old body"),
    ]


def test_a_form_built_on_the_version_the_user_edited_knows_where_they_began(note):
    stale = Note.objects.get(pk=note.pk)
    save_as(changed(opened(note.pk), body="Bertil's body"), note.pk)
    data = {"title": "Anna's plan", "body": "Old body", "colour": "red", "due": "2025-03-01", "version": "1"}

    form = NoteForm(data, instance=stale)

    assert not form.is_valid()
    assert form.conflict == [Conflict("Body", "Old body", "Bertil's body", "Old body")]
    assert form.data["version"] == "2"
    assert form.instance.version == 2


def test_without_a_basis_every_field_that_differs_from_the_row_is_shown(note):
    save_as(changed(opened(note.pk), body="Bertil's body"), note.pk)
    data = {"title": "Anna's plan", "body": "Old body", "colour": "red", "version": "1"}

    form = post(data, note.pk)

    assert not form.is_valid()
    assert form.conflict == [
        Conflict("Title", "(not known)", "Plan", "Anna's plan"),
        Conflict("Body", "(not known)", "Bertil's body", "Old body"),
        Conflict("Due", "(not known)", date_format(BEGAN), "–"),
    ]


def test_a_missing_version_never_overwrites(note):
    anna = opened(note.pk)
    save_as(changed(opened(note.pk), body="Bertil's body"), note.pk)
    data = changed(anna, title="Anna's plan")
    del data["version"]

    form = post(data, note.pk)

    assert not form.is_valid()
    assert [c.field for c in form.conflict] == ["Body"]
    assert Note.objects.get(pk=note.pk).body == "Bertil's body"


def test_a_deleted_object_is_refused(note):
    anna = opened(note.pk)
    form = NoteForm(changed(anna, title="Anna's plan"), instance=Note.objects.get(pk=note.pk))
    Note.objects.filter(pk=note.pk).delete()

    assert not form.is_valid()
    assert form.non_field_errors() == [str(DELETED_MESSAGE)]


def test_a_save_after_the_check_that_loses_the_race_raises_and_shows_the_conflict(note):
    form = post(changed(opened(note.pk), title="Anna's plan"), note.pk)
    assert form.is_valid(), form.errors
    save_as(changed(opened(note.pk), body="Bertil's body"), note.pk)

    with pytest.raises(ConcurrentEditError):
        save_form(form)
    handle_conflict(form)

    note.refresh_from_db()
    assert (note.title, note.body, note.version) == ("Plan", "Bertil's body", 2)
    assert form.non_field_errors() == [str(CONFLICT_MESSAGE)]
    assert form.conflict == [Conflict("Body", "Old body", "Bertil's body", "Old body")]
    assert form.data["version"] == "2"
    assert save_as(submitted(form), note.pk).title == "Anna's plan"


def test_losing_the_race_to_a_change_outside_the_form_asks_to_save_again(note):
    form = post(changed(opened(note.pk), title="Anna's plan"), note.pk)
    assert form.is_valid(), form.errors
    archived = Note.objects.get(pk=note.pk)
    archived.archived = True
    archived.save()

    with pytest.raises(ConcurrentEditError):
        save_form(form)
    handle_conflict(form)

    assert form.non_field_errors() == [str(SAME_MOMENT_MESSAGE)]
    assert form.conflict == []
    assert save_as(submitted(form), note.pk).archived is True


def test_the_save_is_recorded_in_the_history_with_its_user_and_version(note, bertil):
    save_as(changed(opened(note.pk), title="Bertil's plan"), note.pk, _history_user=bertil)

    record = note.history.latest()
    assert (record.title, record.version, record.history_user) == ("Bertil's plan", 2, bertil)


def test_every_save_of_an_existing_row_raises_the_version(note):
    note.archived = True
    note.save(update_fields=["archived"])

    assert Note.objects.get(pk=note.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_of_two_saves_racing_on_postgresql_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is PostgreSQL's")
    note = Note.objects.create(title="Plan", body="Old body")
    start = threading.Barrier(2)
    results: dict[str, object] = {}
    loser_waited = threading.Event()

    def hold_the_lock_until_the_other_waits(sender, instance, **kwargs):
        """The winner keeps its transaction open until the other transaction is blocked on the row lock."""
        deadline = time.monotonic() + 10
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0]:
                    loser_waited.set()
                    return
                time.sleep(0.02)

    def edit(name: str, title: str) -> None:
        try:
            form = post(changed(opened(note.pk), title=title), note.pk)
            assert form.is_valid(), form.errors
            start.wait(timeout=10)
            try:
                save_form(form)
            except ConcurrentEditError:
                handle_conflict(form)
                results[name] = form.conflict
            else:
                results[name] = "saved"
        except Exception as error:  # reported to the test's thread
            results[name] = error
        finally:
            connections.close_all()

    post_save.connect(hold_the_lock_until_the_other_waits, sender=Note, dispatch_uid="concurrency-race")
    try:
        threads = [threading.Thread(target=edit, args=(name, f"{name}'s plan")) for name in ("Anna", "Bertil")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        post_save.disconnect(sender=Note, dispatch_uid="concurrency-race")

    assert sorted(results) == ["Anna", "Bertil"], results
    winners = [name for name, result in results.items() if result == "saved"]
    assert len(winners) == 1, results
    winner = winners[0]
    loser = "Bertil" if winner == "Anna" else "Anna"
    assert results[loser] == [Conflict("Title", "Plan", f"{winner}'s plan", f"{loser}'s plan")]
    assert loser_waited.is_set(), "the losing save never waited for the row lock"
    note.refresh_from_db()
    assert (note.title, note.version) == (f"{winner}'s plan", 2)


def test_the_conflict_table_escapes_values(note):
    anna = opened(note.pk)
    save_as(changed(opened(note.pk), title="<b>x</b>"), note.pk)
    form = post(changed(anna, body="mine\nsecond line"), note.pk)
    assert not form.is_valid()

    html = render_to_string("core/_conflict.html", {"form": form})

    assert 'role="alert"' in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>x</b>" not in html
    for heading in ("Field", "Value when you began", "Now saved by someone else", "What you entered"):
        assert f'<th scope="col">{heading}</th>' in html
    assert '<th scope="row">Title</th>' in html


def test_the_conflict_include_renders_nothing_without_a_conflict(note):
    assert render_to_string("core/_conflict.html", {"form": NoteForm(instance=note)}).strip() == ""


class _Browser(HTMLParser):
    """What a browser submits for the inputs, text areas and selects of a rendered form."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.data = QueryDict(mutable=True)
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.data.appendlist(attrs["name"], attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea, self._text = attrs["name"], []
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setlistdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.appendlist(self._select, attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # Browsers drop the newline that opens a text area's content.
            self.data[self._textarea] = "".join(self._text).removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def page(form: NoteForm) -> str:
    """The form as a form template renders it: the conflict include, then crispy's Bootstrap 5 fields."""
    template = engines["django"].from_string(
        '{% load crispy_forms_tags %}{% include "core/_conflict.html" %}{{ form|crispy }}'
    )
    return template.render({"form": form})


def test_a_crispy_rendered_form_round_trips_through_a_conflict(note, bertil):
    anna = _Browser(page(NoteForm(instance=Note.objects.get(pk=note.pk)))).data
    assert anna["version"] == "1"
    assert "version_basis" in anna
    save_as(changed(_Browser(page(NoteForm(instance=note))).data, body="Bertil's\nbody", owner=bertil.pk), note.pk)

    form = post(changed(anna, title="Anna's plan"), note.pk)
    assert not form.is_valid()
    html = page(form)

    assert str(CONFLICT_MESSAGE).replace("'", "&#x27;") in html
    assert "Bertil&#x27;s<br>body" in html
    again = _Browser(html).data
    assert (again["version"], again["title"], again["owner"]) == ("2", "Anna's plan", str(bertil.pk))
    saved = save_as(again, note.pk)
    saved.refresh_from_db()
    assert (saved.title, saved.body, saved.owner, saved.version) == ("Anna's plan", "Bertil's\nbody", bertil, 3)
