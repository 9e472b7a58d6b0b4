"""The API documentation page (``/api/docs/``): the OpenAPI schema drf-spectacular generates, as a page.

The page is built on the server from the same schema ``/api/schema/`` serves, so the two never
disagree: every operation, parameter, response and field comes from the schema; this module only
adds the words. The words are the portal's own (English msgids, Swedish in the catalogue), so the
page follows the language switch like every other page.

The schema itself stays in English, whatever the language of the page: it is read by programs and
by developers everywhere, it is the same document for every caller (cacheable, no ``Vary``), and the
API's error messages are English too. A parameter, field or resource this module has no words for
is shown with the schema's English description, marked ``lang="en"`` (``tests/api/test_docs.py``
fails until it gets its words).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import SimpleRateThrottle

from core.formatting import format_number
from portal.api.policies import Pagination

# --- The words ----------------------------------------------------------------------------------

# The resources in the order of the router, each with its title and what it holds.
RESOURCES = {
    "counties": (_("Counties"), _("The counties (län) with their SCB codes and names.")),
    "municipalities": (
        _("Municipalities"),
        _(
            "The municipalities with their county and local police area, their compliance with "
            "Lag (2023:196) and their latest key figures."
        ),
    ),
    "plans": (
        _("Regional action plans"),
        _("The counties' regional action plans with their measures, each measure's status and progress."),
    ),
    "pledges": (_("Citizen pledges"), _("Municipalities' citizen pledges (medborgarlöften) with their commitments.")),
    "agreements": (
        _("Cooperation agreements"),
        _("Cooperation agreements between municipalities and the Police, with their focus areas."),
    ),
}

OPERATIONS = {
    "counties_list": _("All counties, ordered by code."),
    "counties_retrieve": _("One county, by its two-digit SCB code."),
    "municipalities_list": _("Municipalities, ordered by code; filter by county."),
    "municipalities_retrieve": _("One municipality, by its four-digit SCB code."),
    "plans_list": _(
        "Action plans, the newest period first; filter by county and period. Each plan nests all its measures "
        "(deprecated for large plans): with nested=false it does not, and its measures are read, paged, from "
        "its measures' address."
    ),
    "plans_retrieve": _("One action plan, by its id."),
    "plans_measures_list": _(
        "One action plan's measures by number, paged; filter by status, actor and flag as on the plan page."
    ),
    "pledges_list": _(
        "Citizen pledges by municipality, the newest period first; filter by county, municipality and period. "
        "Each pledge nests all its commitments (deprecated): with nested=false it does not, and its commitments "
        "are read, paged, from its commitments' address."
    ),
    "pledges_retrieve": _("One citizen pledge, by its id."),
    "pledges_commitments_list": _("One citizen pledge's commitments in their order, paged; filter by status."),
    "agreements_list": _(
        "Cooperation agreements by municipality, the newest first; filter by county, municipality and period "
        "(agreements run by whole years)."
    ),
    "agreements_retrieve": _("One cooperation agreement, by its id."),
}

QUERY_PARAMETERS = {
    "county": _("Two-digit SCB county code, e.g. 12 (Skåne)."),
    "municipality": _("Four-digit SCB municipality code, e.g. 1281 (Lund)."),
    "page": _("The page to return, from 1."),
    "page_size": _("Rows per page, 1–%(max)s (default %(default)s)."),
    "period_from": _("ISO date: only rows whose period ends on or after it."),
    "period_to": _("ISO date: only rows whose period starts on or before it."),
    "nested": _("false leaves out each object's nested rows (read them, paged, from their own address); default true."),
    "status": _("Only rows with this status code; for measures, none: no update yet."),
    "actor": _("Only measures this actor (by its id) leads or takes part in."),
    "flag": _("overdue: a milestone is past its due date; stale: no recent update."),
}

# The path parameter of each resource's single-object address.
PATH_PARAMETERS = {
    "counties": _("Two-digit SCB county code."),
    "municipalities": _("Four-digit SCB municipality code."),
    "plans": _("The plan's id."),
    "pledges": _("The pledge's id."),
    "agreements": _("The agreement's id."),
}

LOCATIONS = {
    "query": pgettext_lazy("API documentation", "query string"),
    "path": pgettext_lazy("API documentation", "path"),
}

RESPONSES = {
    "200": _("The answer, as JSON."),
    "400": _("A query parameter is invalid; the error names it."),
    "401": _("The key is unknown or revoked."),
    "404": _("No such object, or not one the caller may read."),
    "429": _("Too many requests: wait the number of seconds in the Retry-After header."),
}

# The objects the API returns: the title of each one's field table.
COMPONENTS = {
    "County": _("County"),
    "Municipality": _("Municipality"),
    "Compliance": _("Compliance with an obligation"),
    "KeyFigure": _("Key figures"),
    "Plan": _("Regional action plan"),
    "Measure": _("Measure"),
    "Pledge": _("Citizen pledge"),
    "Commitment": _("Commitment"),
    "Agreement": _("Cooperation agreement"),
    "Error": pgettext_lazy("API documentation", "Error"),
}

# What each field holds: by "Component.field" where the same name means different things, else by name.
FIELDS = {
    "id": _("The object's id in the portal."),
    "code": _("SCB code."),
    "County.code": _("Two-digit SCB county code."),
    "Municipality.code": _("Four-digit SCB municipality code."),
    "name": _("Name."),
    "short_name": _("Short name, without “län”."),
    "county": _("Two-digit SCB code of the county."),
    "municipality": _("Four-digit SCB code of the municipality."),
    "police_area": _("Local police area."),
    "compliance": _("One entry per obligation of Lag (2023:196)."),
    "latest_key_figures": _("The latest year's key figures; null when there are none."),
    "obligation": _("The obligation: situation analysis, action programme, coordinating function or follow-up."),
    "state": _("Its state: missing, in progress, in place, or outdated."),
    "date": _("When it was last decided or updated."),
    "year": _("The year the figures describe."),
    "population": _("Population."),
    "reported_crimes": _("Reported crimes."),
    "crimes_per_100k": _("Reported crimes per 100 000 inhabitants."),
    "population_rank": _("1 = the largest population in the county that year."),
    "crime_rank": _("1 = the most reported crimes in the county that year."),
    "title": _("Title."),
    "Plan.status": _("The plan's status."),
    "Measure.status": _(
        "The status of the latest progress update, as the portal names it; null before the first update."
    ),
    "Pledge.status": _("The pledge's status."),
    "Agreement.status": _("The agreement's status."),
    "Commitment.status": _("The commitment's status."),
    "status_code": _("The same status as a stable code; null before the first update."),
    "adopted_on": _("When the plan was adopted; null if not yet."),
    "period_start": _("First day of the period."),
    "period_end": _("Last day of the period."),
    "description": _("Description."),
    "progress": _("Percent done."),
    "Plan.progress": _("Weighted mean progress of the measures, in percent; null without measures."),
    "measures": _("The plan's measures, by number."),
    "number": _("The measure's number in the plan."),
    "lead_actor": _("The lead actor's name; null when no actor leads."),
    "start_date": _("When the measure starts."),
    "target_date": _("When the measure is to be done."),
    "published_on": _("When the pledge was published."),
    "background": _("Why the pledge was made: the situation it answers."),
    "commitments": _("What the pledge promises, one row per commitment."),
    "commitment": _("What is promised."),
    "carried_out_by": _("Who carries it out."),
    "other_parties": _("Parties besides the municipality and the Police."),
    "step": _("The step of Brå's process the agreement is at."),
    "start_year": _("First year of the agreement."),
    "end_year": _("Last year of the agreement."),
    "signed_on": _("When it was signed; null if not yet."),
    "summary": _("Summary."),
    "focus_areas": _("The agreement's focus areas."),
    "error": _("What is wrong, in English."),
    "field": _("The query parameter at fault; null if none."),
    # The page wrapper of every list.
    "count": _("How many rows the whole list has."),
    "next": _("The address of the next page; null on the last page."),
    "previous": _("The address of the previous page; null on the first page."),
    "results": _("The rows of this page."),
}

# Short words that mean something else elsewhere in the portal carry the context "API documentation".
TYPES = {
    "string": pgettext_lazy("API documentation", "text"),
    "integer": pgettext_lazy("API documentation", "integer"),
    "number": pgettext_lazy("API documentation", "number"),
    "boolean": pgettext_lazy("API documentation", "true or false"),
    "object": pgettext_lazy("API documentation", "object"),
    "array": pgettext_lazy("API documentation", "list"),
}
FORMATS = {"date": _("date (ISO 8601)"), "date-time": _("time (ISO 8601)"), "uri": _("address (URL)")}

PERIODS = {1: _("per second"), 60: _("per minute"), 3600: _("per hour"), 86400: _("per day")}


# --- The page's parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Words on the page; ``lang`` is set when they are the schema's English, not the page's language."""

    value: str
    lang: str = ""


