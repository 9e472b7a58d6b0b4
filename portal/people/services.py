"""Writes of the people of a county: invitations, grants, deactivated accounts.

Who may do what (checked here too, whatever the form let through): a county's coordinators
bring people into their county with the roles within it (municipal officer of its municipalities,
contact of an actor working there, steering group member); national administrators also with the
coordinator's role, in any county. Nobody grants outside a county they manage. The last
coordinator of a county is removed by a national administrator only.

Each grant given or taken away is in the grants' history (who, to whom, what, when) and the person
concerned is told by e-mail (notice kind ``grant_change``, which cannot be turned off).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import Actor
from core.jobs import enqueue
from core.mail import Addressee, compose, site_url
from core.notices import Delivery, NoticeKind, notify, send_once
from core.roles import Role
from core.scoping import forget_scope
from portal.models import ApiToken, Grant, Invitation, User, token_hash
from portal.people import queries
from portal.services import end_sessions

GRANT_CHANGE = "grant_change"
NOTICE_KIND = NoticeKind(
    GRANT_CHANGE,
    gettext_lazy("Changes to your roles"),
    gettext_lazy("When you are given a role in the portal or a role of yours is taken away."),
    choices=(Delivery.AT_ONCE,),
    order=5,
)
SEND_INVITATION = "portal.people.tasks.send_invitation"
SEND_GRANT_NOTICE = "portal.people.tasks.send_grant_notice"


class InvitationNotUsableError(Exception):
    """The invitation was accepted, revoked or has expired; ``state`` says which."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


@dataclass(frozen=True)
class Target:
    """What a person is to hold within one county: a role and, for it, municipalities or an actor."""

    county: object
    role: str
    municipalities: tuple = ()
    actor: Actor | None = None

    def grant_fields(self) -> list[dict]:
        if self.role == Role.MUNICIPAL_OFFICER:
            return [{"municipality": municipality} for municipality in self.municipalities]
        if self.role == Role.ACTOR_CONTACT:
            return [{"actor": self.actor, "county": self.county}]
        return [{"county": self.county}]


@dataclass
class InviteOutcome:
    """``invitation`` when an invitation was sent; ``user`` and ``grants`` when the address had an account."""

    invitation: Invitation | None = None
    user: User | None = None
    grants: list[Grant] = field(default_factory=list)


def check_target(by: User, target: Target) -> None:
    """PermissionDenied unless ``by`` may give ``target``; ValidationError when the target is incomplete."""
    manager = queries.manager(by)
    if not manager.manages(target.county) or target.role not in manager.grantable_roles():
        raise PermissionDenied
    if target.role == Role.MUNICIPAL_OFFICER:
        if not target.municipalities:
            raise ValidationError({"municipalities": _("Choose at least one municipality.")})
        if any(municipality.county_id != target.county.pk for municipality in target.municipalities):
            raise PermissionDenied
    elif target.role == Role.ACTOR_CONTACT:
        if target.actor is None:
            raise ValidationError({"actor": _("Choose the actor the person is a contact of.")})
        if target.actor.county_id not in (None, target.county.pk):
            raise PermissionDenied
    elif target.municipalities or target.actor is not None:
        raise ValidationError(_("This role has no municipality or actor."))


def _give(user: User, target: Target, *, by: User | None) -> list[Grant]:
    """The target's grants the user does not hold yet, made; recorded as given by ``by``."""
    made = []
    for fields in target.grant_fields():
        if Grant.objects.filter(user=user, role=target.role, **fields).exists():
            continue
        grant = Grant(user=user, role=target.role, **fields)
        grant._history_user = by
        grant.save()
        made.append(grant)
    forget_scope(user)
    return made


NOTICE_TEMPLATES = {
    "given": "people/email/grant_given",
    "removed": "people/email/grant_removed",
    "inactive": "people/email/account_deactivated",
}


def _tell(user: User, stage: str, object_id: int, description: str, by: User | None) -> None:
    """Start the job that tells the person (after the commit)."""
    enqueue(SEND_GRANT_NOTICE, user.pk, stage, object_id, str(description), by.pk if by else None)


