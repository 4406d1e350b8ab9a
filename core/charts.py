"""Inline SVG charts for the self-contained HTML reports: no scripts, no web addresses, every text escaped."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape


def nice_step(maximum: int, max_ticks: int = 5) -> int:
    """The smallest 1/2/5 x 10^k step that covers `maximum` in at most `max_ticks` intervals."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if maximum <= step * max_ticks:
                return step
        magnitude *= 10


def scale(maximum: int) -> tuple[int, int]:
    """Tick step and axis maximum; a bar never reaches the top, so its value label stays inside the plot."""
    step = nice_step(max(maximum, 1))
    return step, step * (max(maximum, 1) // step + 1)


def fmt_count(n: int) -> str:
    return f"{n:,}"


def svg_open(chart_id: str, title: str, width: int, height: int) -> list[str]:
    # no xmlns: inline SVG in HTML needs none, and the page must not name any web address at all
    return [f'<svg role="img" aria-labelledby="{chart_id}-title" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" class="chart">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<text x="{width / 2:.0f}" y="20" text-anchor="middle" class="chart-title">{escape(title)}</text>']


#: the width of one character of a 12px label, in SVG units (generous, so long labels are never cut off)
_CHAR_W = 7.2


def bar_chart_svg(chart_id: str, title: str, items: Sequence[tuple[str, int]], axis_label: str, *,
                  width: int = 760) -> Markup:
    """A horizontal bar chart (one bar per label) as inline SVG; every text is escaped. `width` is the size in
    CSS pixels the chart is drawn for: give the width it will be shown at (a half-page column: about 540), so
    that its 12px text is not scaled down. The label column grows with the longest label, up to 45% of it."""
    right_pad, row_h, top = 70, 22, 40
    longest = max((len(label) for label, _value in items), default=0)
    label_w = math.ceil(min(max(190 * width / 760, longest * _CHAR_W + 16), width * 0.45))
    plot_w = width - label_w - right_pad
    rows = max(len(items), 1)
    axis_y = top + rows * row_h
    height = axis_y + 52
    maximum = max((value for _label, value in items), default=0)
    step, scale_max = scale(maximum)
    parts = svg_open(chart_id, title, width, height)
    for tick in range(0, scale_max + 1, step):
        x = label_w + plot_w * tick / scale_max
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" class="grid"/>')
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" class="tick">'
                     f'{fmt_count(tick)}</text>')
    if not items:
        parts.append(f'<text x="{label_w + 8}" y="{top + 15}" class="tick">No findings</text>')
    for row, (label, value) in enumerate(items):
        y = top + row * row_h
        bar_w = plot_w * value / scale_max
        shown = label if len(label) * _CHAR_W + 16 <= label_w else label[:int((label_w - 16) / _CHAR_W) - 1] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="label">'
                     f'{escape(shown)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{bar_w:.1f}" height="{row_h - 6}" '
                     f'class="bar"><title>{escape(label)}: {fmt_count(value)}</title></rect>')
        parts.append(f'<text x="{label_w + bar_w + 6:.1f}" y="{y + 15}" class="value">{fmt_count(value)}</text>')
    parts.append(f'<line x1="{label_w}" y1="{axis_y}" x2="{label_w + plot_w}" y2="{axis_y}" class="axis"/>')
    parts.append(f'<line x1="{label_w}" y1="{top}" x2="{label_w}" y2="{axis_y}" class="axis"/>')
    parts.append(f'<text x="{label_w + plot_w / 2:.0f}" y="{axis_y + 40}" text-anchor="middle" '
                 f'class="axis-title">{escape(axis_label)}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))
