"""Two people editing the same object never silently overwrite each other (optimistic locking).

Every row of a ``Versioned`` model carries a version number that each save raises by one. A
``VersionedForm`` sends the version it was rendered from, plus the values it showed
(``version_basis``), as hidden fields. When the form comes back:

* the version is unchanged: it is valid as usual (one extra query, the version);
* someone else saved in between and changed something this form shows: the form is invalid
  with a non-field error, ``form.conflict`` says field by field what they changed, and the form
  is re-bound so that saving again works: the hidden version becomes the current one, the
  user's own changes stay, and the fields only the other person changed take their value (so
  saving again keeps both people's work);
* someone else saved in between, but saving would undo none of it (they changed only fields
  this form does not show, or made the very change the user made, e.g. a double submit): it
  is valid, because the instance is the current row and the save loses nothing.

``save_versioned`` then writes inside a transaction that locks the row and compares the
version once more, so of two saves racing past the form check exactly one wins; the other
raises ``ConcurrentEditError``, which ``handle_conflict`` turns into the same display::

    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        try:
            # the service calls save_versioned(measure, values, seen_version=seen_version)
            services.update_measure(measure, form_values(form), seen_version=form.seen_version)
        except ConcurrentEditError:
            handle_conflict(form)
        else:
            return redirect(measure)
    return render(request, "actions/measure_form.html", {"form": form})

and the form template includes ``{% include "core/_conflict.html" %}``. A crispy ``Layout``
must render the two hidden fields (``helper.render_hidden_fields = True`` or name them).

Every ``save()`` of an existing row raises its version, so edits made elsewhere (the admin, a
service changing a status) also count as "someone else saved". A ``QuerySet.update()`` that
changes fields people edit must set ``version=F("version") + 1`` itself.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models import Model, QuerySet
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.formats import date_format, localize, time_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy

from core.editing import save_values

VERSION_FIELD = "version"
BASIS_FIELD = "version_basis"
EMPTY = "–"

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else saved this while you were editing. "
    "Their changes are shown below; check them and save again to keep yours."
)
SAME_MOMENT_MESSAGE = gettext_lazy(
    "Someone else saved this at the same moment, without changing what you see here. "
    "Nothing was saved yet; save again to keep your changes."
)
DELETED_MESSAGE = gettext_lazy("Someone else deleted this while you were editing, so your changes cannot be saved.")
NOT_KNOWN = gettext_lazy("(not known)")


class Versioned(models.Model):
    """A model whose rows carry a version number, raised by one on every save of an existing row."""

    version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save and raise the version, so every change (form, admin, service) outdates open forms."""
        update_fields = kwargs.get("update_fields")
        if self._state.adding or (update_fields is not None and not update_fields):
            super().save(*args, **kwargs)
            return
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, VERSION_FIELD}
        self.version += 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version -= 1
            raise


@dataclass(frozen=True)
class Conflict:
    """One field someone else changed while the user was editing, as text for people."""

    field: str
    yours_before: str
    theirs: str
    yours: str


class ConcurrentEditError(Exception):
    """The row changed or vanished between the form's check and the save; nothing was written."""


class _ValueEncoder(DjangoJSONEncoder):
    """JSON for form values; times keep their microseconds, since a cut value would read as a change."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        try:
            return super().default(o)
        except (TypeError, ValueError):
            return str(o)


def _model_field(model: type[Model], name: str) -> models.Field:
    return model._meta.get_field(name)


def _to_python(field: forms.Field, raw: Any) -> Any:
    """``raw`` as the field's Python value, or ``raw`` itself when it no longer converts."""
    try:
        return field.to_python(raw)
    except (ValidationError, TypeError, ValueError):
        return raw


def _differs(field: forms.Field, initial: Any, data: Any) -> bool:
    """Django's own "has this field changed" test; anything it cannot compare counts as changed."""
    try:
        return field.has_changed(initial, data)
    except (TypeError, ValueError):
        return True


def _choice_label(choices: Iterable[Any], value: Any) -> str | None:
    for key, label in choices:
        if isinstance(label, list | tuple):
            found = _choice_label(label, value)
            if found is not None:
                return found
        elif str(key) == str(value):
            return str(label)
    return None


