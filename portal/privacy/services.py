"""Removing a person's personal data, by hand or when the retention time after deactivation has passed.

``remove_person`` works through every place of the register (``portal.privacy.register``) in one
transaction: the account's names, e-mail and user name are replaced (the name by "Tidigare
användare", in the site's language), its password made unusable, the account inactive, its grants,
sessions, identity links and second factors gone, its API keys revoked; text copies of its name
(an update's author, a review's reviewer) and the rows naming the person as text (council members,
coordinators, working groups, signatories, invitations) replaced, in the rows and in their change
history's copies. Nothing reported is deleted: updates, comments, follow-ups, reviews and reports
keep their content and still point to the same (now anonymous) account, so the change history
stays whole and shows "Tidigare användare" as who made each change. Each removal is a
``PersonRemoval`` row, itself in the change history (who removed, when).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.jobs import enqueue
from core.scoping import forget_scope
from portal.models import ReportStatus, User
from portal.privacy import queries
from portal.privacy.models import PersonExport, PersonRemoval, RemovalReason
from portal.privacy.pdf import render_export
from portal.privacy.queries import Person, named_rows
from portal.privacy.register import OnRemoval, Place, installed_places

logger = logging.getLogger(__name__)

# The job this module starts, by its task name (portal/privacy/tasks.py).
BUILD_EXPORT = "portal.tasks.build_personal_export"


def placeholder() -> str:
    """What a removed person's name becomes: "Tidigare användare", stored in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Former user")


def _placeholder_username(user: User) -> str:
    return f"tidigare-anvandare-{user.pk}"


class AlreadyRemovedError(Exception):
    """The account's personal data has already been removed."""


def remove_person(
    person: Person,
    *,
    by: User | None,
    reason: str = RemovalReason.LEFT,
    chosen: dict[str, set[int]] | None = None,
) -> PersonRemoval:
    """Replace ``person``'s personal data in every place; returns the record of it.

    ``chosen``: of the rows that name the person as text only (``queries.removal_choices``), the ids to
    replace, by place key; None replaces those found by e-mail address (what the retention job does,
    since a name alone may be someone else's). Raises ``AlreadyRemovedError`` for an account removed before.
    """
    with transaction.atomic():
        user = None
        if person.user is not None:
            user = User.objects.select_for_update().get(pk=person.user.pk)
            if user.anonymised_at is not None:
                raise AlreadyRemovedError
            person = Person.of(user)
        changed: dict[str, int] = {}
        removal = _Removal(person, chosen, placeholder(), timezone.now(), by)
        for place in installed_places():
            if place.on_removal == OnRemoval.ACCOUNT:
                continue
            count = _apply(place, removal)
            if count:
                changed[place.key] = count
        if user is not None:
            changed["portal-user"] = 1
            _anonymise_account(user, removal.text, removal.now)
        record = PersonRemoval(person=user, removed_by=by, reason=reason, changed=changed)
        record._history_user = by
        record.save()
    if user is not None:
        forget_scope(user)
    return record


def _chosen_ids(place: Place, person: Person, chosen: dict[str, set[int]] | None) -> list[int]:
    """The ids of the rows naming the person as text that the removal replaces or deletes."""
    if not place.matched:
        return []
    rows = named_rows(place, person)
    if place.always:
        return list(rows.values_list("pk", flat=True))  # all the person's: no choosing
    if chosen is None:
        email = person.email.strip()
        q = Q(pk__in=[])
        for name, attribute in place.matched.items():
            if attribute == "email" and email:
                q |= Q(**{f"{name}__iexact": email})
        return list(place.model_class._base_manager.filter(q).values_list("pk", flat=True))
    return list(rows.filter(pk__in=chosen.get(place.key, ())).values_list("pk", flat=True))


@dataclass(frozen=True)
class _Removal:
    """One removal's constants, handed to each place."""

    person: Person
    chosen: dict[str, set[int]] | None
    text: str
    now: datetime.datetime
    by: User | None


def _apply(place: Place, removal: _Removal) -> int:
    ids = _chosen_ids(place, removal.person, removal.chosen)
    if place.on_removal == OnRemoval.DELETE:
        return _delete(place, removal, ids)
    if place.on_removal == OnRemoval.REVOKE:
        return _revoke(place, removal)
    if place.on_removal == OnRemoval.REPLACE:
        return _replace_linked(place, removal) + _replace_named(place, removal, ids)
    return 0


def _single_links(place: Place) -> list[str]:
    meta = place.model_class._meta
    return [link for link in place.links if not meta.get_field(link).many_to_many]


def _delete(place: Place, removal: _Removal, ids: list[int]) -> int:
    q = Q(pk__in=ids)
    if removal.person.user is not None:
        for link in _single_links(place):
            q |= Q(**{link: removal.person.user})
    rows = place.model_class._base_manager.filter(q)
    if place.history_model is None:
        return rows.delete()[1].get(place.model, 0)
    # One by one, so that each deletion is in the change history (a grant ended, by whom).
    count = 0
    for obj in rows.order_by("pk"):
        obj._history_user = removal.by
        obj.delete()
        count += 1
    return count