def _text(words, english: str | None) -> Text:
    if words is not None:
        return Text(str(words))
    return Text(english or "", lang="en" if english else "")


def breakable(code: str) -> list[str]:
    """``code`` cut after each "_" and "/": the template puts a <wbr> there, so that a long name or
    path may break on a narrow screen instead of widening the table beyond it."""
    return re.findall(r"[^_/]*[_/]|[^_/]+$", code) or [code]


@dataclass(frozen=True)
class Type:
    words: str
    component: str = ""  # links to that object's field table
    values: tuple[str, ...] = ()  # the allowed values of an enumeration
    pattern: str = ""

    @property
    def breakable_values(self) -> list[list[str]]:
        return [breakable(value) for value in self.values]


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    type: Type
    required: bool
    description: Text

    @property
    def breakable_name(self) -> list[str]:
        return breakable(self.name)


@dataclass(frozen=True)
class Answer:
    status: str
    meaning: Text
    component: str = ""  # the object it holds, linked to its field table
    title: str = ""


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    description: Text
    parameters: tuple[Parameter, ...]
    responses: tuple[Answer, ...]
    paginated: bool

    @property
    def breakable_path(self) -> list[str]:
        return breakable(self.path)


@dataclass(frozen=True)
class Field:
    name: str
    type: Type
    nullable: bool
    description: Text

    @property
    def breakable_name(self) -> list[str]:
        return breakable(self.name)


