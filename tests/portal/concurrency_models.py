"""A test-only ``Versioned`` model and its form, to exercise ``core.concurrency`` on a real table.

No migration creates its tables: ``tests/portal/test_concurrency.py`` creates them with the schema
editor for its module and drops them afterwards, so no app's models or migrations change.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.concurrency import Versioned, VersionedForm


class Colour(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


class Note(Versioned):
    """Fields of each kind the portal's forms edit: text, choices, a date, a foreign key and a many-to-many."""

    title = models.CharField("title", max_length=100)
    body = models.TextField("body", blank=True)
    colour = models.CharField("colour", max_length=10, choices=Colour.choices, default=Colour.RED)
    due = models.DateField("due", null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    readers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    archived = models.BooleanField("archived", default=False)  # not in the form
    history = HistoricalRecords()

    class Meta:
        app_label = "portal"
        db_table = "test_concurrency_note"

    def __str__(self) -> str:
        return self.title


class NoteForm(VersionedForm):
    class Meta:
        model = Note
        fields = ["title", "body", "colour", "due", "owner", "readers"]
