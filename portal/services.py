"""Domain operations of the portal itself: accounts, roles and account e-mail."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template import loader
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from user_sessions.models import Session

from actions.models import Actor
from core.jobs import enqueue
from core.roles import Role
from core.scoping import forget_scope, grants_for
from municipalities.models import County, Municipality
from portal.models import ROLE_SCOPE_FIELDS, ApiToken, Grant, User


@dataclass(frozen=True)
class ScopeRequest:
    """The scope a new grant is for, by public codes and names (as typed by a person)."""

    county_code: str | None = None
    municipality_codes: tuple[str, ...] = ()
    actor_name: str | None = None


def _resolve_grants(role: str, scope: ScopeRequest) -> list[dict]:
    """The grant rows (as field dicts) that ``role`` within ``scope`` needs, or ValidationError."""
    needed = ROLE_SCOPE_FIELDS[role]
    county = None
    if scope.county_code:
        county = County.objects.filter(code=scope.county_code).first()
        if county is None:
            raise ValidationError(_("No county has the code %(code)s.") % {"code": scope.county_code})
    if "municipality" in needed:
        if not scope.municipality_codes:
            raise ValidationError(_("A municipal officer needs at least one municipality code."))
        found = {m.code: m for m in Municipality.objects.filter(code__in=scope.municipality_codes)}
        missing = [code for code in scope.municipality_codes if code not in found]
        if missing:
            raise ValidationError(_("No municipality has the code %(codes)s.") % {"codes": ", ".join(missing)})
        return [{"municipality": found[code]} for code in scope.municipality_codes]
    if "actor" in needed:
        if not (scope.actor_name and county):
            raise ValidationError(_("An actor contact needs an actor and the county they act in."))
        actor = (
            Actor.objects.filter(Q(county=county) | Q(county__isnull=True), name=scope.actor_name)
            .order_by("county")
            .first()
        )
        if actor is None:
            raise ValidationError(
                _("No actor named %(name)s works in %(county)s.") % {"name": scope.actor_name, "county": county}
            )
        return [{"actor": actor, "county": county}]
    if "county" in needed:
        if county is None:
            raise ValidationError(_("This role needs a county code."))
        return [{"county": county}]
    return [{}]


@transaction.atomic
def create_user_with_role(
    *,
    username: str,
    role: str,
    scope: ScopeRequest,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create (or update) a user and give them ``role`` within ``scope``.

    Running it again for the same user adds the grant once; the password is only
    replaced when one is given. National administrators also get the admin site.
    """
    if role not in ROLE_SCOPE_FIELDS:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    grant_fields = _resolve_grants(role, scope)
    if email and User.objects.filter(is_active=True, email__iexact=email).exclude(username=username).exists():
        raise ValidationError(
            _("Another active account already has the e-mail address %(email)s: give the role to that account.")
            % {"email": email}
        )
    user, _created = User.objects.get_or_create(username=username)
    user.email = email or user.email
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    if role == Role.NATIONAL_ADMIN:
        user.is_staff = True
        user.is_superuser = True
    if password:
        user.set_password(password)
    elif not user.has_usable_password() and _created:
        user.set_unusable_password()
    user.save()
    for fields in grant_fields:
        Grant.objects.get_or_create(user=user, role=role, **fields)
    forget_scope(user)
    return user


def describe_scope(user: User) -> list[str]:
    """The user's grants as readable sentence fragments, for the header and start page."""
    return [grant.describe() for grant in grants_for(user)]


def send_password_reset_email(user: User, *, domain: str, use_https: bool, language: str) -> None:
    """Send ``user`` a link to choose a new password, in ``language``."""
    if not (user.is_active and user.has_usable_password() and user.email):
        return
    with translation.override(language):
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": "Trygghetsportalen",
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if use_https else "http",
        }
        subject = "".join(loader.render_to_string("registration/password_reset_subject.txt", context).splitlines())
        body = loader.render_to_string("registration/password_reset_email.txt", context)
    EmailMultiAlternatives(subject, body, to=[user.email]).send()


def request_password_reset(email: str, *, domain: str, use_https: bool, language: str) -> None:
    """Start the job that e-mails a reset link to each active account with ``email``."""
    for user in users_for_password_reset(email):
        enqueue("portal.tasks.send_password_reset_email", user.pk, domain, use_https, language)


def users_for_password_reset(email: str) -> Iterable[User]:
    return User.objects.filter(email__iexact=email, is_active=True)


# --- API keys --------------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    """What is stored of an API key, and what a request's key is looked up by."""
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its key (which is not stored)."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key), prefix=key[:8])
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def save_profile_settings(user: User, *, language: str, notice_choices: dict[str, str]) -> User:
    """Store the person's language and how they get each kind of notice."""
    user.language = language
    user.notice_choices = {**user.notice_choices, **notice_choices}
    user.save(update_fields=["language", "notice_choices"])
    return user


# --- Sessions (django-user-sessions: each session row knows its user) ------------------------------


def end_sessions(user: User, except_key: str | None = None) -> int:
    """End every session of ``user`` but the one whose key is ``except_key`` (the caller's own, to
    stay signed in there); those browsers are signed out at their next request. Returns how many ended.

    Called from the profile page ("Logga ut övriga sessioner") and wherever an account must be
    signed out everywhere (its deactivation: ``except_key=None``)."""
    sessions = Session.objects.filter(user=user)
    if except_key:
        sessions = sessions.exclude(session_key=except_key)
    count, _per_model = sessions.delete()
    return count


def end_session(session: Session) -> None:
    """End one session (fetched among its user's own by the caller)."""
    session.delete()