def _display(field: forms.Field, value: Any) -> str:
    """A value as people read it: choice labels, objects' names, dates and numbers in their language."""
    if isinstance(value, QuerySet):
        value = list(value)
    if value is None or (isinstance(value, str | list | tuple | set) and not value):
        return EMPTY
    if isinstance(value, list | tuple | set):
        return ", ".join(_display(field, item) for item in value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        label = _choice_label(field.choices, value)
        if label is not None:
            return label
    return _format(value)


def _format(value: Any) -> str:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value)
    if isinstance(value, datetime.time):
        return time_format(value)
    return str(localize(value))


def _put(data: Any, key: str, value: Any) -> None:
    """Write ``value`` (as kept in a basis) into form data the way its widget reads it back."""
    if isinstance(value, list):
        values = ["" if item is None else str(item) for item in value]
        if hasattr(data, "setlist"):
            data.setlist(key, values)
        else:
            data[key] = values
    else:
        data[key] = "" if value is None else str(value)


def _mergeable(field: forms.Field) -> bool:
    """Whether the other person's value can be written into the re-bound data of ``field``."""
    return not field.disabled and not isinstance(field.widget, forms.MultiWidget)


@dataclass
class _Comparison:
    """The user's submission against the current row.

    ``merge`` holds, for the fields only the other person changed, their value as form data;
    ``blocking`` says whether saving now would replace a value that is not what the user entered.
    """

    row_basis: str
    conflicts: list[Conflict] = dataclasses.field(default_factory=list)
    merge: dict[str, Any] = dataclasses.field(default_factory=dict)
    blocking: bool = False


class VersionedForm(forms.ModelForm):
    """Base of every ModelForm of a ``Versioned`` model: refuses to save over someone else's change.

    ``conflict`` lists what the other person changed after a refused submission (empty otherwise).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    version_basis = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: list[Conflict] = []
        self._loaded_version: int = self.instance.version
        self.initial[VERSION_FIELD] = self.instance.version
        # Evaluated only when the hidden field is rendered: what the user is about to see.
        self.initial[BASIS_FIELD] = self._initial_basis

    @property
    def seen_version(self) -> int | None:
        """The version of the row the user edited (after ``is_valid``): what ``save_versioned`` compares."""
        return self.cleaned_data.get(VERSION_FIELD)

    @cached_property
    def changed_data(self) -> list[str]:
        """What the user changed; the hidden bookkeeping fields are not the user's changes."""
        return [name for name in super().changed_data if name not in (VERSION_FIELD, BASIS_FIELD)]

    # --- What the form compares -------------------------------------------------------------

    def _tracked_fields(self) -> list[str]:
        """The form's fields that edit a column of the row (files are handled by their own forms)."""
        opts = self.instance._meta
        editable = {f.name for f in (*opts.concrete_fields, *opts.many_to_many) if f.editable}
        return [
            name
            for name, field in self.fields.items()
            if name in editable and name not in (VERSION_FIELD, BASIS_FIELD) and not isinstance(field, forms.FileField)
        ]

    def _basis(self, value_of: Callable[[str], Any]) -> str:
        values = {name: self.fields[name].prepare_value(value_of(name)) for name in self._tracked_fields()}
        return json.dumps(values, cls=_ValueEncoder, ensure_ascii=False)

    def _initial_basis(self) -> str:
        return self._basis(lambda name: self.get_initial_for_field(self.fields[name], name))

    def _submitted_basis(self, submitted: int | None) -> dict[str, Any] | None:
        """The values the user started from: as sent back, or those of the instance they were shown."""
        raw = self[BASIS_FIELD].data
        if raw:
            try:
                basis = json.loads(raw)
            except (ValueError, RecursionError):
                basis = None
            if isinstance(basis, dict):
                return basis
        if submitted is not None and submitted == self._loaded_version:
            # The form was built on the very version the user edited: its initial data is where they began.
            return json.loads(self._initial_basis())
        return None

    def _current_row(self) -> Model | None:
        return self.instance.__class__._base_manager.filter(pk=self.instance.pk).first()

    def _compare(self, row: Model, submitted: int | None) -> _Comparison:
        """What the other person changed in the fields shown, and which of them the user left alone.

        Without a basis for a field, every field whose current value differs from the user's is a conflict.
        """
        basis = self._submitted_basis(submitted) or {}
        model = type(row)
        names = self._tracked_fields()
        theirs = {name: _model_field(model, name).value_from_object(row) for name in names}
        result = _Comparison(row_basis=self._basis(theirs.__getitem__))
        prepared = json.loads(result.row_basis)
        for name in names:
            field = self.fields[name]
            yours_raw = self[name].data
            if name in basis:
                if not _differs(field, theirs[name], basis[name]):
                    continue
                before = _to_python(field, basis[name])
                yours_before = _display(field, before)
                if _mergeable(field) and not _differs(field, before, yours_raw):
                    result.merge[name] = prepared[name]
            else:
                yours_before = str(NOT_KNOWN)
            if _differs(field, theirs[name], yours_raw):
                result.blocking = True
            elif name not in basis:
                continue
            model_field = _model_field(model, name)
            shown = getattr(row, name) if model_field.many_to_one or model_field.one_to_one else theirs[name]
            yours = self.cleaned_data[name] if name in self.cleaned_data else _to_python(field, yours_raw)
            label = str(field.label) if field.label else pretty_name(name)
            result.conflicts.append(Conflict(label, yours_before, _display(field, shown), _display(field, yours)))
        return result

    # --- What the form does about it --------------------------------------------------------

    def _rebind(self, row: Model, merge: dict[str, Any], row_basis: str) -> None:
        """Keep the user's values, take the other person's where only they changed, and adopt the row's version."""
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = str(row.version)
        data[self.add_prefix(BASIS_FIELD)] = row_basis
        for name, value in merge.items():
            _put(data, self.add_prefix(name), value)
        self.data = data
        self.initial[VERSION_FIELD] = row.version
        self._adopt(row.version)

    def _adopt(self, version: int) -> None:
        """Make the instance the current row (the user's values are applied to it afterwards)."""
        if self.instance.version != version:
            self.instance.refresh_from_db()
        self._loaded_version = self.instance.version

    def _report(self, row: Model | None, submitted: int | None, *, after_save: bool) -> bool:
        """Add the conflict to the form; False when there is none worth stopping for (only before saving)."""
        if row is None:
            self.add_error(None, ValidationError(DELETED_MESSAGE, code="deleted"))
            return True
        comparison = self._compare(row, submitted)
        if not comparison.blocking and not after_save:
            return False
        self.conflict = comparison.conflicts
        message = CONFLICT_MESSAGE if comparison.conflicts else SAME_MOMENT_MESSAGE
        self.add_error(None, ValidationError(message, code="conflict"))
        self._rebind(row, comparison.merge, comparison.row_basis)
        return True

    def _post_clean(self) -> None:
        # Checked here rather than in clean(), so a subclass's clean() cannot skip it.
        self.conflict = []
        if not self.instance._state.adding:
            self._check_version()
        super()._post_clean()

    def _check_version(self) -> None:
        submitted = self.cleaned_data.get(VERSION_FIELD)
        current = (
            self.instance.__class__._base_manager.filter(pk=self.instance.pk)
            .values_list(VERSION_FIELD, flat=True)
            .first()
        )
        if current is not None and current == submitted:
            return
        row = self._current_row() if current is not None else None
        if not self._report(row, submitted, after_save=False):
            # Someone saved, but nothing this form would undo (they changed other fields, or made the
            # user's own change): saving over the current row loses nothing.
            self.cleaned_data[VERSION_FIELD] = row.version
            self._adopt(row.version)


