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


def render_html(report: Mapping[str, Any]) -> str:
    labels = report["labels"]
    charts = {
        "stages": bar_chart_svg("chart-stages", "Records removed per stage",
                                [(s["stage"], s["removed"]) for s in report["stages"]], "Records removed"),
        "exact_sizes": bar_chart_svg("chart-exact", "Exact-duplicate group sizes",
                                     [(f"{k} records", v) for k, v in report["dedup"]["exact_group_sizes"].items()],
                                     "Groups"),
        "near_sizes": bar_chart_svg("chart-near", "Near-duplicate cluster sizes",
                                    [(f"{k} records", v) for k, v in report["dedup"]["near_cluster_sizes"].items()],
                                    "Clusters"),
        "labels_before": bar_chart_svg("chart-labels-before", "Labels before curation",
                                       list(labels["before"].items()), "Records"),
        "labels_after": bar_chart_svg("chart-labels-after", "Labels after balancing",
                                      list(labels["after_balance"].items()), "Records"),
        "splits": bar_chart_svg("chart-splits", "Split sizes", list(report["splits"].items()), "Records"),
    }
    config_json = json.dumps(report["config"], indent=2, sort_keys=True, ensure_ascii=False)
    template = _environment().get_template("curation_report.html.j2")
    return template.render(report=report, charts=charts, config_json=config_json)
