"""Finding a person's rows in the places of the register (``portal.privacy.register``).

A person is an account, or a name and an e-mail address for someone without one (a council member,
a working-group member). An account's rows are those linked to it, and the rows that name it by its
full name, e-mail address or user name as text (``Place.matched``); those named as text may be
someone else of the same name, so the removal page lets the administrator choose among them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, ForeignKey, IntegerField, Model, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from core.history import Change, change_log
from portal.privacy.register import HISTORY, OnRemoval, Place, history_models, installed_places

SEARCH_LIMIT = 50
HISTORY_LIMIT = 500  # changes listed in an export (each history's newest; all are counted)


@dataclass(frozen=True)
class Person:
    """Whom the page, the export or the removal is about: an account, or a name and e-mail without one."""

    user: Model | None = None
    name: str = ""
    email: str = ""

    @classmethod
    def of(cls, user) -> Person:
        return cls(user=user, name=user.get_full_name(), email=user.email)

    @property
    def username(self) -> str:
        return self.user.username if self.user is not None else ""

    def __str__(self) -> str:
        return self.name or self.email or self.username


def _linked_q(place: Place, person: Person) -> Q | None:
    """Rows that point to the person's account."""
    if person.user is None or not place.links:
        return None
    model = place.model_class
    q = Q()
    for link in place.links:
        if model._meta.get_field(link).many_to_many:
            q |= Q(pk__in=model.objects.filter(**{link: person.user}).values("pk"))
        else:
            q |= Q(**{link: person.user})
    return q


def _matched_q(place: Place, person: Person) -> Q | None:
    """Rows that name the person as text: by name, e-mail or user name (case-insensitive, whole value)."""
    q = None
    for field_name, attribute in place.matched.items():
        value = getattr(person, attribute).strip()
        if value:
            term = Q(**{f"{field_name}__iexact": value})
            q = term if q is None else q | term
    return q


def person_q(place: Place, person: Person) -> Q | None:
    """Every row of ``place`` about ``person``; None where the place has nothing that could be theirs."""
    if place.on_removal == OnRemoval.ACCOUNT:
        return Q(pk=person.user.pk) if person.user is not None else None
    parts = [q for q in (_linked_q(place, person), _matched_q(place, person)) if q is not None]
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def rows_of(place: Place, person: Person) -> QuerySet:
    q = person_q(place, person)
    manager = place.model_class._base_manager
    return manager.none() if q is None else manager.filter(q)


def named_rows(place: Place, person: Person) -> QuerySet:
    """The rows that name the person as text only (the ones the administrator chooses among)."""
    q = _matched_q(place, person)
    manager = place.model_class._base_manager
    return manager.none() if q is None else manager.filter(q)


def _count_part(queryset: QuerySet, key: str) -> QuerySet:
    return (
        queryset.order_by()
        .values(privacy_place=Value(key))
        .annotate(privacy_n=Count("pk", output_field=IntegerField()))
    )


def register_counts() -> dict[str, int]:
    """How many rows each place holds (and how many changes the histories name their author for), in one query."""
    parts = [_count_part(place.model_class._base_manager.all(), place.key) for place in installed_places()]
    parts += [
        _count_part(model._base_manager.filter(history_user__isnull=False), HISTORY.key) for model in history_models()
    ]
    counts: dict[str, int] = defaultdict(int)
    for row in _union_rows(parts):
        counts[row["privacy_place"]] += row["privacy_n"]
    return counts


def _union_rows(parts: list[QuerySet]):
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def person_counts(person: Person) -> dict[str, int]:
    """How many rows of each place are about ``person``, in one query."""
    parts = []
    for place in installed_places():
        q = person_q(place, person)
        if q is not None:
            parts.append(_count_part(place.model_class._base_manager.filter(q), place.key))
    if person.user is not None:
        parts += [
            _count_part(model._base_manager.filter(history_user=person.user), HISTORY.key) for model in history_models()
        ]
    counts: dict[str, int] = defaultdict(int)
    if parts:
        for row in _union_rows(parts):
            counts[row["privacy_place"]] += row["privacy_n"]
    return counts


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    count: int


def person_places(person: Person) -> list[PlaceRow]:
    """The places holding something about ``person``, with how many rows each (one query)."""
    counts = person_counts(person)
    places = [*installed_places(), HISTORY]
    return [PlaceRow(place, counts[place.key]) for place in places if counts.get(place.key)]


def register_rows() -> list[PlaceRow]:
    counts = register_counts()
    return [PlaceRow(place, counts.get(place.key, 0)) for place in (*installed_places(), HISTORY)]


@dataclass(frozen=True)
class Found:
    """A search's answer: accounts, and people named as text without an account of that e-mail or name."""

    users: list
    named: list[Person] = field(default_factory=list)