def _revoke(place: Place, removal: _Removal) -> int:
    if removal.person.user is None:
        return 0
    rows = place.model_class._base_manager.filter(**{_single_links(place)[0]: removal.person.user})
    return rows.filter(revoked_at__isnull=True).update(revoked_at=removal.now)


def _replace_linked(place: Place, removal: _Removal) -> int:
    """The texts copied from the account (an update's author's name) and the linked rows' cleared fields,
    in the rows and in their history's copies."""
    user = removal.person.user
    if user is None:
        return 0
    manager, history = place.model_class._base_manager, place.history_model
    count = 0
    for copy, link in place.copies.items():
        count += manager.filter(**{link: user}).update(**{copy: removal.text})
        if history is not None:
            history._base_manager.filter(**{f"{link}_id": user.pk}).update(**{copy: removal.text})
    if place.linked_cleared:
        emptied = dict.fromkeys(place.linked_cleared, "")
        for link in _single_links(place):
            if place.ends:
                manager.filter(**{link: user, f"{place.ends}__isnull": True}).update(**{place.ends: removal.now})
            count += manager.filter(**{link: user}).update(**emptied)
            if history is not None:
                history._base_manager.filter(**{f"{link}_id": user.pk}).update(**emptied)
    return count


def _replace_named(place: Place, removal: _Removal, ids: list[int]) -> int:
    """The rows naming the person as text: their names replaced, contact details emptied, history too."""
    if not ids:
        return 0
    manager, history = place.model_class._base_manager, place.history_model
    values = dict.fromkeys(place.replaced_fields, removal.text) | dict.fromkeys(place.cleared, "")
    count = manager.filter(pk__in=ids).update(**values)
    if place.ends:
        manager.filter(pk__in=ids, **{f"{place.ends}__isnull": True}).update(**{place.ends: removal.now})
    if history is not None:
        history._base_manager.filter(id__in=ids).update(**values)
    return count


def _anonymise_account(user: User, text: str, now: datetime.datetime) -> None:
    user.first_name = text
    user.last_name = ""
    user.email = ""
    user.username = _placeholder_username(user)
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.language = settings.LANGUAGE_CODE
    user.notice_choices = {}
    user.deactivated_at = user.deactivated_at or now
    user.anonymised_at = now
    user.save()
    # The admin site's log names the account as it was called when changed there.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)).update(
        object_repr=text
    )


def anonymise_expired_accounts(now: datetime.datetime | None = None) -> int:
    """Remove the personal data of accounts deactivated longer ago than PERSONAL_DATA_RETENTION_DAYS.

    Idempotent and safe when two runs overlap: each account is taken under a row lock (skipping one
    another run holds) and checked again under it; a removed account is never taken again.
    Returns how many accounts this run removed.
    """
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    due = User.objects.filter(is_active=False, anonymised_at__isnull=True, deactivated_at__lt=limit)
    removed = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            user = due.select_for_update(skip_locked=True).filter(pk=pk).first()
            if user is None:
                continue  # another run has it, or has removed it
            remove_person(Person.of(user), by=None, reason=RemovalReason.RETENTION)
            removed += 1
    if removed:
        logger.info("Removed the personal data of %s accounts deactivated before %s", removed, limit.date())
    delete_old_exports(now)
    return removed


# --- A person's export as a PDF, made in the background ----------------------------------------------------


def request_export(person: Person, *, by: User) -> PersonExport:
    """Create the export's row and start the job once the row is committed."""
    with transaction.atomic():
        export = PersonExport.objects.create(person=person.user, name=person.name, email=person.email, requested_by=by)
        enqueue(BUILD_EXPORT, export.pk)
    return export


def build_export(export_id: int) -> None:
    """Produce the export's PDF; a second run for the same row (a re-delivered message) does nothing more."""
    claimed = (
        PersonExport.objects.filter(pk=export_id)
        .exclude(status=ReportStatus.DONE)
        .update(status=ReportStatus.RUNNING, error="")
    )
    if not claimed:
        return
    export = PersonExport.objects.select_related("person").get(pk=export_id)
    person = Person.of(export.person) if export.person is not None else Person(name=export.name, email=export.email)
    try:
        content = render_export(person, queries.export_for(person))
        name = default_storage.save(f"personuppgifter/{uuid.uuid4().hex}.pdf", ContentFile(content))
    except Exception:
        logger.exception("Personal data export %s failed", export_id)
        fail_export(export_id)
        return
    with transaction.atomic():
        done = (
            PersonExport.objects.filter(pk=export_id)
            .exclude(status=ReportStatus.DONE)
            .update(status=ReportStatus.DONE, file=name, finished_at=timezone.now())
        )
        if not done:
            transaction.on_commit(lambda: default_storage.delete(name))


def fail_export(export_id: int) -> None:
    PersonExport.objects.filter(pk=export_id).update(
        status=ReportStatus.FAILED,
        finished_at=timezone.now(),
        error=gettext(
            "The export could not be produced. Ask for a new one; if it fails again, tell the administrators."
        ),
    )


def delete_old_exports(now: datetime.datetime | None = None) -> int:
    """Delete the exports older than PERSONAL_EXPORT_KEEP_DAYS, with their files (they hold personal data)."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.PERSONAL_EXPORT_KEEP_DAYS)
    return PersonExport.objects.filter(created_at__lt=limit).delete()[1].get(PersonExport._meta.label, 0)
