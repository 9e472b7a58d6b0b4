"""Moments as machines read them: ``{% load timestamps %}``.

    <time datetime="{{ change.when|iso_datetime }}">{{ change.when|date:"Y-m-d H:i" }}</time>

HTML's ``datetime`` attribute takes at most three decimals of a second, and Django's ``date:"c"``
writes Python's six (``21:05:49.563037+01:00``), which the W3C checker rejects. Every
``<time datetime>`` of a moment goes through this one filter: local time to the second, with its
UTC offset (``2026-12-01T21:05:49+01:00``); a date is written as a date.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