@dataclass(frozen=True)
class Component:
    name: str
    title: str
    fields: tuple[Field, ...]


@dataclass
class Resource:
    tag: str
    title: Text
    description: Text
    operations: list[Operation] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)


@functools.cache
def openapi_schema() -> dict:
    """The schema ``/api/schema/`` serves: computed from the code, so once per process."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _title(component: str) -> str:
    """An object's name on the page, with the schema's name beside it: "Kommun (Municipality)"."""
    title = str(COMPONENTS.get(component, component))
    return title if title == component else f"{title} ({component})"


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(schema: dict, schemas: dict) -> Type:
    if "$ref" in schema or "allOf" in schema:
        name = _ref_name(schema["$ref"] if "$ref" in schema else schema["allOf"][0]["$ref"])
        target = schemas[name]
        if "enum" in target:
            return Type(str(TYPES["string"]), values=tuple(target["enum"]))
        return Type(str(COMPONENTS.get(name, name)), component=name)
    if schema.get("type") == "array":
        item = _type(schema.get("items", {}), schemas)
        return Type(f"{TYPES['array']}: {item.words}", component=item.component, values=item.values)
    kind = schema.get("type", "string")
    words = str(FORMATS[schema["format"]]) if schema.get("format") in FORMATS else str(TYPES.get(kind, kind))
    return Type(words, values=tuple(schema.get("enum", ())), pattern=schema.get("pattern", ""))


def _component(name: str, schemas: dict) -> Component:
    schema = schemas[name]
    fields = tuple(
        Field(
            name=field_name,
            type=_type(prop, schemas),
            nullable=bool(prop.get("nullable")),
            description=_text(FIELDS.get(f"{name}.{field_name}", FIELDS.get(field_name)), prop.get("description")),
        )
        for field_name, prop in schema.get("properties", {}).items()
    )
    return Component(name=name, title=_title(name), fields=fields)


def _refs(schema: dict) -> list[str]:
    """The object types ``schema`` names, depth first, in the order of its fields."""
    found = []
    if "$ref" in schema:
        found.append(_ref_name(schema["$ref"]))
    for key in ("items", "properties", "allOf"):
        value = schema.get(key)
        if isinstance(value, dict):
            children = value.values() if key == "properties" else [value]
        elif isinstance(value, list):
            children = value
        else:
            continue
        for child in children:
            found.extend(_refs(child))
    return found


def _objects(name: str, schemas: dict, seen: set[str]) -> list[str]:
    """``name`` and the object types its fields hold, skipping enumerations and the page wrapper."""
    order = []
    target = schemas[name]
    if name.startswith("Paginated"):
        return _objects(_ref_name(target["properties"]["results"]["items"]["$ref"]), schemas, seen)
    if name in seen or "enum" in target:
        return order
    seen.add(name)
    order.append(name)
    for child in _refs(target):
        order.extend(_objects(child, schemas, seen))
    return order


def _query_words(name: str):
    words = QUERY_PARAMETERS.get(name)
    if name == "page_size" and words is not None:
        return words % {"max": Pagination.max_page_size, "default": Pagination.page_size}
    return words


def _operation(path: str, method: str, operation: dict, tag: str, schemas: dict) -> tuple[Operation, list[str]]:
    parameters = tuple(
        Parameter(
            name=p["name"],
            location=str(LOCATIONS.get(p["in"], p["in"])),
            type=_type(p.get("schema", {}), schemas),
            required=bool(p.get("required")),
            description=_text(
                PATH_PARAMETERS.get(tag) if p["in"] == "path" else _query_words(p["name"]),
                p.get("description"),
            ),
        )
        for p in operation.get("parameters", [])
    )
    answers, objects = [], []
    for status, response in sorted(operation.get("responses", {}).items()):
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        name = _ref_name(schema["$ref"]) if "$ref" in schema else ""
        if name and status == "200":
            objects.append(name)
        shown = name
        if name.startswith("Paginated"):
            shown = _ref_name(schemas[name]["properties"]["results"]["items"]["$ref"])
        meaning = _text(RESPONSES.get(status), response.get("description") or None)
        answers.append(Answer(status, meaning, shown, _title(shown) if shown else ""))
    paginated = any(name.startswith("Paginated") for name in objects)
    return (
        Operation(
            anchor=operation["operationId"].replace("_", "-"),
            method=method.upper(),
            path=path,
            description=_text(OPERATIONS.get(operation["operationId"]), operation.get("description")),
            parameters=parameters,
            responses=tuple(answers),
            paginated=paginated,
        ),
        objects,
    )


def resources(schema: dict) -> list[Resource]:
    """The schema's operations grouped by resource (its tag), each with the objects it returns."""
    schemas = schema.get("components", {}).get("schemas", {})
    grouped: dict[str, Resource] = {}
    for tag, (title, description) in RESOURCES.items():
        grouped[tag] = Resource(tag, Text(str(title)), Text(str(description)))
    objects: dict[str, list[str]] = {}
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            tag = (operation.get("tags") or ["api"])[0]
            resource = grouped.setdefault(tag, Resource(tag, Text(tag, "en"), Text("")))
            built, returned = _operation(path, method, operation, tag, schemas)
            resource.operations.append(built)
            objects.setdefault(tag, []).extend(returned)
    seen: set[str] = set()
    for tag, resource in grouped.items():
        # A list before the single object, as the router names them.
        resource.operations.sort(key=lambda op: (op.path.count("{"), op.path, op.method))
        for name in objects.get(tag, []):
            resource.components.extend(_component(n, schemas) for n in _objects(name, schemas, seen))
    return [resource for resource in grouped.values() if resource.operations]


