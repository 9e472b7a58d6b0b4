"""Every write of the second factor: the passed step, enrolment, recovery codes, turning off and reset."""

import datetime
import enum

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from core.mail import site_url
from core.models import Reminder
from core.notices import Delivery, NoticeKind, notify
from portal.services import end_sessions

from .queries import PENDING_SESSION_KEY, VERIFIED_SESSION_KEY

METHODS = ("totp", "recovery", "provider")
RECOVERY_CODE_COUNT = 10
# The key of the app being set up, until its first code confirms it.
ENROLMENT_SESSION_KEY = "twofactor.enrolling"
RESET_NOTICE = "twofactor_reset"
# A security notice: it cannot be turned off or gathered in the digest.
RESET_NOTICE_KIND = NoticeKind(
    RESET_NOTICE,
    _("Changes to your second factor"),
    _("When a national administrator resets your two-step verification. This e-mail cannot be turned off."),
    choices=(Delivery.AT_ONCE,),
    order=90,
)
# What the history records as each change's reason (``history_change_reason``; see ``queries.REASON_LABELS``).
REASONS = {
    "enrolled": "enrolled",
    "replaced": "replaced",
    "disabled": "disabled",
    "reset": "reset",
    "codes": "codes",
}


def mark_verified(request, method: str, *, device=None) -> None:
    """Mark this session's second step as done by ``method`` ("totp", "recovery" or "provider").

    Call it after ``django.contrib.auth.login`` (which may start a fresh session). ``device`` is the
    django-otp device that accepted the code ("provider", an identity provider that asserted
    multi-factor, has none). It is named in the session but not handed to ``django_otp.login``: the
    session's mark is what the portal asks, and django-otp's would cost every page a query for the device.
    """
    if method not in METHODS:
        raise ValueError(f"unknown second-factor method {method!r}")
    marked = {"user": request.user.pk, "method": method}
    if device is not None:
        marked["device"] = device.persistent_id
    request.session[VERIFIED_SESSION_KEY] = marked
    request.session.pop(PENDING_SESSION_KEY, None)


def note_sign_in(request, user, has_device: bool) -> None:
    """At sign-in: a person with an authenticator app owes this session the second step."""
    if has_device:
        request.session[PENDING_SESSION_KEY] = user.pk
    else:
        request.session.pop(PENDING_SESSION_KEY, None)


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


class StepResult(enum.Enum):
    PASSED = "passed"
    WRONG = "wrong"
    WAIT = "wait"
    LOCKED = "locked"


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def is_locked_out(request, user) -> bool:
    """Whether django-axes has locked this person's account at this address (wrong passwords or codes)."""
    return AxesProxyHandler.is_locked(request, _credentials(user))


def _quietly(device, action):
    """Run ``action`` (a django-otp check that saves the device) without a history record of its own."""
    device.skip_history_when_saving = True
    try:
        return action()
    finally:
        del device.skip_history_when_saving


def _could_accept(device, code: str) -> bool:
    """Whether ``device`` would accept ``code``, without recording anything (no failure on the others)."""
    if isinstance(device, TOTPDevice):
        check = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return check.verify(int(code), device.tolerance, device.last_t + 1)
    return device.token_set.filter(token=code).exists()


def pass_step(request, code: str) -> StepResult:
    """Check a code from the authenticator app or a recovery code (each works once) for ``request.user``.

    A wrong code counts as a failed sign-in for django-axes (the same lock as wrong passwords) and
    makes django-otp's device wait before the next try (1, 2, 4 … seconds, kept across sign-ins).
    Of several devices (apps on two phones), the one whose code it is is found before any is charged.
    """
    user = request.user
    if is_locked_out(request, user):
        return StepResult.LOCKED
    code = normalise_code(code)
    model = TOTPDevice if code.isdigit() else StaticDevice
    devices = [device for device in model.objects.filter(user=user, confirmed=True) if device.verify_is_allowed()[0]]
    if not devices and model.objects.filter(user=user, confirmed=True).exists():
        return StepResult.WAIT
    for device in devices:
        if not _could_accept(device, code):
            continue
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=device.pk)
            if _quietly(locked, lambda locked=locked: locked.verify_token(code)):
                mark_verified(request, "totp" if model is TOTPDevice else "recovery", device=locked)
                AxesProxyHandler.reset_attempts(username=user.get_username())
                return StepResult.PASSED
    for device in devices:
        _quietly(device, device.throttle_increment)
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return StepResult.LOCKED if is_locked_out(request, user) else StepResult.WRONG


