"""The second factor's records: django-otp's devices, with their history in the project's one history.

An authenticator app is a ``TOTPDevice``, the recovery codes one ``StaticDevice`` with a
``StaticToken`` per code. Their history records enrolment, re-enrolment, turning off and a national
administrator's reset (who, when); it leaves out the secret and what changes at every code entered.
"""

import simple_history
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# Changed whenever a code is checked: recording them would fill the history with sign-ins.
_VOLATILE = ["throttling_failure_timestamp", "throttling_failure_count", "last_used_at"]

simple_history.register(
    TOTPDevice,
    app="portal.twofactor",
    excluded_fields=["key", "last_t", "drift", *_VOLATILE],
    cascade_delete_history=False,
)
simple_history.register(StaticDevice, app="portal.twofactor", excluded_fields=_VOLATILE, cascade_delete_history=False)