def send_grant_notice(user_id: int, stage: str, object_id: int, description: str, by_id: int | None) -> bool:
    """E-mail the person that a role was given (``given``) or taken away (``removed``), or that their
    account was deactivated (``inactive``: written to the address of the account, now inactive)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email or stage not in NOTICE_TEMPLATES:
        return False
    by = User.objects.filter(pk=by_id).first() if by_id else None
    context = {"description": description, "by": by}
    occasion = {"kind": GRANT_CHANGE, "object_id": object_id, "due_date": timezone.localdate(), "stage": stage}
    if stage == "inactive":
        addressee = Addressee(email=user.email, name=user.get_full_name() or user.username, language=user.language)
        message = compose(NOTICE_TEMPLATES[stage], {**context, "link": site_url() + reverse("login")}, addressee)
        return send_once(message, recipient=user, **occasion)
    return notify(
        user, template=NOTICE_TEMPLATES[stage], context=context, link=site_url() + reverse("portal:home"), **occasion
    )


@transaction.atomic
def invite(*, by: User, target: Target, email: str, first_name: str, last_name: str) -> InviteOutcome:
    """Invite a person into the county with the target role, or, when the address has an active
    account, give that account the grants (no second account)."""
    check_target(by, target)
    email = email.strip()
    existing = queries.account_for_email(email)
    if existing is not None:
        grants = _give(existing, target, by=by)
        for grant in grants:
            _tell(existing, "given", grant.pk, grant.describe(), by)
        return InviteOutcome(user=existing, grants=grants)
    invitation = Invitation(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        county=target.county,
        role=target.role,
        actor=target.actor,
        invited_by=by,
        # No usable link until the job that e-mails it makes one (``send_invitation``).
        token_hash=token_hash(secrets.token_urlsafe(32)),
        expires_at=_expiry(),
    )
    invitation._history_user = by
    invitation.save()
    if target.municipalities:
        invitation.municipalities.set(target.municipalities)
    enqueue(SEND_INVITATION, invitation.pk, invitation.send_count)
    return InviteOutcome(invitation=invitation)


def _expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=queries.invitation_lifetime_days())


@transaction.atomic
def resend_invitation(invitation: Invitation, *, by: User) -> Invitation:
    """Send the invitation again with a new link (the earlier one stops working) and a new expiry."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationNotUsableError(invitation.state)
    invitation.token_hash = token_hash(secrets.token_urlsafe(32))
    invitation.send_count += 1
    invitation.sent_at = timezone.now()
    invitation.expires_at = _expiry()
    invitation._history_user = by
    invitation.save()
    enqueue(SEND_INVITATION, invitation.pk, invitation.send_count)
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by: User) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise InvitationNotUsableError(invitation.state)
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation._history_user = by
    invitation.save()
    return invitation


