"""django-otp's own admin pages are taken off the admin site: they would show anyone with staff access
a person's secret key (its QR code) and delete devices without the history's reason or the person's
e-mail. A national administrator resets a person's second factor from the person's page instead
(``templates/admin/portal/user/change_form.html`` links to ``twofactor:reset``)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
