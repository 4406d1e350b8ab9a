"""The curation report's charts are drawn for the width they are shown at (so their 12px text is not scaled
down), long labels are never cut off at the chart's edge, and the config folds away under the figures."""

from __future__ import annotations

import re

import pytest

from gdprep.charts import bar_chart_svg
from gdprep.curation.report import FULL_WIDTH, HALF_WIDTH, render_html

from .test_curation import _config, _rows


@pytest.fixture(scope="module")
def page() -> str:
    from gdprep.curation import curate

    config = _config()
    # what `gdprep curate` adds to the in-memory report before rendering it (curation/run.py _finish_report)
    report = {**curate(_rows(60), config).report, "config": config.model_dump(mode="json"),
              "config_hash": config.canonical_hash(), "policy": {"name": None, "languages": ["en"]},
              "versions": {"gdprep": "test"}, "input": {"path": "in.jsonl", "format": "jsonl", "sha256": "0" * 64},
              "output_format": "jsonl", "schema": "gdprep.curation_report/1"}
    return render_html(report)


def _svg_width(page: str, chart_id: str) -> int:
    match = re.search(rf'<svg role="img" aria-labelledby="{chart_id}-title" viewBox="0 0 (\d+) \d+" '
                      rf'width="(\d+)"', page)
    assert match, chart_id
    assert match.group(1) == match.group(2)  # drawn at its own size: viewBox units are CSS pixels
    return int(match.group(1))


def test_side_by_side_charts_are_drawn_at_half_width_and_fit_two_a_row(page: str) -> None:
    for chart_id in ("chart-exact", "chart-near", "chart-labels-before", "chart-labels-after"):
        assert _svg_width(page, chart_id) == HALF_WIDTH
    for chart_id in ("chart-stages", "chart-splits"):
        assert _svg_width(page, chart_id) == FULL_WIDTH
    # two half-width charts and the 2rem gap fit the page column (1180px less 2 x 1.25rem padding)
    assert 2 * HALF_WIDTH + 32 <= 1180 - 40
    assert page.count('<div class="charts">') == 2
    assert "svg.chart { max-width: 100%; height: auto;" in page


def test_the_config_folds_away(page: str) -> None:
    folded = page[page.index('<details class="config"'):page.index("</details>")]
    assert "<summary>Show the full config (" in folded and "&#34;near_dedup&#34;" in folded
    assert " open" not in folded.split(">", 1)[0]
    assert page.index('id="config"') < page.index('<details class="config"')
    assert "<script" not in page


def test_long_labels_widen_the_label_column_and_are_shortened_only_past_45_percent() -> None:
    short = str(bar_chart_svg("c", "t", [("train", 3)], "Records"))
    assert 'x1="190.0"' in short  # the default label column, as before
    label = "quality_filter_language_confidence_low"  # 38 characters
    wide = str(bar_chart_svg("c", "t", [(label, 3)], "Records", width=760))
    assert f">{label}</text>" in wide and 'x1="290.0"' in wide  # 38 x 7.2 + 16, rounded up
    narrow = str(bar_chart_svg("c", "t", [(label, 3)], "Records", width=540))
    shown = re.search(r'class="label">([^<]*)</text>', narrow)
    assert shown and shown.group(1).endswith("…") and len(shown.group(1)) < len(label)
    assert f"<title>{label}: 3</title>" in narrow  # the whole label stays in the tooltip
