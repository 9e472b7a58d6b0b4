"""One search over everything a user may see: every model an app registered as searchable.

The apps register their models in their ``AppConfig.ready()`` (``<app>/search.py``, one
``core.registry.SearchSpec`` per model: plans, measures, actors, municipalities, agreements,
pledges and support activities); this module names no app's model. ``search(user, query)``
asks each searchable model once (seven queries, whatever the number of hits), always through
``Model.objects.visible_to(user)``, so a result never shows what the user's scope does not
allow. On PostgreSQL it uses full-text search with the Swedish configuration (word forms:
"brottsförebyggande" finds "brottsförebyggandet"), ranked with the title weighted above the
other text; elsewhere (the embedded SQLite of ``make run``) it falls back to plain,
case-insensitive matching of every word. Results of equal rank keep the specs' order.

Highlighting: the matched words are wrapped in ``<mark>`` and that is the only HTML a
result carries. The text is always escaped first; only then are the markers (random,
per search) turned into ``<mark>``/``</mark>``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.db.models import Case, Func, Q, TextField, Value, When
from django.db.models.functions import NullIf
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

from core.registry import search_specs

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
MAX_PLAIN_WORDS = 10
SNIPPET_MAX_WORDS = 30
SNIPPET_MIN_WORDS = 10
BODY_SEPARATOR = " · "
CONFIG = "swedish"


@dataclass(frozen=True)
class Result:
    """One hit: its type, its title (plain and highlighted), where it lives, and a snippet."""

    kind_label: str
    title: str
    url: str
    snippet: SafeString
    rank: float
    title_html: str = ""

    def __post_init__(self) -> None:
        if not self.title_html:
            object.__setattr__(self, "title_html", escape(self.title))


def clean_query(query: str | None) -> str:
    """The query as searched: without NUL characters, trimmed and at most 200 characters."""
    return (query or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH].strip()


def search(
    user: Any, query: str | None, limit: int = 50, *, backend: str | None = None, specs: Any = None
) -> list[Result]:
    """What ``user`` may see that matches ``query``, best first, at most ``limit`` results.

    ``backend`` is "fulltext" (PostgreSQL) or "plain"; by default the database decides.
    Queries shorter than two characters return nothing without asking the database.
    ``specs``: what is searched, by default every registered ``SearchSpec``; the public site
    passes its own (public rows, public URLs: ``portal/public/search.py``).
    """
    specs = search_specs() if specs is None else specs
    query = clean_query(query)
    if len(query) < MIN_QUERY_LENGTH or limit <= 0:
        return []
    if backend is None:
        backend = "fulltext" if connection.vendor == "postgresql" else "plain"
    if backend == "fulltext":
        results = _fulltext_search(user, query, limit, specs)
    elif backend == "plain":
        results = _plain_search(user, query, limit, specs)
    else:
        raise ValueError(f"Unknown search backend: {backend!r}")
    results.sort(key=lambda result: result.rank, reverse=True)
    return results[:limit]


# --- PostgreSQL: full-text search with the Swedish configuration ---------------------------------


def _body_expression(fields: tuple[str, ...]) -> Any:
    """The other text fields joined by a separator, skipping empty ones (PostgreSQL's concat_ws)."""
    if len(fields) == 1:
        return models.F(fields[0])
    parts = [NullIf(models.F(field), Value("")) for field in fields]
    return Func(Value(BODY_SEPARATOR), *parts, function="CONCAT_WS", output_field=TextField())


def _with_marks(text: str, pattern: re.Pattern[str], group: int = 0) -> SafeString:
    """``text`` escaped, with each match of ``pattern`` (its ``group``) escaped too and put in <mark>.

    Built with ``format_html_join``, so no piece of ``text`` reaches the page unescaped.
    """
    segments = []
    position = 0
    for match in pattern.finditer(text):
        segments.append((text[position : match.start()], match.group(group)))
        position = match.end()
    return format_html_join("", "{}<mark>{}</mark>", segments) + escape(text[position:])


def _marked(headline: str | None, start: str, stop: str) -> SafeString:
    """The headline escaped, with the text between PostgreSQL's (random) markers in <mark>."""
    return _with_marks(headline or "", re.compile(f"{start}(.*?){stop}", re.DOTALL), group=1)


def _fulltext_search(user: Any, query: str, limit: int, specs: Any) -> list[Result]:
    token = secrets.token_hex(8)
    start, stop = f"tpmarkstart{token}", f"tpmarkstop{token}"
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    results: list[Result] = []
    for spec in specs:
        vector = SearchVector(spec.title_field, config=CONFIG, weight="A")
        if spec.body_fields:
            vector = vector + SearchVector(*spec.body_fields, config=CONFIG, weight="B")
        annotations = {
            "search_vector": vector,
            "search_rank": SearchRank(vector, search_query),
            "search_title": SearchHeadline(
                spec.title_field, search_query, config=CONFIG, start_sel=start, stop_sel=stop, highlight_all=True
            ),
        }
        if spec.body_fields:
            annotations["search_snippet"] = SearchHeadline(
                _body_expression(spec.body_fields),
                search_query,
                config=CONFIG,
                start_sel=start,
                stop_sel=stop,
                max_words=SNIPPET_MAX_WORDS,
                min_words=SNIPPET_MIN_WORDS,
            )
        rows = (
            spec.queryset(user)
            .annotate(**annotations)
            .filter(search_vector=search_query)
            .order_by("-search_rank", "pk")[:limit]
        )
        for obj in rows:
            results.append(
                Result(
                    kind_label=spec.label,
                    title=getattr(obj, spec.title_field),
                    url=spec.url(obj),
                    snippet=_marked(getattr(obj, "search_snippet", ""), start, stop),
                    rank=float(obj.search_rank),
                    title_html=_marked(obj.search_title, start, stop),
                )
            )
    return results


# --- Elsewhere: plain matching of every word ------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The distinct words of the query (two characters or more), longest first, at most ten."""
    words: dict[str, str] = {}
    for word in re.findall(r"\w+", query):
        if len(word) >= MIN_QUERY_LENGTH:
            words.setdefault(word.casefold(), word)
    return sorted(words.values(), key=len, reverse=True)[:MAX_PLAIN_WORDS]


def highlight(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with every (case-insensitive) occurrence of ``words`` in <mark>."""
    if not text:
        return SafeString("")
    if not words:
        return escape(text)
    return _with_marks(text, re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE))


def plain_snippet(text: str, words: list[str]) -> SafeString:
    """About 30 words of ``text`` around the first match (or its start), highlighted."""
    tokens = text.split()
    if not tokens:
        return SafeString("")
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE) if words else None
    first = next((i for i, token in enumerate(tokens) if pattern and pattern.search(token)), 0)
    begin = max(0, min(first - SNIPPET_MIN_WORDS // 2, len(tokens) - SNIPPET_MAX_WORDS))
    end = begin + SNIPPET_MAX_WORDS
    excerpt = " ".join(tokens[begin:end])
    marked = highlight(excerpt, words)
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(tokens) else ""
    return format_html("{}{}{}", prefix, marked, suffix)


def _plain_search(user: Any, query: str, limit: int, specs: Any) -> list[Result]:
    words = query_words(query)
    if not words:
        return []
    results: list[Result] = []
    for spec in specs:
        condition = Q()
        rank: Any = Value(0)
        for word in words:
            condition &= _any_field(spec.fields, word)
            for field in spec.fields:
                # A title hit counts twice, so a title match ranks above a body-only one.
                points = 2 if field == spec.title_field else 1
                rank = rank + Case(When(Q(**{f"{field}__icontains": word}), then=Value(points)), default=Value(0))
        rows = spec.queryset(user).filter(condition).annotate(search_rank=rank).order_by("-search_rank", "pk")[:limit]
        for obj in rows:
            body = BODY_SEPARATOR.join(text for field in spec.body_fields if (text := getattr(obj, field)))
            title = getattr(obj, spec.title_field)
            results.append(
                Result(
                    kind_label=spec.label,
                    title=title,
                    url=spec.url(obj),
                    snippet=plain_snippet(body, words),
                    rank=float(obj.search_rank),
                    title_html=highlight(title, words),
                )
            )
    return results


def _any_field(fields: tuple[str, ...], word: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    return condition
