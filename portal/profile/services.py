"""Every write of the profile page: the person's name, their e-mail address (after confirmation),
and the mails that confirm it. Sessions are ended by ``portal.services.end_sessions``, API keys
issued and revoked by ``portal.services.issue_token`` / ``revoke_token``."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.jobs import enqueue
from core.mail import Addressee, compose, site_url
from portal.models import User
from portal.profile.models import EmailChange
from portal.profile.queries import email_taken, link_token


@transaction.atomic
def save_name(user: User, *, first_name: str, last_name: str) -> User:
    user.first_name = first_name
    user.last_name = last_name
    user.save(update_fields=["first_name", "last_name"])
    return user


@transaction.atomic
def request_email_change(user: User, new_email: str) -> EmailChange:
    """Ask to use ``new_email``: a link to confirm it goes to that address, a notice to the current
    one (by a job, after commit). An earlier request still waiting is cancelled: its link stops working."""
    now = timezone.now()
    for earlier in EmailChange.objects.filter(user=user).pending().select_for_update():
        earlier.cancelled_at = now
        earlier.save(update_fields=["cancelled_at"])
    change = EmailChange.objects.create(user=user, old_email=user.email, new_email=new_email)
    enqueue("portal.tasks.send_email_change_mails", change.pk)
    return change


def send_email_change_mails(change: EmailChange) -> None:
    """The link to the new address (no account's address yet: an ``Addressee``) and, to the old
    address, the notice that a change was asked for. Nothing once the request is used or cancelled."""
    user = change.user
    if change.confirmed_at or change.cancelled_at or not user.is_active:
        return
    context = {
        "person": user,
        "new_email": change.new_email,
        "old_email": change.old_email,
        "link": site_url() + reverse("portal:email_confirm", kwargs={"token": link_token(change)}),
        "hours": settings.EMAIL_CHANGE_LINK_HOURS,
        "profile_link": site_url() + reverse("portal:profile"),
    }
    name = user.get_full_name() or user.username
    compose(
        "profile/email/email_change_confirm",
        context,
        Addressee(email=change.new_email, name=name, language=user.language),
    ).send()
    if change.old_email:
        compose(
            "profile/email/email_change_requested",
            context,
            Addressee(email=change.old_email, name=name, language=user.language),
        ).send()


class Outcome(StrEnum):
    CONFIRMED = "confirmed"
    USED = "used"  # confirmed or cancelled before
    TAKEN = "taken"  # the address became another active account's meanwhile


@transaction.atomic
def confirm_email_change(change: EmailChange) -> Outcome:
    """Make the request's new address the person's, once. An address another active account has
    taken meanwhile cancels the request instead (checked, and caught from the database's constraint)."""
    change = EmailChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    if change.confirmed_at or change.cancelled_at:
        return Outcome.USED
    user = change.user
    now = timezone.now()
    taken = email_taken(change.new_email, user)
    if not taken:
        user.email = change.new_email
        try:
            with transaction.atomic():
                user.save(update_fields=["email"])
        except IntegrityError:
            taken = True
    if taken:
        change.cancelled_at = now
        change.save(update_fields=["cancelled_at"])
        return Outcome.TAKEN
    change.confirmed_at = now
    change.save(update_fields=["confirmed_at"])
    return Outcome.CONFIRMED