def app_being_set_up(request) -> TOTPDevice:
    """The authenticator app being set up, not saved: its key waits in the session until the app's
    first code confirms it, so a reload shows the same secret and showing the page writes no row."""
    key = request.session.get(ENROLMENT_SESSION_KEY)
    if not (isinstance(key, str) and len(key) == 40):
        key = random_hex(20)
        request.session[ENROLMENT_SESSION_KEY] = key
    return TOTPDevice(user=request.user, key=key, name=str(_("Authenticator app")), confirmed=False)


def _new_recovery_codes(user, reason: str) -> list[str]:
    for old in StaticDevice.objects.filter(user=user):
        old._change_reason = reason
        old.delete()
    device = StaticDevice(user=user, name=str(_("Recovery codes")), confirmed=True)
    device._change_reason = reason
    device.save()
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_enrolment(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Save the app once its first code is right: it replaces any earlier app, the person gets new
    recovery codes (returned, to be shown once) and this session has passed the step. None: the code is wrong."""
    user = request.user
    code = normalise_code(code)
    check = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if not code.isdigit() or not check.verify(int(code), device.tolerance):
        return None
    with transaction.atomic():
        replaced = False
        for old in TOTPDevice.objects.filter(user=user):
            replaced = replaced or old.confirmed
            old._change_reason = REASONS["replaced"]
            old.delete()
        device.confirmed = True
        device.last_t = check.t()  # the confirming code does not work a second time
        device._change_reason = REASONS["replaced" if replaced else "enrolled"]
        device.save()
        codes = _new_recovery_codes(user, REASONS["enrolled"])
    request.session.pop(ENROLMENT_SESSION_KEY, None)
    mark_verified(request, "totp", device=device)
    # Sessions signed in with the password alone end: from now on a sign-in asks for the code.
    end_sessions(user, except_key=request.session.session_key)
    return codes


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    """New recovery codes for ``user``; the earlier ones stop working."""
    return _new_recovery_codes(user, REASONS["codes"])


def _remove_devices(user, reason: str) -> int | None:
    """Remove the person's app and codes; the id of the history record of the app's removal (None: nothing removed)."""
    removed = False
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user):
            device._change_reason = reason
            device.delete()
            removed = True
    if not removed:
        return None
    record = TOTPDevice.history.filter(user_id=user.pk, history_type="-").order_by("-history_id").first()
    return record.history_id if record else StaticDevice.history.filter(user_id=user.pk).latest("history_id").history_id


@transaction.atomic
def disable_second_factor(user) -> None:
    """The person turns off their own second factor: the app and the recovery codes are removed."""
    _remove_devices(user, REASONS["disabled"])


def reset_second_factor(person, *, by) -> bool:
    """A national administrator removes ``person``'s app and recovery codes (recorded as ``by``'s change,
    through the history middleware), and ``person`` is told by e-mail after commit. False: nothing to reset."""
    with transaction.atomic():
        record_id = _remove_devices(person, REASONS["reset"])
    if record_id is None:
        return False
    now = timezone.now()
    transaction.on_commit(lambda: _send_reset_notice(person, by, now, record_id))
    return True


def _send_reset_notice(person, by, when: datetime.datetime, record_id: int) -> None:
    notify(
        person,
        kind=RESET_NOTICE,
        template="twofactor/email/reset",
        context={"person": person, "by": by, "when": when},
        link=site_url() + reverse("twofactor:manage"),
        # One notice per reset: the history record of the removed app names it.
        object_id=record_id,
        due_date=timezone.localdate(when),
        stage=Reminder.Stage.CHANGED,
    )
