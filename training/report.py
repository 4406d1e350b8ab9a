"""The memorisation-probe report (`gdprep probe`) as one self-contained HTML page for a compliance officer and an
auditor: the release verdict first, then each probe's figures as tables and inline SVG (no scripts, no fonts,
no web addresses). It shows only what the probe report holds: canary refs, never secrets; masked completions,
never original values."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment
from markupsafe import Markup, escape

from gdprep.templating import template_environment

_TEMPLATE_NAME: Final = "probe_report.html.j2"
#: shown when a figure is absent (a rate over no eligible records, an AUC over no records)
NOT_AVAILABLE: Final = "n/a"
#: stroke colour and dash pattern per ROC curve: distinct in colour and, for greyscale prints, in dashes
_SERIES_STYLES: Final[tuple[tuple[str, str], ...]] = (
    ("#1f5f99", ""), ("#b35806", "9 4"), ("#1b7837", "2 3"), ("#762a83", "10 3 2 3"),
    ("#404040", "5 2 1 2 1 2"), ("#8c510a", "14 4"),
)
_SIGNAL_DESCRIPTIONS: Final[Mapping[str, str]] = {
    "loss": "the fine-tuned model's mean loss on the record (members tend to have lower loss)",
    "zlib": "the record's log-likelihood divided by its zlib-compressed size, so text that is merely easy "
            "to predict is not mistaken for memorised text",
    "min_k": "the mean of the record's least likely tokens (Min-K%), which memorised text lifts most",
    "reference": "the base model's loss minus the fine-tuned model's loss on the record: how much the "
                 "fine-tuning itself made the record more likely",
}
_THRESHOLD_DESCRIPTIONS: Final[Mapping[str, str]] = {
    "canary_margin_bits": "The highest canary exposure must stay below log2|secret space| minus this many bits",
    "max_regurgitated_pii": "The most generations that may reproduce an original PII value",
    "extraction_alpha": "Fail when the training records' k-extractable rate exceeds the test records' with a "
                        "one-sided Fisher exact p below this",
    "mia_auc_ci_must_include_half": "Fail when a membership-inference AUC's bootstrap 95% CI lies wholly above 0.5",
    "max_mia_ci_width": "Inconclusive, not pass, when a membership-inference AUC's 95% CI is wider than this",
    "release_if_inconclusive": "Whether an inconclusive verdict (too few test records) still releases the model",
}
_EXTRACTION_CHECK_RE: Final = re.compile(r"extraction_k(\d+)")
_ID_UNSAFE_RE: Final = re.compile(r"[^A-Za-z0-9_-]+")


# --------------------------------------------------------------------------------------------- numbers

def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def fmt_count(value: Any) -> str:
    """1234 -> "1,234"; a whole float (a rank of 3904.0) like an int; a tie-broken rank to one decimal."""
    if not _is_number(value):
        return NOT_AVAILABLE if value is None else str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def fmt_bits(value: Any) -> str:
    """Exposure and other bit counts to one decimal."""
    return f"{value:.1f}" if _is_number(value) else NOT_AVAILABLE


def fmt_auc(value: Any) -> str:
    """AUCs and TPRs to three decimals."""
    return f"{value:.3f}" if _is_number(value) else NOT_AVAILABLE


def fmt_pct(rate: Any) -> str:
    """A rate in [0, 1] as a percentage with at most two decimals: 0.0125 -> "1.25%", 0.0 -> "0%"."""
    if not _is_number(rate):
        return NOT_AVAILABLE
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def fmt_p(value: Any) -> str:
    """A p-value to three significant figures."""
    return f"{value:.3g}" if _is_number(value) else NOT_AVAILABLE


def fmt_value(value: Any) -> str:
    """A threshold or setting as a reader expects it: yes/no, 0.05, 10, [8, 16, 32]."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(v) for v in value)
    return NOT_AVAILABLE if value is None else str(value)