def save_versioned(instance: Model, values: dict[str, Any], *, seen_version: int | None, **extra: Any) -> Model:
    """Write ``values`` (and ``extra``, e.g. ``updated_by=user``) to ``instance`` unless its row changed
    since the user saw version ``seen_version`` (then ``ConcurrentEditError``, nothing written).

    The row is locked (``SELECT … FOR UPDATE``) and its version compared inside one transaction, so
    of two transactions that both read version 3 exactly one saves version 4; the other waits for the
    lock, then sees 4 and raises. The save goes through ``instance.save()`` so django-simple-history
    records it with its user. A new row (not saved yet) has no version to compare.
    """
    model = type(instance)
    with transaction.atomic(using=router.db_for_write(model, instance=instance)):
        if not instance._state.adding:
            current = (
                model._base_manager.select_for_update()
                .filter(pk=instance.pk)
                .values_list(VERSION_FIELD, flat=True)
                .first()
            )
            if current is None or current != seen_version or current != instance.version:
                raise ConcurrentEditError(f"{model._meta.label} {instance.pk} changed since the form was checked")
        return save_values(instance, values, **extra)


def handle_conflict(form: VersionedForm) -> None:
    """After ``ConcurrentEditError``: show the form's user what changed, ready to save again."""
    form._report(form._current_row(), form.cleaned_data.get(VERSION_FIELD), after_save=True)
