from django import template

from municipalities.models import ComplianceState

register = template.Library()


@register.inclusion_tag("municipalities/_state.html")
def state_badge(state: str):
    """A compliance state as text on a colour: the colour is never the only signal."""
    return {"state": state, "label": ComplianceState(state).label}


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with ``changes`` applied, for sort links that keep the filters."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()