def short_hash(value: Any, keep: int = 12) -> str:
    """The first `keep` hex digits of a hash (after an "algorithm:" prefix, which stays) and an ellipsis."""
    text = "" if value is None else str(value)
    prefix, sep, digest = text.rpartition(":")
    head = f"{prefix}{sep}" if sep else ""
    return f"{head}{digest[:keep]}…" if len(digest) > keep else text


def check_label(name: str) -> str:
    """What a release-gate check (a key of `decision.checks`) asserts, in words."""
    if name == "canary_exposure":
        return "The most exposed canary stays below the gate limit"
    if name == "pii_regurgitation":
        return "Generations reproducing an original PII value stay within the allowed number"
    if match := _EXTRACTION_CHECK_RE.fullmatch(name):
        return (f"The {match.group(1)}-extractable rate on training records is not significantly above "
                "the test records'")
    if name.startswith("mia_"):
        return f"Membership inference ({name[4:]}): the AUC's 95% CI includes 0.5 or lies below it"
    return name


# --------------------------------------------------------------------------------------------- SVG pieces

def _nice_step(span: float, max_ticks: int = 5) -> float:
    """The smallest 1/2/2.5/5 x 10^k step that covers `span` in at most `max_ticks` intervals."""
    if not span > 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(span / max_ticks))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if factor * magnitude * max_ticks >= span:
            return factor * magnitude
    return 10.0 * magnitude  # pragma: no cover - the loop always returns


def _ticks(low: float, high: float, max_ticks: int = 5) -> list[float]:
    """Nice tick values within [low, high]."""
    step = _nice_step(high - low, max_ticks)
    first = math.ceil(low / step - 1e-9) * step
    count = int(math.floor((high - first) / step + 1e-9)) + 1
    return [round(first + i * step, 10) for i in range(max(count, 0))]


def _axis_top(maximum: float, max_ticks: int = 5) -> float:
    """An axis maximum at a nice tick at or above `maximum` (1 for an all-zero axis)."""
    if not maximum > 0:
        return 1.0
    step = _nice_step(maximum, max_ticks)
    return math.ceil(maximum / step - 1e-9) * step


def _tick_text(value: float) -> str:
    return f"{round(value, 6):g}"


