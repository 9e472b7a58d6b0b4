"""Editing the rows that belong to one object (council members, milestones, …) as one form.

Every app's "edit the list" pages go through ``edit_rows`` so that they behave alike:
validation of every row before anything is saved, one transaction, a message, and the
same accessible template.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render


def edit_rows(request, parent, formset_class, *, title: str, saved: str, formset_kwargs: dict | None = None):
    """Show and save ``formset_class`` for ``parent``; authorise before calling this."""
    formset = formset_class(request.POST or None, instance=parent, **(formset_kwargs or {}))
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            formset.save()
        messages.success(request, saved % {"name": str(parent)})
        return redirect(parent)
    return render(request, "portal/formset.html", {"parent": parent, "formset": formset, "title": title})
