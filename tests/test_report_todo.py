"""The redaction report leads with what to do (findings awaiting review, special-category records by category
and outcome, quarantined records, each linked), keeps run details and versions for the end, and highlights
the finding in the review queue's masked context."""

from __future__ import annotations

import re

from gdprep.privacy.report import FlagInfo, ReportBuilder
from gdprep.privacy.report_html import marked_snippet, render_html

from .test_report import PII_TEXT, _policy, _span


def _report() -> dict:
    builder = ReportBuilder(_policy())
    flag = FlagInfo("health", "diabetes", "text", 0, 8)
    # two review-band findings in one record, a health record kept for review, one dropped, one with two categories
    builder.add_record("r1", texts={"text": PII_TEXT}, action="redacted", flags=[], kept=[
        _span(PII_TEXT, "j.whitfield@example.org", "EMAIL_ADDRESS", 0.55)],
        below_threshold=[_span(PII_TEXT, "Jonathan Whitfield", "PERSON", 0.45)])
    builder.add_record("r2", texts={"text": "diabetes"}, action="review", flags=[flag], kept=[], below_threshold=[])
    builder.add_record("r3", texts={"text": "diabetes"}, action="dropped", flags=[flag], kept=[], below_threshold=[])
    builder.add_record("r4", texts={"text": "diabetes union"}, action="review", kept=[], below_threshold=[],
                       flags=[flag, FlagInfo("trade_union", "union", "text", 9, 14)])
    builder.add_quarantined("unreadable_json")
    builder.add_quarantined("unreadable_json")
    builder.add_quarantined("no_text_field")
    return builder.finish(command="gdprep redact", input_path="in.jsonl", output_path="out.jsonl", n_in=7,
                          n_out=3, n_quarantined=3, n_dropped=1, elapsed_s=1.0)


def _todo(html: str) -> str:
    return html[html.index('<section id="todo"'):html.index('<section id="summary"')]


def test_the_report_counts_special_category_records_by_category_and_outcome() -> None:
    special = _report()["special_categories"]
    assert special["records_by_category_and_action"] == {"health": {"review": 2, "dropped": 1},
                                                         "trade_union": {"review": 1}}


def test_the_top_says_what_to_do_with_counts_and_links() -> None:
    html = render_html(_report())
    main = html[html.index("<main>"):]
    assert main.index('id="todo"') < main.index('id="summary"') < main.index('id="entities"')
    todo = re.sub(r"\s+", " ", _todo(html))
    assert '<span class="count">2</span> findings await review' in todo
    assert '<a href="#review">see them below</a>' in todo and "/ui/" not in todo
    assert '<span class="count">3</span> records hold special-category data' in todo
    assert "health: 2 review, 1 dropped; trade_union: 1 review" in todo
    assert '<a href="#special-categories">see which</a>' in todo
    assert '<span class="count">3</span> records quarantined: <a href="#quarantine">see why</a>' in todo
    assert 'id="quarantine"' in html


def test_in_the_service_the_review_line_links_to_the_review_queue() -> None:
    todo = _todo(render_html(_report(), review_url="/ui/jobs/job-1/reviews"))
    assert '<a href="/ui/jobs/job-1/reviews">decide in the review queue</a>' in todo


def test_nothing_to_do_shows_zeros_without_links() -> None:
    builder = ReportBuilder(_policy())
    builder.add_record("r1", texts={"text": "hello"}, action="unchanged", flags=[], kept=[], below_threshold=[])
    report = builder.finish(command="gdprep redact", input_path="in.jsonl", output_path="out.jsonl", n_in=1,
                            n_out=1, n_quarantined=0, n_dropped=0, elapsed_s=1.0)
    todo = re.sub(r"\s+", " ", _todo(render_html(report)))
    assert '<span class="count">0</span> findings await review.' in todo
    assert '<span class="count">0</span> records quarantined.' in todo and "href" not in todo


def test_run_details_and_versions_come_last() -> None:
    html = render_html(_report())
    assert html.index('id="review"') < html.index('id="run-details"') < html.index("<caption>Tool versions</caption>")
    assert html.index("<caption>Run</caption>") > html.index('id="run-details"')
    assert html.index("<caption>Run</caption>") < html.index("</main>")


def test_the_finding_is_highlighted_and_escaped() -> None:
    out = str(marked_snippet("write <b> to \u27e6EMAIL_ADDRESS: x.xxxxxxxxx@xxxxxxx.xxx\u27e7 or \u27e6PERSON\u27e7"))
    assert out == ("write &lt;b&gt; to <mark class=\"finding\">\u27e6EMAIL_ADDRESS: x.xxxxxxxxx@xxxxxxx.xxx\u27e7"
                   "</mark> or <span class=\"masked\">\u27e6PERSON\u27e7</span>")
    html = render_html(_report())
    assert html.count('<mark class="finding">') == len(_report()["review_queue"]) == 2
    assert 'table class="review"' in html and "min-width: 26rem" in html