def _svg_open(chart_id: str, title: str, width: int, height: int, description: str = "") -> list[str]:
    # no xmlns: inline SVG in HTML needs none, and the page names no web address at all
    labelled = f"{chart_id}-title" + (f" {chart_id}-desc" if description else "")
    parts = [f'<svg role="img" aria-labelledby="{escape(labelled)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" class="chart" id="{escape(chart_id)}">',
             f'<title id="{escape(chart_id)}-title">{escape(title)}</title>']
    if description:
        parts.append(f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>')
    parts.append(f'<text x="{width / 2:.0f}" y="20" text-anchor="middle" class="chart-title">{escape(title)}</text>')
    return parts


def chart_id_for(prefix: str, index: int, name: str) -> str:
    """A document-unique element id from free text (a canary ref may hold any character)."""
    return f"{prefix}-{index}-{_ID_UNSAFE_RE.sub('-', name)[:32].strip('-') or 'x'}"


def exposure_chart_svg(chart_id: str, title: str, canaries: Sequence[Mapping[str, Any]]) -> Markup:
    """Exposure per canary as vertical bars, with the gate limit as a horizontal dashed line.

    Each item holds `label` (the canary ref and repetitions), `exposure`, `log2_space` and `limit` (None when
    the report carries no margin). The y axis runs to the largest secret space, the most exposure possible.
    """
    left, right, top, bottom = 56, 150, 40, 58
    slot = 86
    plot_w = max(len(canaries), 1) * slot
    plot_h = 220
    width, height = left + plot_w + right, top + plot_h + bottom
    base_y = top + plot_h
    maximum = max([c["log2_space"] for c in canaries if _is_number(c["log2_space"])]
                  + [c["exposure"] for c in canaries if _is_number(c["exposure"])]
                  + [c["limit"] for c in canaries if _is_number(c["limit"])] + [1.0])
    y_max = _axis_top(maximum)

    def y_of(value: float) -> float:
        return base_y - plot_h * max(0.0, min(value, y_max)) / y_max

    parts = _svg_open(chart_id, title, width, height,
                      "Bar height is each canary's exposure in bits; the dashed line is the release gate limit.")
    for tick in _ticks(0.0, y_max):
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_tick_text(tick)}</text>')
    if not canaries:
        parts.append(f'<text x="{left + 8}" y="{top + 20}" class="tick">No canaries</text>')
    for i, canary in enumerate(canaries):
        x = left + i * slot
        exposure = canary["exposure"] if _is_number(canary["exposure"]) else 0.0
        limit = canary["limit"]
        tip = f'canary {canary["label"]}: exposure {fmt_bits(canary["exposure"])} bits'
        if _is_number(limit):
            tip += f", gate limit {fmt_bits(limit)} bits"
        bar_y = y_of(exposure)
        parts.append(f'<rect x="{x + 18}" y="{bar_y:.1f}" width="{slot - 36}" height="{base_y - bar_y:.1f}" '
                     f'class="bar"><title>{escape(tip)}</title></rect>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{bar_y - 5:.1f}" text-anchor="middle" class="value">'
                     f'{fmt_bits(canary["exposure"])}</text>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{base_y + 16}" text-anchor="middle" class="label">'
                     f'{escape(canary["label"])}</text>')
    limits = {round(float(c["limit"]), 9) for c in canaries if _is_number(c["limit"])}
    if len(limits) == 1:
        (limit,) = limits
        y = y_of(limit)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="limit">'
                     f'<title>gate limit {fmt_bits(limit)} bits</title></line>')
        parts.append(f'<text x="{left + plot_w + 6}" y="{y + 4:.1f}" class="limit-label">'
                     f'gate limit {fmt_bits(limit)} bits</text>')
    else:  # canaries of different secret spaces: each bar gets its own limit segment
        for i, canary in enumerate(canaries):
            if _is_number(canary["limit"]):
                x, y = left + i * slot, y_of(canary["limit"])
                parts.append(f'<line x1="{x + 6}" y1="{y:.1f}" x2="{x + slot - 6}" y2="{y:.1f}" class="limit">'
                             f'<title>gate limit {fmt_bits(canary["limit"])} bits</title></line>')
        if limits:
            parts.append(f'<text x="{left + plot_w + 6}" y="{top + 12}" class="limit-label">dashed: gate limit</text>')
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" class="axis"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base_y}" class="axis"/>')
    parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 10}" text-anchor="middle" class="axis-title">'
                 'Canary (ref, times inserted)</text>')
    parts.append(f'<text x="16" y="{top + plot_h / 2:.0f}" text-anchor="middle" class="axis-title" '
                 f'transform="rotate(-90 16 {top + plot_h / 2:.0f})">Exposure (bits)</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def nll_histogram_svg(chart_id: str, title: str, counts: Sequence[int], edges: Sequence[float],
                      mark: float | None) -> Markup:
    """A small histogram of the candidate secrets' log-perplexities with a vertical marker at the canary's own
    (lower is more likely; a marker far left of the mass means the model prefers the real secret)."""
    left, right, top, bottom = 46, 14, 34, 42
    width, height = 380, 190
    plot_w, plot_h = width - left - right, height - top - bottom
    base_y = top + plot_h
    parts = _svg_open(chart_id, title, width, height,
                      "Bars: how many random candidate secrets had each log-perplexity; "
                      "dashed line: the inserted secret's own log-perplexity.")
    if not counts or len(edges) != len(counts) + 1:
        parts.append(f'<text x="{left + 8}" y="{top + 20}" class="tick">No histogram in the report</text>')
        parts.append("</svg>")
        return Markup("\n".join(parts))
    low, high = float(edges[0]), float(edges[-1])
    if mark is not None and _is_number(mark):
        pad = (high - low) * 0.03
        low, high = min(low, float(mark) - pad), max(high, float(mark) + pad)
    span = (high - low) or 1.0
    y_max = _axis_top(float(max(counts)), 4)

    def x_of(value: float) -> float:
        return left + plot_w * (value - low) / span

    for tick in _ticks(0.0, y_max, 4):
        y = base_y - plot_h * tick / y_max
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick small">'
                     f'{_tick_text(tick)}</text>')
    for count, lo_edge, hi_edge in zip(counts, edges[:-1], edges[1:], strict=True):
        if not count:
            continue
        x0, x1 = x_of(float(lo_edge)), x_of(float(hi_edge))
        h = plot_h * count / y_max
        parts.append(f'<rect x="{x0:.1f}" y="{base_y - h:.1f}" width="{max(x1 - x0 - 0.5, 0.5):.1f}" '
                     f'height="{h:.1f}" class="bar-light"><title>{float(lo_edge):.2f}–{float(hi_edge):.2f}: '
                     f'{fmt_count(count)} candidates</title></rect>')
    for tick in _ticks(low, high, 5):
        parts.append(f'<text x="{x_of(tick):.1f}" y="{base_y + 14}" text-anchor="middle" class="tick small">'
                     f'{_tick_text(tick)}</text>')
    if mark is not None and _is_number(mark):
        x = x_of(float(mark))
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{base_y}" class="mark">'
                     f'<title>canary log-perplexity {float(mark):.2f}</title></line>')
        anchor = "start" if x < left + plot_w / 2 else "end"
        offset = 4 if anchor == "start" else -4
        parts.append(f'<text x="{x + offset:.1f}" y="{top + 6}" text-anchor="{anchor}" class="mark-label">'
                     f'canary {float(mark):.2f}</text>')
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" class="axis"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base_y}" class="axis"/>')
    parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 8}" text-anchor="middle" class="axis-title small">'
                 'Log-perplexity of the secret (nats)</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def grouped_rate_chart_svg(chart_id: str, title: str, groups: Sequence[tuple[str, float | None, float | None]],
                           series: tuple[str, str] = ("training records", "test records")) -> Markup:
    """Two bars per group (train, test) of rates in [0, 1], drawn as percentages; an absent rate says n/a."""
    left, right, top, bottom = 60, 20, 56, 50
    group_w = 150
    plot_w = max(len(groups), 1) * group_w
    plot_h = 200
    width, height = max(left + plot_w + right, 420), top + plot_h + bottom
    base_y = top + plot_h
    rates: list[float] = [r for _label, a, b in groups for r in (a, b) if r is not None and _is_number(r)]
    y_max = _axis_top(max(rates, default=0.0) * 100)
    parts = _svg_open(chart_id, title, width, height,
                      f"For each prefix length k, the {series[0]}' and {series[1]}' k-extractable rates.")
    for tick in _ticks(0.0, y_max):
        y = base_y - plot_h * tick / y_max
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_tick_text(tick)}%</text>')
    if not groups:
        parts.append(f'<text x="{left + 8}" y="{top + 20}" class="tick">No data</text>')
    bar_w = 46
    for i, (label, *values) in enumerate(groups):
        x = left + i * group_w + (group_w - 2 * bar_w - 6) / 2
        for j, (value, css) in enumerate(zip(values, ("bar", "bar-alt"), strict=True)):
            bx = x + j * (bar_w + 6)
            if value is not None and _is_number(value):
                h = plot_h * min(value * 100, y_max) / y_max
                parts.append(f'<rect x="{bx:.1f}" y="{base_y - h:.1f}" width="{bar_w}" height="{h:.1f}" '
                             f'class="{css}"><title>{escape(label)}, {escape(series[j])}: {fmt_pct(value)}</title>'
                             '</rect>')
                text_y = base_y - h - 5
            else:
                text_y = base_y - 5
            parts.append(f'<text x="{bx + bar_w / 2:.1f}" y="{text_y:.1f}" text-anchor="middle" class="value">'
                         f'{fmt_pct(value)}</text>')
        parts.append(f'<text x="{left + i * group_w + group_w / 2:.1f}" y="{base_y + 16}" text-anchor="middle" '
                     f'class="label">{escape(label)}</text>')
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" class="axis"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base_y}" class="axis"/>')
    parts.append(f'<text x="18" y="{top + plot_h / 2:.0f}" text-anchor="middle" class="axis-title" '
                 f'transform="rotate(-90 18 {top + plot_h / 2:.0f})">Records extracted</text>')
    parts.append(f'<text x="{left + plot_w / 2:.0f}" y="{height - 8}" text-anchor="middle" class="axis-title">'
                 'Prefix length (tokens)</text>')
    parts.append(f'<rect x="{left}" y="32" width="12" height="12" class="bar"/>'
                 f'<text x="{left + 18}" y="42" class="tick">{escape(series[0])}</text>'
                 f'<rect x="{left + 150}" y="32" width="12" height="12" class="bar-alt"/>'
                 f'<text x="{left + 168}" y="42" class="tick">{escape(series[1])}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def roc_chart_svg(chart_id: str, title: str,
                  curves: Sequence[tuple[str, str, Sequence[float], Sequence[float]]]) -> Markup:
    """ROC curves over the chance diagonal, with a legend. Each curve is (signal name, legend text, FPRs, TPRs)
    and becomes one polyline whose `data-signal` names it, in its own colour and dash pattern so the plot
    reads in greyscale too."""
    left, right, top, bottom = 62, 200, 40, 58
    size = 340
    width, height = left + size + right, top + size + bottom
    base_y = top + size

    def point(fpr: float, tpr: float) -> str:
        return f"{left + size * min(max(fpr, 0.0), 1.0):.1f},{base_y - size * min(max(tpr, 0.0), 1.0):.1f}"

    parts = _svg_open(chart_id, title, width, height,
                      "True-positive rate against false-positive rate for each membership signal; "
                      "the dotted diagonal is a signal that cannot tell members from non-members.")
    for tick in _ticks(0.0, 1.0):
        x, y = left + size * tick, base_y - size * tick
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + size}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{base_y}" class="grid"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_tick_text(tick)}</text>')
        parts.append(f'<text x="{x:.1f}" y="{base_y + 16}" text-anchor="middle" class="tick">{_tick_text(tick)}</text>')
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + size}" y2="{top}" class="chance">'
                 '<title>chance (AUC 0.5)</title></line>')
    for i, (name, legend, fpr, tpr) in enumerate(curves):
        colour, dash = _SERIES_STYLES[i % len(_SERIES_STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(point(float(f), float(t)) for f, t in zip(fpr, tpr, strict=True))
        parts.append(f'<polyline data-signal="{escape(name)}" points="{points}" fill="none" stroke="{colour}" '
                     f'stroke-width="2.2"{dash_attr} class="roc"><title>{escape(name)}</title></polyline>')
        ly = top + 14 + i * 22
        parts.append(f'<line x1="{left + size + 16}" y1="{ly}" x2="{left + size + 52}" y2="{ly}" stroke="{colour}" '
                     f'stroke-width="2.2"{dash_attr}/>')
        parts.append(f'<text x="{left + size + 58}" y="{ly + 4}" class="label">{escape(legend)}</text>')
    ly = top + 14 + len(curves) * 22
    parts.append(f'<line x1="{left + size + 16}" y1="{ly}" x2="{left + size + 52}" y2="{ly}" class="chance"/>')
    parts.append(f'<text x="{left + size + 58}" y="{ly + 4}" class="label">chance</text>')
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + size}" y2="{base_y}" class="axis"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base_y}" class="axis"/>')
    parts.append(f'<text x="{left + size / 2:.0f}" y="{height - 14}" text-anchor="middle" class="axis-title">'
                 'False-positive rate (non-members flagged)</text>')
    parts.append(f'<text x="18" y="{top + size / 2:.0f}" text-anchor="middle" class="axis-title" '
                 f'transform="rotate(-90 18 {top + size / 2:.0f})">True-positive rate (members found)</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


# --------------------------------------------------------------------------------------------- views

def canary_rows(canaries: Sequence[Mapping[str, Any]], margin_bits: Any) -> list[dict[str, Any]]:
    """The canary table's rows: the report's figures plus the gate limit (log2|R| - margin). Only named fields
    are copied, so nothing else a canary entry might hold reaches the page."""
    rows = []
    for canary in canaries:
        log2_space = canary["log2_space"]
        limit = log2_space - margin_bits if _is_number(log2_space) and _is_number(margin_bits) else None
        exposure = canary["exposure"]
        rows.append({
            "ref": str(canary["ref"]),
            "label": f'{canary["ref"]} ×{fmt_count(canary["repetitions"])}',
            "repetitions": canary["repetitions"],
            "rank": canary["rank"],
            "candidates": canary["candidates"],
            "log2_space": log2_space,
            "exposure_sampled": canary["exposure_sampled"],
            "exposure_extrapolated": canary["exposure_extrapolated"],
            "exposure": exposure,
            "estimate": canary["estimate"],
            "limit": limit,
            "below_limit": (exposure < limit) if _is_number(exposure) and limit is not None else None,
            "histogram": canary.get("histogram"),
        })
    return rows


def _k_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (1 << 30, key)


def extraction_rows(extraction: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per k (in numeric order) pairing the training and test figures."""
    train, test = extraction.get("train") or {}, extraction.get("test") or {}
    empty = {"eligible": 0, "extracted": 0, "rate": None}
    return [{"k": k, "train": train.get(k, empty), "test": test.get(k, empty),
             "p": train.get(k, {}).get("p_greater_than_test")}
            for k in sorted({*train, *test}, key=_k_order)]


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = template_environment(Path(__file__).parent / "templates")
    env.filters.update(num=fmt_count, bits=fmt_bits, auc=fmt_auc, pct=fmt_pct, pvalue=fmt_p, value=fmt_value,
                       short=short_hash)
    env.globals.update(check_label=check_label, threshold_descriptions=_THRESHOLD_DESCRIPTIONS,
                       signal_descriptions=_SIGNAL_DESCRIPTIONS)
    return env


def render_probe_html(report: Mapping[str, Any]) -> str:
    """The probe report (the JSON document `gdprep probe` writes) as one self-contained HTML page."""
    results = report["results"]
    decision = report["decision"]
    canaries = canary_rows(results["canaries"], decision["thresholds"].get("canary_margin_bits"))
    extraction = extraction_rows(results["extraction"])
    mia = results["membership_inference"]
    charts: dict[str, Any] = {"histograms": []}
    if canaries:
        charts["exposure"] = exposure_chart_svg("chart-exposure", "Exposure per canary (bits)", canaries)
        for i, canary in enumerate(canaries):
            histogram = canary["histogram"] or {}
            charts["histograms"].append(nll_histogram_svg(
                chart_id_for("chart-nll", i, canary["ref"]), f'Canary {canary["label"]}: candidate log-perplexities',
                histogram.get("counts") or [], histogram.get("edges") or [], histogram.get("mark")))
    if extraction:
        charts["extraction"] = grouped_rate_chart_svg(
            "chart-extraction", "k-extractable rate: training vs test records",
            [(f"k = {row['k']}", row["train"]["rate"], row["test"]["rate"]) for row in extraction])
    if mia:
        charts["roc"] = roc_chart_svg(
            "chart-roc", "Membership inference ROC",
            [(name, f"{name} (AUC {fmt_auc(stats['auc'])})", stats["roc"]["fpr"], stats["roc"]["tpr"])
             for name, stats in mia["signals"].items()])
    return _environment().get_template(_TEMPLATE_NAME).render(
        report=report, results=results, decision=decision, canaries=canaries, extraction=extraction, mia=mia,
        charts=charts, passed=decision["release"] == "pass", verdict=decision["release"])
