"""Editing the rows that belong to one object (council members, milestones, …) as one form.

Every app's "edit the list" pages go through ``edit_rows`` so that they behave alike:
validation of every row before anything is saved, one transaction, a message, and the
same accessible template.
"""

from django.contrib import messages
from django.db import transaction
from django.forms import BaseInlineFormSet
from django.shortcuts import redirect, render


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
        """Offer ``queryset`` in ``field`` of every row, read once for all rows, not once per row."""
        choices = None
        for form in self.forms:
            form.fields[field].queryset = queryset
            if choices is None:
                choices = list(form.fields[field].choices)
            form.fields[field].choices = choices


def edit_rows(request, parent, formset_class, *, title: str, saved: str, formset_kwargs: dict | None = None):
    """Show and save ``formset_class`` for ``parent``; authorise before calling this."""
    formset = formset_class(request.POST or None, instance=parent, **(formset_kwargs or {}))
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, saved % {"name": str(parent)})
        return redirect(parent)
    return render(request, "portal/formset.html", {"parent": parent, "formset": formset, "title": title})
