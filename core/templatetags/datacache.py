"""``{% datacache "name" county=<id> <vary> … %}…{% enddatacache %}``: a part of a page rendered once per
data version of the county (``core.caching``), its language and the ``vary`` values, and read from the cache
until a write to the county's data changes it.

The view hands the part's expensive data lazily (``core.caching.lazy``), so a page whose part is in the cache
computes nothing for it. What the part shows must be the same for everyone who gets it with the same ``vary``:
pass what it depends on of the request or the user (the query string, a permission, the user's
``Scope.audience`` for the county) as ``vary``; today's date is always part of the key. A part
never holds a CSRF token (a form that posts): rendering one is an error, so it cannot be cached for others.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, Node, NodeList
from django.utils import timezone

from core import caching

register = template.Library()


class DataCacheNode(Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, county: FilterExpression, vary: list) -> None:
        self.nodelist, self.name, self.county, self.vary = nodelist, name, county, vary

    def render(self, context) -> str:
        name = self.name.resolve(context)
        county = self.county.resolve(context)
        county_id = getattr(county, "pk", county)
        vary = tuple(str(getattr(value, "pk", value)) for value in (v.resolve(context) for v in self.vary))
        # Today's date too: parts say what is overdue or due soon.
        vary += (timezone.localdate().isoformat(),)

        def render_part() -> str:
            html = self.nodelist.render(context)
            if "csrfmiddlewaretoken" in html:
                raise template.TemplateSyntaxError(f"The cached part {name!r} holds a form that posts (a CSRF token)")
            return html

        return caching.cached(f"part:{name}", [caching.county_scope(county_id)], render_part, vary=vary)


@register.tag("datacache")
def datacache(parser, token) -> DataCacheNode:
    bits = token.split_contents()[1:]
    if len(bits) < 2 or not bits[1].startswith("county="):
        raise template.TemplateSyntaxError('Usage: {% datacache "name" county=<county or id> [vary …] %}')
    nodelist = parser.parse(("enddatacache",))
    parser.delete_first_token()
    name = parser.compile_filter(bits[0])
    county = parser.compile_filter(bits[1].removeprefix("county="))
    return DataCacheNode(nodelist, name, county, [parser.compile_filter(bit) for bit in bits[2:]])
