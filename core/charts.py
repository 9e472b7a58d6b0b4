"""Server-side SVG charts, the same markup for web pages and WeasyPrint PDF reports.

Inline SVG needs no JavaScript and no styles, so it passes the strict Content-Security-Policy
and prints as vectors. Only presentation attributes are used, every user-supplied string is
escaped, and the output is deterministic so that reports and tests can compare it. Every value
is also written into the <desc> text alternative, so the chart carries no information that a
screen reader cannot reach.
"""

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.text import slugify
from django.utils.translation import gettext

from core.formatting import format_number

TEXT = "#212529"
AXIS = "#6c757d"
GRID = "#dee2e6"
TARGET = "#495057"
# Each colour has at least 4.8:1 contrast against white (WCAG asks 3:1 for graphics).
COLOURS = ("#0b5cad", "#b35900", "#1e7b34", "#8e3ba8", "#c0163c", "#00727a")
# Lines differ by dash pattern and bars by hatching, so colour is never the only difference.
DASHES = (None, "8 4", "2 3", "10 3 2 3", "4 2", "12 3 2 3 2 3")
TARGET_DASH = "6 3"
HATCH_ANGLES = (None, 45, 135, 90, 0, 60)
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
# A chart is drawn for 400 x 280 and scales down with its column (CSS: max-width 100%, height auto). Its
# text, 13 units high, stays readable where the chart is narrowest: 11 px or more in a 343 px column
# (a 375 px phone), 13 px at its full size on a wide screen (tests/browser/test_layout.py).
WIDTH = 400
HEIGHT = 280
FONT_SIZE = 13
CHAR_WIDTH = 0.6 * FONT_SIZE
LINE_HEIGHT = 16
PAD = 8
# A line chart with more categories than this marks only points that no line shows (see _line_marks).
MAX_MARKERS = 24


@dataclass(frozen=True)
class Series:
    """One named row of values; ``None`` marks a year or category without data."""

    name: str
    points: Sequence[tuple[str, float | None]]


@dataclass(frozen=True)
class _Scale:
    """The y axis: a range of round numbers that holds every value, zero and the target."""

    low: float
    high: float
    ticks: tuple[float, ...]
    decimals: int


@dataclass(frozen=True)
class _Plot:
    """Everything the marks of one chart need: where to draw and how to format."""

    prefix: str
    series: Sequence[Series]
    categories: tuple[str, ...]
    scale: _Scale
    left: float
    top: float
    right: float
    bottom: float
    decimals: int
    unit: str

    @property
    def slot(self) -> float:
        return (self.right - self.left) / len(self.categories)

    def x(self, index: int) -> float:
        return self.left + self.slot * (index + 0.5)

    def y(self, value: float) -> float:
        fraction = (value - self.scale.low) / (self.scale.high - self.scale.low)
        return self.bottom - fraction * (self.bottom - self.top)

    def value(self, value: float) -> str:
        return _format(value, self.decimals, self.unit)

    def tooltip(self, series: Series, label: str, value: float) -> str:
        text = f"{label}: {self.value(value)}"
        return f"{series.name}, {text}" if len(self.series) > 1 else text


@dataclass(frozen=True)
class _Kind:
    """What differs between line and bar charts; the frame, axes and legend are shared."""

    name: str
    marks: Callable[[_Plot], list[SafeString]]
    swatch: Callable[[str, int, float, float], SafeString]
    defs: Callable[[str, int], list[SafeString]]
    thin_labels: bool
    value_headroom: float


