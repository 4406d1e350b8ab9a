"""The curation report as a self-contained HTML page (inline CSS and SVG, no scripts or web addresses)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment

from gdprep.charts import bar_chart_svg
from gdprep.templating import template_environment


def _fmt(value: Any) -> Any:
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else value


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = template_environment(Path(__file__).parent / "templates")
    env.filters["num"] = _fmt
    return env


#: the CSS width charts are drawn for: the page column (main is 1180px with 1.25rem padding) and half of it
#: (two charts side by side), so their 12px text shows at 12px and does not shrink
FULL_WIDTH = 760
HALF_WIDTH = 540


def render_html(report: Mapping[str, Any]) -> str:
    """The curation report as one self-contained page; the config is folded away under the figures."""
    labels = report["labels"]

    def chart(chart_id: str, title: str, items: list[tuple[str, int]], axis: str, width: int = HALF_WIDTH) -> Any:
        return bar_chart_svg(chart_id, title, items, axis, width=width)

    charts = {
        "stages": chart("chart-stages", "Records removed per stage",
                        [(s["stage"], s["removed"]) for s in report["stages"]], "Records removed", FULL_WIDTH),
        "exact_sizes": chart("chart-exact", "Exact-duplicate group sizes",
                             [(f"{k} records", v) for k, v in report["dedup"]["exact_group_sizes"].items()], "Groups"),
        "near_sizes": chart("chart-near", "Near-duplicate cluster sizes",
                            [(f"{k} records", v) for k, v in report["dedup"]["near_cluster_sizes"].items()],
                            "Clusters"),
        "labels_before": chart("chart-labels-before", "Labels before curation", list(labels["before"].items()),
                               "Records"),
        "labels_after": chart("chart-labels-after", "Labels after balancing", list(labels["after_balance"].items()),
                              "Records"),
        "splits": chart("chart-splits", "Split sizes", list(report["splits"].items()), "Records", FULL_WIDTH),
    }
    config_json = json.dumps(report["config"], indent=2, sort_keys=True, ensure_ascii=False)
    template = _environment().get_template("curation_report.html.j2")
    return template.render(report=report, charts=charts, config_json=config_json)
