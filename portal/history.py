"""The change history shown on pages: who changed what, when, from what to what.

Built on django-simple-history (the one history mechanism). ``change_log`` takes the
historical querysets that make up an object's story (the object itself and its parts),
reads each with one query, and pairs every record with the previous record of the same
object to say which fields changed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.utils.formats import date_format, localize
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("Added"), "~": _("Changed"), "-": _("Deleted")}
LABEL_FIELDS = ("name", "title", "organisation", "year")
SKIPPED = {"id", "updated_at", "created_at", "version"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Change:
    when: datetime.datetime
    who: str
    what: str
    action: str
    changes: tuple[FieldChange, ...]


def _display(field, value) -> str:
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.date):
        return date_format(value)
    return str(localize(value))


def _fields(model: type[Model]) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and not f.is_relation and not f.name.startswith("history_")
    ]


def _label(model: type[Model], record) -> str:
    name = str(model._meta.verbose_name).capitalize()
    for attr in LABEL_FIELDS:
        value = getattr(record, attr, None)
        if value not in (None, ""):
            return f"{name}: {value}"
    if hasattr(record, "obligation"):
        return f"{name}: {_display(model._meta.get_field('obligation'), record.obligation)}"
    return name


def change_log(*histories: QuerySet, limit: int = 20) -> list[Change]:
    """The newest ``limit`` changes across ``histories``, newest first (one query each)."""
    changes: list[Change] = []
    for history in histories:
        model = history.model.instance_type
        fields = _fields(model)
        records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit * 3])
        by_object: dict[int, list] = defaultdict(list)
        for record in reversed(records):
            by_object[record.id].append(record)
        for object_records in by_object.values():
            previous = None
            for record in object_records:
                diffs: tuple[FieldChange, ...] = ()
                if record.history_type == "~" and previous is not None:
                    diffs = tuple(
                        FieldChange(str(f.verbose_name), _display(f, getattr(previous, f.attname)), _display(f, new))
                        for f in fields
                        if (new := getattr(record, f.attname)) != getattr(previous, f.attname)
                    )
                    if not diffs:
                        previous = record
                        continue
                user = record.history_user
                changes.append(
                    Change(
                        when=record.history_date,
                        who=(user.get_full_name() or user.username) if user else str(_("the system")),
                        what=_label(model, record),
                        action=str(ACTIONS[record.history_type]),
                        changes=diffs,
                    )
                )
                previous = record
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