def find_people(text: str) -> Found:
    """Accounts whose user name, name or e-mail contains ``text``, and names and e-mail addresses in
    the text places (council members, coordinators, working groups, signatories) that contain it."""
    text = " ".join(text.split())
    if not text:
        return Found([])
    user_model = get_user_model()
    users = list(
        user_model.objects.annotate(
            full=_full_name(),
        )
        .filter(
            Q(username__icontains=text)
            | Q(email__icontains=text)
            | Q(full__icontains=text)
            | Q(last_name__icontains=text)
        )
        .order_by("last_name", "first_name", "username")[:SEARCH_LIMIT]
    )
    parts = []
    for place in installed_places():
        if "name" not in place.matched:
            continue
        rows = place.model_class._base_manager.exclude(name="")
        if "email" in place.matched:
            rows = rows.filter(Q(name__icontains=text) | Q(email__icontains=text)).values_list("name", "email")
        else:
            rows = rows.filter(name__icontains=text).annotate(e=Value("")).values_list("name", "e")
        parts.append(rows.order_by())
    named: dict[tuple[str, str], Person] = {}
    if parts:
        for name, email in parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]:
            key = (name.strip().lower(), (email or "").strip().lower())
            named.setdefault(key, Person(name=name.strip(), email=(email or "").strip()))
    ordered = sorted(named.values(), key=lambda person: (person.name.lower(), person.email.lower()))
    return Found(users, ordered[:SEARCH_LIMIT])


def _full_name():
    return Concat("first_name", Value(" "), "last_name")


# --- The export ------------------------------------------------------------------------------------


def _exported_fields(place: Place, model: type[Model]) -> list:
    secret = {*place.secret, "password"}
    return [f for f in model._meta.concrete_fields if f.name not in secret]


def _plain(value):
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat(timespec="seconds") if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (dict, list)):
        return value
    return str(value)


@dataclass(frozen=True)
class ExportedPlace:
    key: str
    title: str
    purpose: str
    legal_basis: str
    fields: list[str]  # the columns' verbose names, in the order of each row's values
    rows: list[list]

    @property
    def labelled_rows(self) -> list[list[tuple[str, object]]]:
        return [list(zip(self.fields, row, strict=True)) for row in self.rows]


def _export_place(place: Place, person: Person) -> ExportedPlace | None:
    model = place.model_class
    q = person_q(place, person)
    if q is None:
        return None
    columns = _exported_fields(place, model)
    related = [f.name for f in columns if isinstance(f, ForeignKey) and f.related_model is not get_user_model()]
    rows = []
    for obj in model._base_manager.filter(q).select_related(*related).order_by("pk"):
        values = []
        for f in columns:
            if isinstance(f, ForeignKey):
                target = getattr(obj, f.attname)
                if f.related_model is get_user_model():
                    values.append(_link_text(target, person))
                else:
                    values.append(str(getattr(obj, f.name)) if target is not None else None)
            else:
                values.append(_plain(getattr(obj, f.attname)))
        rows.append(values)
    if not rows:
        return None
    return ExportedPlace(
        place.key,
        str(model._meta.verbose_name_plural),
        str(place.purpose),
        str(place.legal_basis),
        [str(f.verbose_name) for f in columns],
        rows,
    )


def _link_text(user_id, person: Person):
    if user_id is None:
        return None
    if person.user is not None and user_id == person.user.pk:
        return str(person)
    return user_id


@dataclass(frozen=True)
class Export:
    person: dict
    made_at: str
    places: list[ExportedPlace]
    changes: list[Change]
    change_count: int

    def as_json(self) -> dict:
        return {
            "person": self.person,
            "made_at": self.made_at,
            "places": [
                {
                    "place": place.key,
                    "title": place.title,
                    "purpose": place.purpose,
                    "legal_basis": place.legal_basis,
                    "rows": [dict(zip(place.fields, row, strict=True)) for row in place.rows],
                }
                for place in self.places
            ],
            "changes": {
                "count": self.change_count,
                "listed": [
                    {
                        "when": _plain(change.when),
                        "what": change.what,
                        "action": change.action,
                        "fields": [c.field for c in change.changes],
                    }
                    for change in self.changes
                ],
            },
        }


def export_for(person: Person) -> Export:
    """Everything the portal holds about ``person``: each place's rows (every field but secrets) and
    the changes in the history made by their account (the newest ``HISTORY_LIMIT``, all counted)."""
    places = [exported for place in installed_places() if (exported := _export_place(place, person))]
    changes: list[Change] = []
    change_count = 0
    if person.user is not None:
        histories = [model._base_manager.filter(history_user=person.user) for model in history_models()]
        changes = change_log(*histories, limit=HISTORY_LIMIT)
        change_count = person_counts(person).get(HISTORY.key, 0)
    description = {"name": person.name, "email": person.email}
    if person.user is not None:
        description |= {"username": person.username, "account": person.user.pk}
    return Export(description, _plain(timezone.now()), places, changes, change_count)


def _parent(model: type[Model]):
    """The row a row belongs to (a council member's municipality, a working-group member's measure)."""
    user_model = get_user_model()
    return next(
        (f for f in model._meta.concrete_fields if f.many_to_one and f.related_model is not user_model),
        None,
    )


def removal_choices(person: Person) -> list[tuple[Place, list[tuple[int, str]]]]:
    """The rows that name ``person`` as text, per place, for the administrator to choose among: each
    row's id and what it reads, with the row it belongs to ("Anna Andersson, Lunds kommun (1. Trygg hemväg)")."""
    found = []
    for place in installed_places():
        if place.on_removal not in (OnRemoval.REPLACE, OnRemoval.DELETE) or not place.matched:
            continue
        if place.always:
            continue  # all the person's (sign-in records, exports): removed without choosing
        parent = _parent(place.model_class)
        rows = named_rows(place, person).order_by("pk")
        if parent is not None:
            rows = rows.select_related(parent.name)
        choices = [
            (row.pk, f"{row} ({getattr(row, parent.name)})" if parent is not None else str(row))
            for row in rows[:SEARCH_LIMIT]
        ]
        if choices:
            found.append((place, choices))
    return found
