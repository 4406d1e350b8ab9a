"""The redaction report's files: the JSON as built by `ReportBuilder.finish`, and one self-contained HTML page
(inline CSS and SVG charts, no scripts) rendered from it."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment
from markupsafe import Markup, escape

from gdprep.charts import bar_chart_svg, fmt_count, scale, svg_open
from gdprep.errors import StorageError, UsageError
from gdprep.templating import template_environment

_TEMPLATE_NAME: Final = "report.html.j2"


def histogram_svg(chart_id: str, title: str, bins: Sequence[Mapping[str, Any]],
                  review_band: tuple[float, float]) -> Markup:
    """The score histogram as inline SVG: stacked bars (redacted / below threshold) per 0.1 bin, with
    the review band shaded."""
    left, right, top, bottom = 70, 20, 56, 56
    width, height = 760, 340
    plot_w, plot_h = width - left - right, height - top - bottom
    base_y = top + plot_h
    maximum = max((int(b["count"]) for b in bins), default=0)
    step, scale_max = scale(maximum)
    slot = plot_w / max(len(bins), 1)
    parts = svg_open(chart_id, title, width, height)
    low, high = review_band
    band_x, band_w = left + plot_w * low, plot_w * (high - low)
    parts.append(f'<rect x="{band_x:.1f}" y="{top}" width="{band_w:.1f}" height="{plot_h}" class="band">'
                 f'<title>review band {low:g} to {high:g}</title></rect>')
    parts.append(f'<text x="{band_x + band_w / 2:.1f}" y="{top - 6}" text-anchor="middle" class="tick">'
                 f'review band</text>')
    for tick in range(0, scale_max + 1, step):
        y = base_y - plot_h * tick / scale_max
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">{fmt_count(tick)}</text>')
    for i, b in enumerate(bins):
        x = left + i * slot + 4
        redacted, below = int(b["redacted"]), int(b["below_threshold"])
        h_below = plot_h * below / scale_max
        h_red = plot_h * redacted / scale_max
        if redacted + below == 0:
            continue
        tip = f'{b["low"]:.1f}–{b["high"]:.1f}: {fmt_count(redacted)} redacted, {fmt_count(below)} below threshold'
        parts.append(f'<rect x="{x:.1f}" y="{base_y - h_below:.1f}" width="{slot - 8:.1f}" '
                     f'height="{h_below:.1f}" class="bar-below"><title>{escape(tip)}</title></rect>')
        parts.append(f'<rect x="{x:.1f}" y="{base_y - h_below - h_red:.1f}" width="{slot - 8:.1f}" '
                     f'height="{h_red:.1f}" class="bar"><title>{escape(tip)}</title></rect>')
        parts.append(f'<text x="{x + (slot - 8) / 2:.1f}" y="{base_y - h_below - h_red - 4:.1f}" '
                     f'text-anchor="middle" class="value">{fmt_count(redacted + below)}</text>')
    for i in range(len(bins) + 1):
        x = left + i * slot
        parts.append(f'<text x="{x:.1f}" y="{base_y + 16}" text-anchor="middle" class="tick">'
                     f'{i / max(len(bins), 1):.1f}</text>')
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" class="axis"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base_y}" class="axis"/>')
    parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 12}" text-anchor="middle" '
                 f'class="axis-title">Detection score</text>')
    parts.append(f'<text x="18" y="{top + plot_h / 2:.0f}" text-anchor="middle" class="axis-title" '
                 f'transform="rotate(-90 18 {top + plot_h / 2:.0f})">Findings</text>')
    legend_x = left + plot_w - 250
    parts.append(f'<rect x="{legend_x}" y="30" width="12" height="12" class="bar"/>'
                 f'<text x="{legend_x + 18}" y="40" class="tick">redacted</text>'
                 f'<rect x="{legend_x + 100}" y="30" width="12" height="12" class="bar-below"/>'
                 f'<text x="{legend_x + 118}" y="40" class="tick">below threshold</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def marked_snippet(snippet: str) -> Markup:
    """A masked snippet as HTML: the finding (`⟦TYPE: Xxxx⟧`) in `<mark class="finding">`, other masked
    values (`⟦TYPE⟧`) in `<span class="masked">`, every piece escaped."""
    from gdprep.privacy.report import MARK_CLOSE, MARK_OPEN

    parts: list[str] = []
    rest = snippet
    while rest:
        start = rest.find(MARK_OPEN)
        end = rest.find(MARK_CLOSE, start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            parts.append(str(escape(rest)))
            break
        whole = escape(rest[start:end + 1])
        kind = '<mark class="finding">' if ": " in rest[start + 1:end] else '<span class="masked">'
        parts.append(f"{escape(rest[:start])}{kind}{whole}{'</mark>' if kind.startswith('<mark') else '</span>'}")
        rest = rest[end + 1:]
    return Markup("".join(parts))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = template_environment(Path(__file__).parent / "templates")
    env.filters["num"] = lambda value: fmt_count(value) if isinstance(value, int) else value
    env.filters["marked"] = marked_snippet
    return env


def render_html(report: Mapping[str, Any], *, review_url: str | None = None) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, no scripts, no web addresses).
    `review_url`, where the page is served with a review queue (the service's `/ui/jobs/ID/reviews`), is what
    the "findings await review" line links to besides the report's own review section."""
    findings = report["findings"]
    charts = {
        "entities": bar_chart_svg("chart-entities", "Redacted findings by entity type",
                                  [(k, v) for k, v in findings["by_entity_type"].items()],
                                  "Findings redacted"),
        "histogram": histogram_svg("chart-scores", "Detection scores of all findings",
                                   report["score_histogram"]["bins"],
                                   (report["review_band"]["low"], report["review_band"]["high"])),
    }
    extra = {key: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
             for key, value in report.get("extra", {}).items()}
    return _environment().get_template(_TEMPLATE_NAME).render(report=report, charts=charts, extra=extra,
                                                              review_url=review_url)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(report: Mapping[str, Any], json_path: Path) -> Path:
    """Write the JSON report and the HTML page beside it (same stem, `.html`); return the HTML path."""
    json_path = Path(json_path)
    html_path = json_path.with_suffix(".html")
    if html_path == json_path:
        raise UsageError(f"report path {json_path} ends in .html; give the JSON path, e.g. REPORT.json")
    write_report_files(report, json_path, html_path)
    return html_path


def write_report_files(report: Mapping[str, Any], json_path: Path, html_path: Path,
                       shown: Path | None = None) -> None:
    """Write the JSON report to `json_path` and its HTML page to `html_path` (a run's staging paths);
    errors name `shown`, the path the user asked for."""
    html = render_html(report)  # rendered first so a template error leaves no half-written pair
    try:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(json_path, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        _write_atomic(html_path, html)
    except OSError as exc:
        raise StorageError.from_os_error(exc, shown or json_path) from None
