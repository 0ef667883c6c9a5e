"""Charts drawn on the server as SVG: they print, need no JavaScript, and do not rely on colour.

Each series has a fill pattern (bars) or a dash style and marker shape (lines) besides its colour,
every bar and point carries its value as text, the legend repeats the pattern, and the SVG has a
<title> and <desc> for screen readers. The page shows the same numbers in a data table.
"""

from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.safestring import mark_safe

# Colour-blind-safe palette (Okabe–Ito), each with a pattern / dash / marker of its own.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
PATTERNS = ["solid", "hatch", "dots", "cross", "vertical", "horizontal"]
DASHES = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 2"]
MARKERS = ["circle", "square", "triangle", "diamond", "circle", "square"]
LEGEND_ROW = 18


# Labels are placed so that none overlaps another; their width is estimated from the font size (DejaVu Sans
# averages about 0.62 em a character, Greek and Latin alike).
CHAR_EM = 0.62
LINE_GAP = 3


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_EM


def spread(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Move positions (in any order) apart to at least `gap` from each other, within [low, high], each as
    little as it can: the order is kept, and a crowd that reaches `high` is pushed back up."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [min(max(positions[i], low), high) for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + gap)
    if placed and placed[-1] > high:
        placed[-1] = high
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - gap)
    result = [0.0] * len(positions)
    for k, i in enumerate(order):
        result[i] = placed[k]
    return result


def label_every(room: float, widest: float) -> int:
    """Show every n-th category label so that labels `widest` wide do not touch in `room` each."""
    return max(1, -(-int(widest + 6) // max(int(room), 1)))


@dataclass
class Series:
    name: str
    values: list


@dataclass
class Chart:
    id: str
    title: str
    labels: list[str]
    series: list[Series]
    kind: str = "bar"  # bar or line
    unit: str = ""
    decimals: int = 0

    def svg(self):
        return mark_safe(bar_svg(self) if self.kind == "bar" else line_svg(self))  # noqa: S308 - built with escape()

    def table_rows(self):
        return [(label, [fmt(s.values[i], self.decimals) for s in self.series]) for i, label in enumerate(self.labels)]

    @property
    def is_empty(self):
        return not self.labels or all(not any(s.values) for s in self.series)


def fmt(value, decimals=0) -> str:
    if value is None:
        return "—"
    return number_format(Decimal(value), decimal_pos=decimals, force_grouping=True, use_l10n=True)


def _patterns(chart_id: str, count: int) -> str:
    defs = []
    for index in range(count):
        colour = COLOURS[index % len(COLOURS)]
        kind = PATTERNS[index % len(PATTERNS)]
        pid = f"{chart_id}-p{index}"
        if kind == "solid":
            body = f'<rect width="8" height="8" fill="{colour}"/>'
        elif kind == "hatch":
            body = (f'<rect width="8" height="8" fill="#fff"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" '
                    f'stroke="{colour}" stroke-width="2.2"/>')
        elif kind == "dots":
            body = f'<rect width="8" height="8" fill="#fff"/><circle cx="4" cy="4" r="2.4" fill="{colour}"/>'
        elif kind == "cross":
            body = (f'<rect width="8" height="8" fill="#fff"/><path d="M0,4 h8 M4,0 v8" stroke="{colour}" '
                    f'stroke-width="2"/>')
        elif kind == "vertical":
            body = f'<rect width="8" height="8" fill="#fff"/><path d="M4,0 v8" stroke="{colour}" stroke-width="3"/>'
        else:
            body = f'<rect width="8" height="8" fill="#fff"/><path d="M0,4 h8" stroke="{colour}" stroke-width="3"/>'
        defs.append(f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">{body}</pattern>')
    return "<defs>" + "".join(defs) + "</defs>"


def _scale_max(values) -> float:
    top = max([float(v or 0) for v in values] + [0])
    if top <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * magnitude:
            return step * magnitude
    return top


def _frame(chart: Chart, width, height, body: str, legend: str) -> str:
    desc = "; ".join(f"{s.name}: " + ", ".join(f"{label} {fmt(v, chart.decimals)}"
                                               for label, v in zip(chart.labels, s.values, strict=True))
                     for s in chart.series)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{chart.id}-t {chart.id}-d" font-family="DejaVu Sans, sans-serif" font-size="11">'
            f'<title id="{chart.id}-t">{escape(chart.title)}</title><desc id="{chart.id}-d">{escape(desc)}</desc>'
            f'{_patterns(chart.id, len(chart.series))}{body}{legend}</svg>')


def _axis(top, left, plot_w, plot_h, y0, maximum, decimals):
    parts = []
    for step in range(5):
        value = maximum * step / 4
        y = y0 - plot_h * step / 4
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" '
                     f'stroke-width="0.6"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#333">'
                     f'{escape(fmt(value, decimals if maximum < 10 else 0))}</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{y0}" stroke="#333"/>')
    parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y0}" y2="{y0}" stroke="#333"/>')
    return "".join(parts)


