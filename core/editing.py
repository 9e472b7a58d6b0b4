"""Editing the rows that belong to one object (council members, milestones, …) as one form.

Every app's "edit the list" pages go through ``edit_rows`` so that they behave alike:
validation of every row before anything is saved, one transaction, a message, and the
same accessible template.

A formset shows one empty row. "Add a row" (``ADD_ROW``) is a submit button: without
JavaScript it posts the rows as typed and ``bind_rows`` shows them again with one more empty
row, saving nothing; with JavaScript ``static/js/formset-rows.js`` copies the formset's empty
form (rendered in a ``<template>`` by ``core/_rows.html``) in the page instead. Either way
all the rows are saved together with "Save".

Forms validate, services decide: ``form_values`` takes from a valid form the values its model
fields get (what ``form.save()`` would write), and ``save_values`` writes them to a row. A
formset's rows reach the service as ``RowChange``s (``changed_rows``), which ``save_rows``
applies in one transaction: the one write of every "edit the list" page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.forms import BaseInlineFormSet
from django.forms.formsets import TOTAL_FORM_COUNT
from django.shortcuts import redirect, render

# The name of the "Add a row" button; its value is the prefix of the formset that grows.
ADD_ROW = "add_row"


# --- Values from forms to rows ------------------------------------------------------------------


def form_values(form) -> dict[str, Any]:
    """The cleaned values of a valid ModelForm that its model's fields take, many-to-many included.

    The same fields ``form.save()`` would write: editable model fields the form has, except those
    with a default that the request left out (a browser that sent no such field keeps the default).
    """
    opts = form._meta.model._meta
    cleaned = form.cleaned_data
    values: dict[str, Any] = {}
    for model_field in opts.fields:
        name = model_field.name
        if not model_field.editable or isinstance(model_field, models.AutoField) or name not in cleaned:
            continue
        widget = form[name].field.widget
        omitted = widget.value_omitted_from_data(form.data, form.files, form.add_prefix(name))
        if model_field.has_default() and omitted and cleaned.get(name) in form[name].field.empty_values:
            continue
        values[name] = cleaned[name]
    for model_field in opts.many_to_many:
        if model_field.name in cleaned:
            values[model_field.name] = cleaned[model_field.name]
    return values


def save_values(instance: models.Model, values: dict[str, Any], **extra: Any) -> models.Model:
    """Write ``values`` (from ``form_values`` or a service) and ``extra`` to ``instance`` and save it.

    A name in ``extra`` that is not a field is set as an attribute.
    Many-to-many values are set once the row exists. Call inside the service's transaction.
    """
    opts = instance._meta
    related: dict[str, Any] = {}
    files = []
    for name, value in {**values, **extra}.items():
        try:
            model_field = opts.get_field(name)
        except FieldDoesNotExist:
            setattr(instance, name, value)  # e.g. ``_history_user``, which django-simple-history reads
            continue
        if model_field.many_to_many:
            related[name] = value
        elif isinstance(model_field, models.FileField):
            files.append((model_field, value))
        else:
            model_field.save_form_data(instance, value)
    for model_field, value in files:
        model_field.save_form_data(instance, value)
    instance.save()
    for name, value in related.items():
        opts.get_field(name).save_form_data(instance, value)
    return instance


@dataclass(frozen=True)
class RowChange:
    """One row of a formset as the user left it: changed (``row`` set), new (``row`` None) or deleted."""

    row: models.Model | None
    values: dict[str, Any] = dataclasses.field(default_factory=dict)
    delete: bool = False


def changed_rows(formset) -> list[RowChange]:
    """What a valid formset asks for, in the order ``formset.save()`` applies it: the existing rows
    changed or deleted, then the new rows (an untouched or deleted empty row asks for nothing)."""
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    changes = []
    for form in formset.initial_forms:
        if form.instance.pk is None:
            continue
        if form in deleted:
            changes.append(RowChange(form.instance, delete=True))
        elif form.has_changed():
            changes.append(RowChange(form.instance, form_values(form)))
    for form in formset.extra_forms:
        if form.has_changed() and form not in deleted:
            changes.append(RowChange(None, form_values(form)))
    return changes


@transaction.atomic
def save_rows(parent: models.Model, model: type[models.Model], parent_field: str, changes: Iterable[RowChange]) -> None:
    """Apply the rows of one parent (its ``model`` rows, linked by ``parent_field``), all or none.

    A row that is not ``parent``'s is refused: the rows come from a form the user posted.
    """
    for change in changes:
        row = change.row
        if row is not None and getattr(row, f"{parent_field}_id") != parent.pk:
            raise ValueError(f"{model._meta.label} {row.pk} does not belong to {parent!r}")
        if change.delete:
            if row is not None:
                row.delete()
        else:
            save_values(row if row is not None else model(**{parent_field: parent}), change.values)


class ParentAwareFormSet(BaseInlineFormSet):
    """An inline formset whose rows know their parent object without a query each.

    Django sets only the parent's id on existing rows; a row whose ``__str__`` names its
    parent (shown as the row's legend) would otherwise cost one query per row.
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        setattr(form.instance, self.fk.name, self.instance)
        return form

    def limit_choices(self, field: str, queryset) -> None:
        """Offer ``queryset`` in ``field`` of every row, and of the empty row that "Add a row"
        copies, read once for all rows, not once per row."""
        self._limited = getattr(self, "_limited", {})
        self._limited[field] = (queryset, None)
        for form in self.forms:
            self._limit(form, field)

    def _limit(self, form, field: str) -> None:
        queryset, choices = self._limited[field]
        form.fields[field].queryset = queryset
        if choices is None:
            choices = list(form.fields[field].choices)
            self._limited[field] = (queryset, choices)
        form.fields[field].choices = choices

    @property
    def empty_form(self):
        form = super().empty_form
        for field in getattr(self, "_limited", {}):
            self._limit(form, field)
        return form


def adding_row(request) -> bool:
    """Whether the user asked for one more row rather than to save."""
    return request.method == "POST" and ADD_ROW in request.POST


def bind_rows(request, formset_class, **kwargs):
    """``formset_class`` for the request: empty on GET, the posted rows on POST, plus one empty
    row when the user chose "Add a row" for this formset (the rows typed so far are kept)."""
    if request.method != "POST":
        return formset_class(**kwargs)
    data = request.POST
    prefix = kwargs.get("prefix") or formset_class.get_default_prefix()
    key = f"{prefix}-{TOTAL_FORM_COUNT}"
    if data.get(ADD_ROW) == prefix and (data.get(key) or "").isdecimal():
        data = data.copy()
        data[key] = str(int(data[key]) + 1)
    return formset_class(data, **kwargs)


def save_formset_rows(parent: models.Model, formset) -> None:
    """The service of the plain "edit the list" pages: the formset's rows, nothing else to decide."""
    save_rows(parent, formset.model, formset.fk.name, changed_rows(formset))


def edit_rows(
    request,
    parent,
    formset_class,
    *,
    title: str,
    saved: str,
    formset_kwargs: dict | None = None,
    more: tuple[str, str] | None = None,
):
    """Show ``formset_class`` for ``parent`` and save its rows through ``save_formset_rows``;
    authorise before calling this. ``more`` is a link (text, URL) shown under the help text, e.g.
    to where the rows' choices are kept."""
    formset = bind_rows(request, formset_class, instance=parent, **(formset_kwargs or {}))
    if request.method == "POST" and not adding_row(request) and formset.is_valid():
        save_formset_rows(parent, formset)
        messages.success(request, saved % {"name": str(parent)})
        return redirect(parent)
    return render(request, "core/formset.html", {"parent": parent, "formset": formset, "title": title, "more": more})