def line_chart(
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    decimals: int = 0,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A line per series over the x labels (years); ``None`` values break the line."""
    return _chart(
        _LINE,
        series,
        chart_id=chart_id,
        title=title,
        description=description,
        unit=unit,
        target=target,
        target_label=target_label,
        decimals=decimals,
        width=width,
        height=height,
    )


def bar_chart(
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str = "",
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    decimals: int = 0,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """A group of bars per category (one bar per series), with the value above each bar that has room."""
    return _chart(
        _BAR,
        series,
        chart_id=chart_id,
        title=title,
        description=description,
        unit=unit,
        target=target,
        target_label=target_label,
        decimals=decimals,
        width=width,
        height=height,
    )


def _chart(
    kind: _Kind,
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    description: str,
    unit: str,
    target: float | None,
    target_label: str,
    decimals: int,
    width: int,
    height: int,
) -> SafeString:
    prefix = _prefix(chart_id)
    values = [float(v) for s in series for _, v in s.points if v is not None]
    if not values:
        message = gettext("No data to show")
        body = _empty(width, height, message)
        return _svg(
            kind.name, prefix, title=title, description=description or message, width=width, height=height, body=body
        )

    target_text = target_label or gettext("Target")
    legend = [(s.name, kind.swatch, i) for i, s in enumerate(series)]
    if target is not None:
        legend.append((target_text, _target_swatch, 0))
    if len(legend) < 2:
        legend = []
    legend_parts, legend_height = _legend(prefix, legend, width)

    scale = _scale(values if target is None else [*values, float(target)], decimals)
    categories = _categories(series)
    tick_labels = [_format(t, scale.decimals, unit) for t in scale.ticks]
    left = PAD + max(_text_width(t) for t in tick_labels) + 6
    right = width - PAD - 4
    x_labels = _x_labels(categories, (right - left) / len(categories), thin=kind.thin_labels)
    label_lines = max((len(lines) for lines in x_labels if lines), default=1)
    plot = _Plot(
        prefix=prefix,
        series=series,
        categories=categories,
        scale=scale,
        left=left,
        top=PAD + legend_height + kind.value_headroom + FONT_SIZE / 2,
        right=right,
        bottom=height - PAD - label_lines * LINE_HEIGHT - 4 - (kind.value_headroom if scale.low < 0 else 0),
        decimals=decimals,
        unit=unit,
    )
    parts = [
        *kind.defs(prefix, len(series)),
        *legend_parts,
        *_y_axis(plot, tick_labels),
        *_x_axis(plot, x_labels),
        *kind.marks(plot),
    ]
    if target is not None:
        parts.extend(_target(plot, float(target), f"{target_text}: {plot.value(float(target))}"))
    text = description or _describe(series, target, target_text, decimals, unit)
    return _svg(kind.name, prefix, title=title, description=text, width=width, height=height, body=_join(parts))


# --- Markup ------------------------------------------------------------------------------


def _num(value: float) -> str:
    """Coordinates with one decimal: short, and the same string on every run."""
    text = f"{round(value, 1) + 0.0:.1f}"
    return text.removesuffix(".0")


def _attribute(value: object) -> str:
    return _num(value) if isinstance(value, int | float) else conditional_escape(value)


# A chart has hundreds of elements and a page or report dozens of charts: these build the markup with
# plain f-strings around conditional_escape, which is what format_html does, at a fraction of its cost.
def _el(tag: str, attrs: dict[str, object], content: str | None = None) -> SafeString:
    """One SVG element; attribute values and plain-string content are escaped."""
    rendered = "".join(f' {name}="{_attribute(value)}"' for name, value in attrs.items())
    if content is None:
        return SafeString(f"<{tag}{rendered}/>")  # nosec B703: every value escaped above; tags are constants
    return SafeString(f"<{tag}{rendered}>{conditional_escape(content)}</{tag}>")  # nosec B703: content escaped


def _join(parts: Iterable[str]) -> SafeString:
    return SafeString("".join(conditional_escape(part) for part in parts))  # nosec B703: each part escaped


def _svg(kind: str, prefix: str, *, title: str, description: str, width: int, height: int, body: str) -> SafeString:
    """The root element: labelled for assistive technology, scalable through CSS (``width: 100%; height: auto``)."""
    attrs = {
        "xmlns": "http://www.w3.org/2000/svg",
        "class": f"chart chart-{kind}",
        "viewBox": f"0 0 {width} {height}",
        "width": width,
        "height": height,
        "preserveAspectRatio": "xMidYMid meet",
        "role": "img",
        "aria-labelledby": f"{prefix}-title {prefix}-desc",
        "font-family": FONT_FAMILY,
        "font-size": FONT_SIZE,
    }
    content = _join(
        [
            _el("title", {"id": f"{prefix}-title"}, title),
            _el("desc", {"id": f"{prefix}-desc"}, description),
            body,
        ]
    )
    return _el("svg", attrs, content)


def _text(x: float, y: float, text: str, anchor: str = "start", **attrs: object) -> SafeString:
    return _el("text", {"x": x, "y": y, "text-anchor": anchor, "fill": TEXT, **attrs}, text)


def _prefix(chart_id: str) -> str:
    """Element ids may only hold [a-z0-9-]; the caller's chart_id keeps them unique on a page."""
    cleaned = re.sub(r"[^a-z0-9-]+", "-", slugify(chart_id).lower()).strip("-")
    return re.sub(r"-{2,}", "-", cleaned) or "chart"


# --- Numbers and the scale ---------------------------------------------------------------


def _format(value: float, decimals: int, unit: str) -> str:
    """The portal's one number rule (core/formatting.py), so a chart and the text beside it agree."""
    return format_number(value, decimals, unit)


def _scale(values: Sequence[float], decimals: int, max_ticks: int = 5) -> _Scale:
    """Round ticks (1, 2, 2.5 or 5 x 10^n) from zero, or from below zero for negative values.

    A step never gets finer than the values' own decimals: counts are not split into halves.
    """
    low, high = min(0.0, *values), max(0.0, *values)
    if low == high:
        high = 1.0
    raw = (high - low) / max_ticks
    exponent = math.floor(math.log10(raw))
    exponent = max(exponent, -decimals)
    step, step_decimals = 0.0, 0
    for multiple in (1.0, 2.0, 2.5, 5.0, 10.0):
        if multiple == 2.5 and exponent < 1 - decimals:
            continue
        step = multiple * 10.0**exponent
        step_decimals = max(0, -exponent + (1 if multiple == 2.5 else 0) - (1 if multiple == 10 else 0))
        if step >= raw:
            break
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    ticks = tuple(round(k * step, step_decimals) + 0.0 for k in range(first, last + 1))
    return _Scale(low=ticks[0], high=ticks[-1], ticks=ticks, decimals=step_decimals)


def _categories(series: Sequence[Series]) -> tuple[str, ...]:
    """X labels in order of first appearance, so a later series may add years."""
    return tuple(dict.fromkeys(label for s in series for label, _ in s.points))


def _text_width(text: str) -> float:
    """A generous estimate: the renderer's font is unknown, and cut-off text is worse than space."""
    return len(text) * CHAR_WIDTH


def _truncate(text: str, max_width: float) -> str:
    max_chars = max(1, int(max_width // CHAR_WIDTH))
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def _wrap(text: str, max_width: float, max_lines: int = 3) -> list[str]:
    """Word-wrap a category name under its bars; what does not fit ends in an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and _text_width(f"{lines[-1]} {word}") <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return [_truncate(line, max_width) for line in lines] or [""]


def _describe(series: Sequence[Series], target: float | None, target_text: str, decimals: int, unit: str) -> str:
    """The text alternative: every value of every series, and the target."""
    sentences = []
    for s in series:
        values = "; ".join(
            f"{label}: {gettext('no data') if value is None else _format(float(value), decimals, unit)}"
            for label, value in s.points
        )
        sentences.append(f"{s.name}: {values}.")
    if target is not None:
        sentences.append(f"{target_text}: {_format(float(target), decimals, unit)}.")
    return " ".join(sentences)


# --- Shared pieces -----------------------------------------------------------------------


def _empty(width: int, height: int, message: str) -> SafeString:
    frame = {"x": 0.5, "y": 0.5, "width": width - 1, "height": height - 1, "fill": "none", "stroke": GRID}
    return _join([_el("rect", frame), _text(width / 2, height / 2 + FONT_SIZE / 3, message, "middle")])


def _legend(
    prefix: str, items: Sequence[tuple[str, Callable[[str, int, float, float], SafeString], int]], width: int
) -> tuple[list[SafeString], float]:
    """Legend entries left to right, wrapping onto more rows; returns the parts and their height."""
    if not items:
        return [], 0.0
    swatch_width, gap = 24, 16
    available = width - 2 * PAD
    parts: list[SafeString] = []
    x, row = float(PAD), 0
    for name, swatch, index in items:
        label = _truncate(name, available - swatch_width - 6)
        item_width = swatch_width + 6 + _text_width(label)
        if x > PAD and x + item_width > width - PAD:
            x, row = float(PAD), row + 1
        y = PAD + row * (LINE_HEIGHT + 4) + LINE_HEIGHT / 2
        parts.append(swatch(prefix, index, x, y))
        text = _text(x + swatch_width + 6, y + FONT_SIZE / 3, label)
        parts.append(_el("g", {}, _join([text, _el("title", {}, name)])) if label != name else text)
        x += item_width + gap
    return parts, (row + 1) * (LINE_HEIGHT + 4) + 4


def _y_axis(plot: _Plot, labels: Sequence[str]) -> list[SafeString]:
    parts = []
    for tick, label in zip(plot.scale.ticks, labels, strict=True):
        y = plot.y(tick)
        colour = AXIS if tick == 0 else GRID
        parts.append(_el("line", {"x1": plot.left, "y1": y, "x2": plot.right, "y2": y, "stroke": colour}))
        parts.append(_text(plot.left - 6, y + FONT_SIZE / 3, label, "end"))
    return parts


def _x_labels(categories: Sequence[str], slot: float, *, thin: bool) -> list[list[str] | None]:
    """Lines of text under each category; ``None`` where every k-th label is shown to avoid overlap."""
    if thin:
        widest = max(_text_width(c) for c in categories) + 8
        every = max(1, math.ceil(widest / slot))
        return [[_truncate(c, slot * every - 8)] if i % every == 0 else None for i, c in enumerate(categories)]
    return [_wrap(c, slot - 6) for c in categories]


def _x_axis(plot: _Plot, labels: Sequence[list[str] | None]) -> list[SafeString]:
    parts = []
    for index, (category, lines) in enumerate(zip(plot.categories, labels, strict=True)):
        if lines is None:
            continue
        x = plot.x(index)
        parts.append(_el("line", {"x1": x, "y1": plot.bottom, "x2": x, "y2": plot.bottom + 4, "stroke": AXIS}))
        tspans = [
            _el("tspan", {"x": x, "y": plot.bottom + 4 + (n + 1) * LINE_HEIGHT}, line) for n, line in enumerate(lines)
        ]
        if " ".join(lines) != category:
            tspans.append(_el("title", {}, category))
        parts.append(_el("text", {"text-anchor": "middle", "fill": TEXT}, _join(tspans)))
    return parts


def _target(plot: _Plot, target: float, label: str) -> list[SafeString]:
    """A dashed line across the plot, labelled above it (below it at the top) on a backdrop that keeps it legible."""
    y = plot.y(target)
    line = {"x1": plot.left, "y1": y, "x2": plot.right, "y2": y, "stroke": TARGET, "stroke-width": 1.5}
    text_y = y - 5 if y - FONT_SIZE - 5 >= plot.top - FONT_SIZE / 2 else y + FONT_SIZE + 3
    label = _truncate(label, plot.right - plot.left - 8)
    label_width = _text_width(label) + 6
    backdrop = {
        "x": plot.right - label_width,
        "y": text_y - FONT_SIZE,
        "width": label_width,
        "height": FONT_SIZE + 4,
        "fill": "#ffffff",
        "fill-opacity": 0.85,
    }
    return [
        _el("line", {**line, "stroke-dasharray": TARGET_DASH}),
        _el("rect", backdrop),
        _text(plot.right - 3, text_y, label, "end"),
    ]


def _target_swatch(_prefix: str, _index: int, x: float, y: float) -> SafeString:
    line = {"x1": x, "y1": y, "x2": x + 24, "y2": y, "stroke": TARGET, "stroke-width": 1.5}
    return _el("line", {**line, "stroke-dasharray": TARGET_DASH})


def _no_defs(_prefix: str, _count: int) -> list[SafeString]:
    return []


# --- Lines -------------------------------------------------------------------------------


def _line_style(index: int) -> dict[str, object]:
    style: dict[str, object] = {"fill": "none", "stroke": COLOURS[index % len(COLOURS)], "stroke-width": 2.5}
    if dash := DASHES[index % len(DASHES)]:
        style["stroke-dasharray"] = dash
    return style


def _point(x: float, y: float, index: int, tooltip: str | None = None) -> SafeString:
    attrs = {"cx": x, "cy": y, "r": 3.5, "fill": COLOURS[index % len(COLOURS)], "stroke": "#ffffff"}
    return _el("circle", attrs, None if tooltip is None else _el("title", {}, tooltip))


def _line_marks(plot: _Plot) -> list[SafeString]:
    """Each series as a path; a marker on every point of a chart with up to MAX_MARKERS categories.

    Past that the markers would cover the line (and cost a PDF report seconds): only a point
    without neighbours, which no line shows, keeps its marker.
    """
    parts = []
    every_point = len(plot.categories) <= MAX_MARKERS
    for index, s in enumerate(plot.series):
        values = dict(s.points)
        segments: list[list[tuple[float, float, str]]] = []
        in_segment = False
        for position, category in enumerate(plot.categories):
            value = values.get(category)
            if value is None:
                in_segment = False
                continue
            if not in_segment:
                segments.append([])
            point = (plot.x(position), plot.y(float(value)), plot.tooltip(s, category, float(value)))
            segments[-1].append(point)
            in_segment = True
        d = " ".join(
            f"{'L' if i else 'M'}{_num(x)} {_num(y)}" for segment in segments for i, (x, y, _) in enumerate(segment)
        )
        points = [
            _point(x, y, index, tooltip)
            for segment in segments
            if every_point or len(segment) == 1
            for x, y, tooltip in segment
        ]
        path = _el("path", {"d": d, **_line_style(index)})
        parts.append(_el("g", {}, _join([path, *points])))
    return parts


def _line_swatch(_prefix: str, index: int, x: float, y: float) -> SafeString:
    return _join([_el("path", {"d": f"M{_num(x)} {_num(y)} h24", **_line_style(index)}), _point(x + 12, y, index)])


# --- Bars --------------------------------------------------------------------------------


def _bar_fill(prefix: str, index: int) -> str:
    colour = COLOURS[index % len(COLOURS)]
    return colour if HATCH_ANGLES[index % len(HATCH_ANGLES)] is None else f"url(#{prefix}-fill-{index})"


def _bar_defs(prefix: str, count: int) -> list[SafeString]:
    """Hatch patterns for the second and later series: white stripes over the series colour."""
    patterns = []
    for index in range(count):
        angle = HATCH_ANGLES[index % len(HATCH_ANGLES)]
        if angle is None:
            continue
        attrs = {
            "id": f"{prefix}-fill-{index}",
            "patternUnits": "userSpaceOnUse",
            "width": 6,
            "height": 6,
            "patternTransform": f"rotate({angle})",
        }
        stripes = [
            _el("rect", {"width": 6, "height": 6, "fill": COLOURS[index % len(COLOURS)]}),
            _el("rect", {"width": 2, "height": 6, "fill": "#ffffff"}),
        ]
        patterns.append(_el("pattern", attrs, _join(stripes)))
    return [_el("defs", {}, _join(patterns))] if patterns else []


def _bar(
    prefix: str, index: int, *, x: float, y: float, width: float, height: float, tooltip: str | None
) -> SafeString:
    attrs = {
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "fill": _bar_fill(prefix, index),
        "stroke": COLOURS[index % len(COLOURS)],
    }
    return _el("rect", attrs, None if tooltip is None else _el("title", {}, tooltip))


def _bar_marks(plot: _Plot) -> list[SafeString]:
    group = plot.slot * 0.7
    bar_width = group / len(plot.series)
    zero = plot.y(0.0)
    parts = []
    for index, s in enumerate(plot.series):
        values = dict(s.points)
        for position, category in enumerate(plot.categories):
            value = values.get(category)
            if value is None:
                continue
            x = plot.x(position) - group / 2 + index * bar_width
            y = plot.y(float(value))
            parts.append(
                _bar(
                    plot.prefix,
                    index,
                    x=x,
                    y=min(y, zero),
                    width=bar_width,
                    height=abs(zero - y),
                    tooltip=plot.tooltip(s, category, float(value)),
                )
            )
            label = plot.value(float(value))
            if _text_width(label) <= bar_width + 8:
                label_y = y - 4 if value >= 0 else y + FONT_SIZE + 2
                parts.append(_text(x + bar_width / 2, label_y, label, "middle"))
    return parts


def _bar_swatch(prefix: str, index: int, x: float, y: float) -> SafeString:
    return _bar(prefix, index, x=x + 4, y=y - 6, width=16, height=12, tooltip=None)


_LINE = _Kind(name="line", marks=_line_marks, swatch=_line_swatch, defs=_no_defs, thin_labels=True, value_headroom=0)
_BAR = _Kind(
    name="bar", marks=_bar_marks, swatch=_bar_swatch, defs=_bar_defs, thin_labels=False, value_headroom=LINE_HEIGHT
)