def untranslated(built: list[Resource]) -> list[str]:
    """What the page shows in the schema's English because this module has no words for it."""
    missing = [f"resource {r.tag}" for r in built if r.title.lang]
    for resource in built:
        for op in resource.operations:
            texts = [(f"{op.method} {op.path}", op.description)]
            texts += [(f"{op.method} {op.path} parameter {p.name}", p.description) for p in op.parameters]
            texts += [(f"{op.method} {op.path} response {a.status}", a.meaning) for a in op.responses]
            missing += [what for what, text in texts if text.lang]
        for component in resource.components:
            missing += [f"{component.name}.{f.name}" for f in component.fields if f.description.lang]
    return missing


def rate(value: str | None) -> str:
    """A throttle rate ("1000/hour") in words: "1 000 anrop per timme"."""
    count, seconds = SimpleRateThrottle.parse_rate(None, value)
    if count is None:
        return str(_("no limit"))
    period = PERIODS.get(seconds, _("per %(seconds)s seconds") % {"seconds": seconds})
    return ngettext("%(count)s request %(period)s", "%(count)s requests %(period)s", count) % {
        "count": format_number(count),
        "period": period,
    }


def _page_wrapper(schemas: dict) -> Component | None:
    """The fields every list answers with around its rows (any ``Paginated…`` schema; they differ only in the rows)."""
    name = next((name for name in schemas if name.startswith("Paginated")), None)
    if name is None:
        return None
    wrapper = _component(name, schemas)
    fields = tuple(
        Field(f.name, Type(str(TYPES["array"])), f.nullable, f.description) if f.name == "results" else f
        for f in wrapper.fields
    )
    return Component("Page", str(_("List page")), fields)


def page_context(schema: dict | None = None) -> dict:
    """What ``templates/api/docs.html`` shows."""
    schema = schema or openapi_schema()
    schemas = schema.get("components", {}).get("schemas", {})
    built = resources(schema)
    rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
    return {
        "info": schema.get("info", {}),
        "openapi_version": schema.get("openapi", ""),
        "resources": built,
        "page_wrapper": _page_wrapper(schemas),
        "error": _component("Error", schemas) if "Error" in schemas else None,
        "token_rate": rate(rates.get("token")),
        "anonymous_rate": rate(rates.get("anonymous")),
        "max_page_size": Pagination.max_page_size,
        "default_page_size": Pagination.page_size,
    }
