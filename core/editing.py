"""Editing the rows that belong to one object (council members, milestones, …) as one form.

Every app's "edit the list" pages go through ``edit_rows`` so that they behave alike:
validation of every row before anything is saved, one transaction, a message, and the
same accessible template.

A formset shows one empty row. "Add a row" (``ADD_ROW``) is a submit button: without
JavaScript it posts the rows as typed and ``bind_rows`` shows them again with one more empty
row, saving nothing; with JavaScript ``static/js/formset-rows.js`` copies the formset's empty
form (rendered in a ``<template>`` by ``core/_rows.html``) in the page instead. Either way
all the rows are saved together with "Save".
"""

from django.contrib import messages
from django.db import transaction
from django.forms import BaseInlineFormSet
from django.forms.formsets import TOTAL_FORM_COUNT
from django.shortcuts import redirect, render

# The name of the "Add a row" button; its value is the prefix of the formset that grows.
ADD_ROW = "add_row"


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
    """Show and save ``formset_class`` for ``parent``; authorise before calling this. ``more`` is a
    link (text, URL) shown under the help text, e.g. to where the rows' choices are kept."""
    formset = bind_rows(request, formset_class, instance=parent, **(formset_kwargs or {}))
    if request.method == "POST" and not adding_row(request) and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, saved % {"name": str(parent)})
        return redirect(parent)
    return render(request, "core/formset.html", {"parent": parent, "formset": formset, "title": title, "more": more})
