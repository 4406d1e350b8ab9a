"""The loss curve of a training job as inline SVG for its page: no scripts, no web addresses, every text escaped
(the page's CSP allows neither external assets nor inline scripts)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from gdprep.charts import svg_open

_SERIES = (("loss", "training loss", "line-train"), ("eval_loss", "validation loss", "line-eval"))


def _points(history: Sequence[Mapping[str, Any]], key: str) -> list[tuple[float, float]]:
    out = []
    for point in history:
        step, value = point.get("step"), point.get(key)
        if isinstance(step, (int, float)) and isinstance(value, (int, float)) and math.isfinite(value):
            out.append((float(step), float(value)))
    return out


def loss_curve_svg(chart_id: str, history: Sequence[Mapping[str, Any]]) -> Markup | None:
    """Training and validation loss against the optimiser step (the manifest's `loss_history`); None when
    there is nothing to draw."""
    series = [(label, css, pts) for key, label, css in _SERIES if (pts := _points(history, key))]
    if not series:
        return None
    width, height, left, right, top, bottom = 640, 300, 64, 24, 40, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    steps = [s for _l, _c, pts in series for s, _v in pts]
    values = [v for _l, _c, pts in series for _s, v in pts]
    x_min, x_max = min(steps), max(steps)
    y_min, y_max = min(values), max(values)
    pad = (y_max - y_min) * 0.05 or abs(y_max) * 0.05 or 1.0
    y_min, y_max = max(0.0, y_min - pad), y_max + pad

    def x(step: float) -> float:
        return left + (plot_w * (step - x_min) / (x_max - x_min) if x_max > x_min else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - y_min) / (y_max - y_min))

    parts = svg_open(chart_id, "Loss by training step", width, height)
    for i in range(5):
        value = y_min + (y_max - y_min) * i / 4
        parts.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{left + plot_w}" y2="{y(value):.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" class="tick">{value:.3g}</text>')
    for step in sorted({x_min, x_max}):
        parts.append(f'<text x="{x(step):.1f}" y="{top + plot_h + 16}" text-anchor="middle" class="tick">'
                     f'{step:g}</text>')
    for row, (label, css, pts) in enumerate(series):
        coords = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in pts)
        parts.append(f'<polyline points="{coords}" class="{css}" fill="none"><title>{escape(label)}</title>'
                     "</polyline>")
        for s, v in pts:
            parts.append(f'<circle cx="{x(s):.1f}" cy="{y(v):.1f}" r="2.5" class="{css}">'
                         f"<title>{escape(label)} at step {s:g}: {v:.4f}</title></circle>")
        parts.append(f'<text x="{left + 8 + 170 * row}" y="{height - 12}" class="label {css}-label">'
                     f"{escape(label)}</text>")
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" class="axis"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" class="axis"/>')
    parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{top + plot_h + 34}" text-anchor="middle" '
                 'class="axis-title">step</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))
