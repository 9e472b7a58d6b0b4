"""The change history shown on pages: who changed what, when, from what to what.

Built on django-simple-history (the one history mechanism). ``change_log`` takes the
historical querysets that make up an object's story (the object itself and its parts),
reads them together (one query where the database allows), and pairs every record with the
previous record of the same object to say which fields changed.

Every line names its object: by the model's ``history_label`` where it has one (fields of the row
or of a related row, ``"actor__name"``, read with the history rows in the same query), else by the
first of ``LABEL_FIELDS`` the row has.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import DecimalField, F, Model, QuerySet, TextField, Value
from django.db.models.functions import Cast, JSONObject
from django.utils.formats import date_format, localize
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("Added"), "~": _("Changed"), "-": _("Deleted")}
LABEL_FIELDS = ("name", "title", "organisation", "year", "commitment", "problem", "date")
LABEL_LENGTH = 80  # a long text (a commitment, a problem) names its row by its beginning
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
    kind: str  # what sort of thing changed: "responsible actor"
    name: str  # which one: "Polisen (Lead)"; empty where a row has nothing to be named by
    action: str
    changes: tuple[FieldChange, ...]

    @property
    def what(self) -> str:
        kind = self.kind[:1].upper() + self.kind[1:]
        return f"{kind}: {self.name}" if self.name else kind


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


def _fields(model: type[Model], history_model: type[Model]) -> list:
    """The compared fields of ``model``: those its history records (not its ``excluded_fields``)."""
    recorded = {f.name for f in history_model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED and not f.is_relation and not f.name.startswith("history_") and f.name in recorded
    ]


def _label_lookups(model: type[Model]) -> list[str]:
    """The lookups through relations that name a row of ``model`` (its ``history_label``)."""
    return [lookup for lookup in getattr(model, "history_label", ()) if "__" in lookup]


def _named(model: type[Model], spec: tuple[str, ...], values: dict, related: dict) -> str:
    """A row named by its model's ``history_label``: "Polisen (Lead)"."""
    parts: list[str] = []
    relations: dict[str, dict] = {}
    for lookup in spec:
        relation, _sep, attr = lookup.partition("__")
        if not attr:
            parts.append(lookup)
            continue
        if relation not in relations:
            relations[relation] = {}
            parts.append(relation)
        relations[relation][attr] = related.get(lookup)
    texts = []
    for part in parts:
        if part not in relations:
            if values.get(part) not in (None, ""):
                texts.append(_display(model._meta.get_field(part), values[part]))
        elif any(value is not None for value in relations[part].values()):
            # The related row rebuilt from the values read, named by its own __str__.
            texts.append(str(model._meta.get_field(part).related_model(**relations[part])))
    if not texts:
        return ""
    return texts[0] + (f" ({', '.join(texts[1:])})" if texts[1:] else "")


def _label(model: type[Model], values: dict, related: dict) -> str:
    """The name of one row in the change history, from its compared ``values`` and the ``related``
    values its ``history_label`` reads through relations."""
    spec = getattr(model, "history_label", None)
    if spec and (named := _named(model, spec, values, related)):
        return named
    for attr in LABEL_FIELDS:
        value = values.get(attr)
        if value not in (None, ""):
            text = _display(model._meta.get_field(attr), value) if attr == "date" else str(value)
            return Truncator(" ".join(text.split())).chars(LABEL_LENGTH)
    if "obligation" in values:
        return _display(model._meta.get_field("obligation"), values["obligation"])
    return ""


def _rows(history: QuerySet, part: int, fields: list, count: int) -> QuerySet:
    """The newest ``count`` records of ``history`` as plain rows with the same columns whatever the
    model: the compared fields (and the related values that name the row) travel in one JSON object,
    so that the histories can be read together with ``union``. Decimals travel as text, which keeps
    their exact digits."""
    data = JSONObject(
        **{f.attname: Cast(f.attname, TextField()) if isinstance(f, DecimalField) else F(f.attname) for f in fields},
        **{lookup: F(lookup) for lookup in _label_lookups(history.model.instance_type)},
    )
    return history.order_by("-history_date", "-history_id").values(
        "id",
        "history_id",
        "history_date",
        "history_type",
        "history_user__username",
        "history_user__first_name",
        "history_user__last_name",
        log_part=Value(part),
        log_data=data,
    )[:count]


def _value(field, value):
    """A field's value as read from the JSON object, as the field itself would have read it."""
    if value is None:
        return None
    value = field.to_python(value)
    if isinstance(field, DecimalField):
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def change_log(*histories: QuerySet, limit: int = 20) -> list[Change]:
    """The newest ``limit`` changes across ``histories``, newest first.

    One query for all of them where the database can order and slice the parts of a ``union``
    (PostgreSQL); one query each elsewhere (SQLite). Each history contributes its newest
    ``3 * limit`` records, and every change is compared with the previous record of the same object
    among them."""
    models = [history.model.instance_type for history in histories]
    fields = [_fields(model, history.model) for model, history in zip(models, histories, strict=True)]
    parts = [_rows(history, i, fields[i], limit * 3) for i, history in enumerate(histories)]
    if len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        rows = list(parts[0].union(*parts[1:], all=True))
    else:
        rows = [row for part in parts for row in part]
    rows.sort(key=lambda row: (row["history_date"], row["history_id"]))
    by_object: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        by_object[row["log_part"], row["id"]].append(row)

    changes: list[Change] = []
    for (part, _id), object_rows in by_object.items():
        model, part_fields = models[part], fields[part]
        previous = None
        for row in object_rows:
            values = {f.attname: _value(f, row["log_data"].get(f.attname)) for f in part_fields}
            diffs: tuple[FieldChange, ...] = ()
            if row["history_type"] == "~" and previous is not None:
                diffs = tuple(
                    FieldChange(str(f.verbose_name), _display(f, previous[f.attname]), _display(f, new))
                    for f in part_fields
                    if (new := values[f.attname]) != previous[f.attname]
                )
                if not diffs:
                    previous = values
                    continue
            if row["history_user__username"] is None:
                who = str(_("the system"))
            else:
                user = get_user_model()(
                    username=row["history_user__username"],
                    first_name=row["history_user__first_name"],
                    last_name=row["history_user__last_name"],
                )
                who = user.get_full_name() or user.username
            changes.append(
                Change(
                    when=row["history_date"],
                    who=who,
                    kind=str(model._meta.verbose_name),
                    name=_label(model, values, row["log_data"]),
                    action=str(ACTIONS[row["history_type"]]),
                    changes=diffs,
                )
            )
            previous = values
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