def _legend(chart: Chart, y, kind, width) -> tuple[str, int]:
    """The legend from `y` down, wrapping to a new row rather than running off the chart; (svg, rows)."""
    parts, x, rows = [], 50, 1
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        room = (30 if kind == "bar" else 38) + text_width(series.name, 11)
        if x > 50 and x + room > width - 8:
            x, y, rows = 50, y + LEGEND_ROW, rows + 1
        if kind == "bar":
            swatch = (f'<rect x="{x}" y="{y - 10}" width="14" height="12" fill="url(#{chart.id}-p{index})" '
                      f'stroke="{colour}"/>')
            text_x = x + 18
        else:
            swatch = (f'<line x1="{x}" x2="{x + 22}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" stroke-width="2.5" '
                      f'stroke-dasharray="{DASHES[index % len(DASHES)]}"/>{_marker(index, x + 11, y - 4, colour)}')
            text_x = x + 26
        parts.append(swatch + f'<text x="{text_x:.0f}" y="{y}" fill="#111">{escape(series.name)}</text>')
        x += room + 12
    return "".join(parts), rows


def _legend_rows(chart: Chart, kind, width) -> int:
    return _legend(chart, 0, kind, width)[1]


def _marker(index, x, y, colour) -> str:
    shape = MARKERS[index % len(MARKERS)]
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f},{y - 4.5:.1f} l4.5,8 h-9 z" fill="{colour}"/>'
    return f'<path d="M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 z" fill="{colour}"/>'


def _category_labels(labels, room, y0, centre, width) -> list[str]:
    """The category labels under the axis: every n-th when they would touch, none past the chart's edges."""
    every = label_every(room, max((text_width(str(label), 10) for label in labels), default=0))
    parts = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        half = text_width(str(label), 10) / 2
        x = min(max(centre(i), half + 2), width - half - 2)
        parts.append(f'<text x="{x:.1f}" y="{y0 + 18}" text-anchor="middle" font-size="10" fill="#111">'
                     f'{escape(str(label))}</text>')
    return parts


def bar_svg(chart: Chart) -> str:
    width, left, top = 640, 56, 16
    rows = _legend_rows(chart, "bar", width)
    height = 300 + LEGEND_ROW * (rows - 1)
    plot_w, plot_h = width - left - 12, 300 - top - 66
    y0 = top + plot_h
    maximum = _scale_max(v for s in chart.series for v in s.values)
    groups = max(len(chart.labels), 1)
    group_w = plot_w / groups
    bar_w = min(40.0, group_w * 0.8 / max(len(chart.series), 1))
    parts = [_axis(top, left, plot_w, plot_h, y0, maximum, chart.decimals)]
    # A value is written over its bar when it fits the bar's width: otherwise the table has it.
    widest_value = max((text_width(fmt(v, chart.decimals), 9) for s in chart.series for v in s.values), default=0)
    show_values = widest_value <= bar_w + 1
    for g, _label in enumerate(chart.labels):
        x_start = left + g * group_w + (group_w - bar_w * len(chart.series)) / 2
        for index, series in enumerate(chart.series):
            value = float(series.values[g] or 0)
            h = plot_h * value / maximum
            x = x_start + index * bar_w
            parts.append(f'<rect x="{x:.1f}" y="{y0 - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                         f'fill="url(#{chart.id}-p{index})" stroke="{COLOURS[index % len(COLOURS)]}"/>')
            if show_values and value:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y0 - h - 3:.1f}" text-anchor="middle" '
                             f'font-size="9" fill="#111">{escape(fmt(series.values[g], chart.decimals))}</text>')
    parts.extend(_category_labels(chart.labels, group_w, y0, lambda i: left + i * group_w + group_w / 2, width))
    legend, _rows = _legend(chart, 300 - 14, "bar", width)
    return _frame(chart, width, height, "".join(parts), legend)


def line_svg(chart: Chart) -> str:
    width, left, top = 640, 56, 16
    rows = _legend_rows(chart, "line", width)
    height = 300 + LEGEND_ROW * (rows - 1)
    plot_w, plot_h = width - left - 12, 300 - top - 66
    y0 = top + plot_h
    maximum = _scale_max(v for s in chart.series for v in s.values)
    count = max(len(chart.labels), 1)
    step = plot_w / max(count - 1, 1)
    parts = [_axis(top, left, plot_w, plot_h, y0, maximum, chart.decimals)]
    parts.extend(_category_labels(chart.labels, step, y0, lambda i: left + i * step, width))
    ends = []
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        points = [(left + i * step, y0 - plot_h * max(float(v or 0), 0) / maximum) for i, v in enumerate(series.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                     f'stroke-dasharray="{DASHES[index % len(DASHES)]}"/>')
        parts.extend(_marker(index, x, y, colour) for x, y in points)
        if points:
            ends.append((points[-1], f"{series.name} {fmt(series.values[-1], chart.decimals)}"))
    # Each series' name at its last point, readable without the legend's colours; lines that end close
    # together get their names moved apart (never on top of each other), each as little as it can.
    font = 10
    label_ys = spread([y - 8 for (_x, y), _text in ends], font + LINE_GAP, top + font, y0 - 4)
    for ((x, _y), text), label_y in zip(ends, label_ys, strict=True):
        anchor, text_x = ("end", x - 6) if x - 6 - text_width(text, font) >= left else ("start", x + 8)
        parts.append(f'<text x="{text_x:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" font-size="{font}" '
                     f'fill="#111" stroke="#fff" stroke-width="3" paint-order="stroke">{escape(text)}</text>')
    legend, _rows = _legend(chart, 300 - 14, "line", width)
    return _frame(chart, width, height, "".join(parts), legend)
