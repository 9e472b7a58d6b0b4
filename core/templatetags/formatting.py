"""Template filters for the portal's numbers and long texts (core/formatting.py): ``{% load formatting %}``.

- ``{{ summary.progress|percent }}``: 18 %
- ``{{ indicator.baseline|measure_value:indicator }}``: 31,4 %
- ``{{ plan.description|shortened }}``: the first paragraph, at most 300 characters
- ``<time datetime="{{ change.when|iso_datetime }}">``: to the second, with the UTC offset
"""

from django import template

from core import formatting

register = template.Library()


@register.filter
def percent(value) -> str:
    return formatting.percent(value)


@register.filter
def measure_value(value, indicator) -> str:
    return formatting.measure_value(value, indicator)


@register.filter
def shortened(text) -> str:
    return formatting.shortened(text)


@register.filter
def iso_datetime(value) -> str:
    return formatting.iso_datetime(value)