@transaction.atomic
def send_invitation(invitation_id: int, send_count: int) -> bool:
    """E-mail the invitation's link, once per sending (``send_count``); True when this call sent it.

    The token is made here, in the job, and only its hash is stored: the link exists in the e-mail
    alone. A later sending (resent) or a revoked, accepted or expired invitation sends nothing.
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("county", "actor", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.send_count != send_count or invitation.mailed_count >= send_count:
        return False
    if not invitation.is_usable:
        return False
    raw_token = secrets.token_urlsafe(32)
    invitation.token_hash = token_hash(raw_token)
    invitation.mailed_count = send_count
    invitation.save(update_fields=["token_hash", "mailed_count"])
    inviter = invitation.invited_by
    addressee = Addressee(
        email=invitation.email,
        name=invitation.name,
        language=getattr(inviter, "language", "") or "",
    )
    message = compose(
        "people/email/invitation",
        {
            "invitation": invitation,
            "municipalities": list(invitation.municipalities.all()),
            "link": site_url() + reverse("people:accept", args=[raw_token]),
        },
        addressee,
    )
    # Sent inside the transaction: a failure to send leaves the sending undone, and the job's retry
    # makes a new link and sends again.
    message.send()
    return True


def _free_username(email: str) -> str:
    base = email.strip().lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def accept_invitation(invitation: Invitation, *, password: str | None = None) -> User:
    """Accept the invitation: the account is made (or, when its address has an active account by now,
    that account is given the grants), the invitation is used up. With ``password`` None the new
    account gets an unusable password: the person signs in through an identity provider.

    ``InvitationNotUsableError`` when it was accepted, revoked or has expired meanwhile.
    """
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _accept(invitation, password)
        except IntegrityError:
            # Another account got the address between the check and the insert: accept into that one.
            if attempt == 2 or queries.account_for_email(invitation.email) is None:
                raise
    raise AssertionError("unreachable")


def _accept(invitation: Invitation, password: str | None) -> User:
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("county", "actor").get(pk=invitation.pk)
    )
    if not invitation.is_usable:
        raise InvitationNotUsableError(invitation.state)
    user = User.objects.select_for_update().filter(is_active=True, email__iexact=invitation.email).first()
    if user is None:
        user = User(
            username=_free_username(invitation.email),
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            language=getattr(invitation.invited_by, "language", "") or User._meta.get_field("language").default,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    elif password and not user.has_usable_password():
        user.set_password(password)
        user.save(update_fields=["password"])
    target = Target(
        county=invitation.county,
        role=invitation.role,
        municipalities=tuple(invitation.municipalities.all()),
        actor=invitation.actor,
    )
    _give(user, target, by=invitation.invited_by)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation._history_user = user
    invitation.save()
    return user


@transaction.atomic
def add_grant(*, by: User, user: User, target: Target) -> list[Grant]:
    """Give a person of the county another role within it (e-mailed to them)."""
    check_target(by, target)
    if not user.is_active:
        raise ValidationError(_("The account is deactivated."))
    grants = _give(user, target, by=by)
    for grant in grants:
        _tell(user, "given", grant.pk, grant.describe(), by)
    return grants


def _check_keeps_a_coordinator(by: User, county, **without) -> None:
    if queries.manager(by).national:
        return
    if queries.coordinators_left(county, **without) == 0:
        raise ValidationError(
            _("%(county)s would have no coordinator left: a national administrator can make this change.")
            % {"county": county}
        )


@transaction.atomic
def remove_grant(*, by: User, grant: Grant, county) -> None:
    """Take one role within the county away from its holder (recorded, e-mailed to them)."""
    grant = (
        Grant.objects.select_for_update(of=("self",))
        .select_related("user", "municipality", "actor", "county")
        .get(pk=grant.pk)
    )
    if not Grant.objects.filter(pk=grant.pk).filter(queries.in_county_q(county.pk)).exists():
        raise PermissionDenied
    manager = queries.manager(by)
    if not manager.manages(county):
        raise PermissionDenied
    if grant.role == Role.COUNTY_COORDINATOR:
        _check_keeps_a_coordinator(by, county, without_grant=grant)
    user = grant.user
    _tell(user, "removed", grant.pk, grant.describe(), by)
    grant._history_user = by
    grant.delete()
    forget_scope(user)


def end_sessions_and_keys(user: User) -> None:
    """End every session of the account and revoke its API keys, at once."""
    end_sessions(user)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def deactivate_account(*, by: User, user: User, county) -> User:
    """Deactivate a person's account: they can no longer sign in; sessions and API keys end at once.

    A coordinator deactivates only accounts whose every role is within their county (a person who
    also works elsewhere loses only this county's roles, one by one), never their own.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    manager = queries.manager(by)
    if not manager.manages(county):
        raise PermissionDenied
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not manager.national and queries.grants_outside(user, county).exists():
        raise ValidationError(
            _("The person also has roles outside %(county)s: remove the county's roles instead.") % {"county": county}
        )
    if not user.is_active:
        return user
    if user.grants.filter(role=Role.COUNTY_COORDINATOR, county=county).exists():
        _check_keeps_a_coordinator(by, county, without_user=user)
    _tell(user, "inactive", user.pk, str(county), by)
    user.is_active = False
    user.deactivated_at = timezone.now()
    user._history_user = by
    user.save(update_fields=["is_active", "deactivated_at"])
    end_sessions_and_keys(user)
    forget_scope(user)
    return user
