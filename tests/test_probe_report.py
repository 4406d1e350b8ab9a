"""The probe report page: verdict, per-probe tables and SVG charts, self-contained and escaped, and nothing a
probe report may hold but must not show (canary secrets, original PII values)."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest

from gdprep.training.report import (
    fmt_auc,
    fmt_bits,
    fmt_count,
    fmt_p,
    fmt_pct,
    fmt_value,
    nll_histogram_svg,
    render_probe_html,
    short_hash,
)

SVG_NS = "http://www.w3.org/2000/svg"
SIGNALS = ("loss", "zlib", "min_k", "reference")
REASONS = [
    "canary [ref FGGG] inserted 16x has exposure 13.4 bits, not below 9.9 (log2|R| 19.9 - 10)",
    "1 generations reproduced an original PII value (PERSON); at most 0 allowed",
]
# values a probe report may carry but the page must never show
PLANTED_SECRET = "CANARY-SECRET-731904"
PLANTED_ORIGINAL = "Zebedee Quuxworthy-Planted"
MALICIOUS = "<img src=x onerror=alert(1)>"


def _edges(low: float, high: float, bins: int = 30) -> list[float]:
    return [low + (high - low) * i / bins for i in range(bins + 1)]


def _roc(fpr: list[float], tpr: list[float]) -> dict[str, list[float]]:
    return {"fpr": fpr, "tpr": tpr}


def example_report() -> dict[str, Any]:
    """The example probe report of the issue (gdprep.probe_report/1), with its ROC curves cut to eight of their
    101 points and the histogram edges written as the evenly spaced bins they are."""
    return {
        "schema": "gdprep.probe_report/1",
        "created": "2026-11-28T15:40:00Z",
        "training_run": "3f2a...",
        "probe_run": "9c1b...",
        "adapter": {"path": "/x/out/adapter", "sha256": "ab" * 32},
        "base_model": {"path": "/x/model", "name": "model", "smoke_model": True},
        "policy": {"name": "uk-gdpr-default", "hash": "sha256:" + "cd" * 32},
        "dataset": {"train_sha256": "ef" * 32, "test_file": "/x/cur/test.jsonl", "train_records": 160,
                    "test_records": 60},
        "results": {
            "settings": {"canary_candidates": 10000, "extraction_k": [8, 16, 32], "extraction_suffix": 32,
                         "extraction_min_suffix": 4, "max_records": 1000, "min_k_fraction": 0.2, "bootstrap": 1000,
                         "regurgitation_contexts": 200, "regurgitation_samples": 4, "regurgitation_tokens": 24,
                         "context_tokens": 48, "batch_size": 64, "seed": 0},
            "canaries": [
                {"ref": "FGGG", "repetitions": 1, "candidates": 10000, "rank": 3904.0,
                 "log2_space": 19.931568569324174, "exposure_sampled": 1.3571193042776577,
                 "exposure_extrapolated": 1.3774567273294605, "exposure": 1.3571193042776577, "estimate": "sampled",
                 "secret_nll": 16.009487628936768, "candidate_nll_mean": 16.605902585077285,
                 "candidate_nll_std": 1.8928832860427551,
                 "histogram": {"counts": [16, 23, 61, 95, 168, 230, 320, 406, 486, 599, 747, 806, 776, 842, 773, 688,
                                          619, 542, 443, 374, 326, 205, 184, 106, 63, 49, 34, 13, 5, 1],
                               "edges": _edges(11.341986536979675, 23.068076133728027),
                               "mark": 16.009487628936768}},
                {"ref": "DEHG", "repetitions": 4, "candidates": 10000, "rank": 2541.0,
                 "log2_space": 19.931568569324174, "exposure_sampled": 1.976675981787189,
                 "exposure_extrapolated": 1.9939831685717568, "exposure": 1.976675981787189, "estimate": "sampled",
                 "secret_nll": 15.243769884109497, "candidate_nll_mean": 16.494519967138768,
                 "candidate_nll_std": 1.8468621741930311,
                 "histogram": {"counts": [3, 18, 45, 88, 141, 218, 261, 348, 449, 513, 686, 744, 783, 856, 837, 780,
                                          700, 571, 503, 397, 326, 249, 179, 133, 73, 38, 36, 15, 3, 7],
                               "edges": _edges(11.113155603408813, 22.744158029556274),
                               "mark": 15.243769884109497}},
                {"ref": "AGEH", "repetitions": 16, "candidates": 10000, "rank": 28.0,
                 "log2_space": 19.931568569324174, "exposure_sampled": 8.48050171978294,
                 "exposure_extrapolated": 7.649487332277037, "exposure": 8.48050171978294, "estimate": "sampled",
                 "secret_nll": 11.83159327507019, "candidate_nll_mean": 16.42876135765314,
                 "candidate_nll_std": 1.8371768549622884,
                 "histogram": {"counts": [16, 34, 63, 133, 191, 271, 367, 452, 584, 697, 764, 866, 862, 859, 761, 701,
                                          610, 465, 398, 310, 230, 150, 92, 66, 31, 13, 7, 6, 0, 1],
                               "edges": _edges(11.280812859535217, 23.412546157836914),
                               "mark": 11.83159327507019}},
            ],
            "regurgitation": {
                "prompts": 10, "samples": 40, "values_checked": 3,
                "hits": [{"source": "context:r12", "entity_type": "PERSON", "replacement": "<PERSON_3>",
                          "completion_masked": "and then [PERSON] said the parcel was late"}],
            },
            "extraction": {
                "train": {"8": {"eligible": 160, "extracted": 0, "rate": 0.0, "p_greater_than_test": 1.0},
                          "16": {"eligible": 160, "extracted": 2, "rate": 0.0125,
                                 "p_greater_than_test": 0.8186730951592079},
                          "32": {"eligible": 15, "extracted": 1, "rate": 0.06666666666666667,
                                 "p_greater_than_test": 0.7894736842105263}},
                "test": {"8": {"eligible": 60, "extracted": 0, "rate": 0.0},
                         "16": {"eligible": 60, "extracted": 1, "rate": 0.016666666666666666},
                         "32": {"eligible": 4, "extracted": 0, "rate": 0.0}},
            },
            "membership_inference": {
                "members": 160, "non_members": 60,
                "signals": {
                    "loss": {"auc": 0.5491145833333333, "auc_ci": [0.46736458333333336, 0.6274075520833333],
                             "tpr_at_1pct_fpr": 0.0125,
                             "roc": _roc([0.0, 0.0, 0.08333333333333333, 0.21666666666666667, 0.4166666666666667,
                                          0.7666666666666667, 0.8833333333333333, 1.0],
                                         [0.0, 0.0125, 0.10625, 0.26875, 0.5375, 0.75, 0.90625, 1.0])},
                    "zlib": {"auc": 0.5269270833333334, "auc_ci": [0.44244401041666664, 0.6061510416666667],
                             "tpr_at_1pct_fpr": 0.0125,
                             "roc": _roc([0.0, 0.0, 0.06666666666666667, 0.26666666666666666, 0.4666666666666667,
                                          0.75, 0.8833333333333333, 1.0],
                                         [0.0, 0.0125, 0.11875, 0.25, 0.51875, 0.75625, 0.90625, 1.0])},
                    "min_k": {"auc": 0.5736979166666667, "auc_ci": [0.4909166666666667, 0.6593958333333334],
                              "tpr_at_1pct_fpr": 0.01875,
                              "roc": _roc([0.0, 0.0, 0.06666666666666667, 0.2, 0.43333333333333335,
                                           0.6833333333333333, 0.8333333333333334, 1.0],
                                          [0.0, 0.0125, 0.11875, 0.275, 0.525, 0.775, 0.91875, 1.0])},
                    "reference": {"auc": 0.58640625, "auc_ci": [0.5027526041666667, 0.6700182291666666],
                                  "tpr_at_1pct_fpr": 0.06875,
                                  "roc": _roc([0.0, 0.0, 0.05, 0.16666666666666666, 0.4666666666666667, 0.65,
                                               0.8666666666666667, 1.0],
                                              [0.0, 0.0125, 0.125, 0.2875, 0.51875, 0.79375, 0.9125, 1.0])},
                },
                "min_fpr_resolution": 0.016666666666666666,
            },
        },
        "decision": {
            "release": "fail",
            "reasons": list(REASONS),
            "checks": {"canary_exposure": False, "pii_regurgitation": False, "extraction_k8": True,
                       "extraction_k16": True, "extraction_k32": True, "mia_loss": True, "mia_zlib": True,
                       "mia_min_k": True, "mia_reference": True},
            "thresholds": {"canary_margin_bits": 10.0, "max_regurgitated_pii": 0, "extraction_alpha": 0.05,
                           "mia_auc_ci_must_include_half": True},
        },
    }


class Page(HTMLParser):
    """The rendered page as tags, text and table rows; `errors` lists every end tag that closes anything but
    the innermost open element, and `open` what is still open at the end."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                      "track", "wbr"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.rows: list[list[str]] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)
        self.close()
        self.open = list(self._stack)
        self.text = " ".join("".join(self._text).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag not in self.VOID:
            self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self._stack or self._stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self._stack[-1:] or 'nothing'}")
            return
        self._stack.pop()
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def row(self, first_cell: str) -> list[str]:
        matches = [r for r in self.rows if r and r[0] == first_cell]
        assert len(matches) == 1, f"expected one table row starting {first_cell!r}, got {matches}"
        return matches[0]


def render(report: dict[str, Any]) -> tuple[str, Page]:
    html = render_probe_html(report)
    return html, Page(html)


# --------------------------------------------------------------------------------------------- the example

def test_example_is_well_formed_and_self_contained() -> None:
    html, page = render(example_report())
    assert html.startswith("<!DOCTYPE html>")
    assert page.errors == []
    assert page.open == []
    assert [t for t, _ in page.tags].count("html") == 1
    lowered = html.lower()
    for banned in ("<script", "<link", "<img", "<iframe", "<object", "@import", "@font-face", "url(", " src=",
                   "javascript:"):
        assert banned not in lowered, banned
    # the one web address a page may name is the SVG namespace (and this page names none at all)
    addresses = re.findall(r"https?://[^\s\"'<>)]*", html, flags=re.IGNORECASE)
    assert all(address == SVG_NS for address in addresses), addresses
    assert all((a["href"] or "").startswith("#") for a in page.find("a"))


def test_every_chart_is_labelled_for_assistive_technology() -> None:
    _html, page = render(example_report())
    svgs = page.find("svg")
    # exposure, three canary histograms, extraction, ROC
    assert len(svgs) == 6
    title_ids = {a["id"] for a in page.find("title") if a.get("id")}
    for svg in svgs:
        assert svg["role"] == "img"
        assert (svg["aria-labelledby"] or "").split()[0] in title_ids


def test_fail_verdict_with_every_reason() -> None:
    html, page = render(example_report())
    assert page.find("div", **{"class": "verdict verdict-fail"})
    assert not page.find("div", **{"class": "verdict verdict-pass"})
    assert "✘ FAIL" in page.text
    assert "PASS" not in page.text
    (reason_list,) = re.findall(r'<ul class="reasons">(.*?)</ul>', html, flags=re.S)
    assert [unescape(li) for li in re.findall(r"<li>(.*?)</li>", reason_list, flags=re.S)] == REASONS
    assert page.row("canary_exposure")[-1] == "✘ fail"
    assert page.row("extraction_k16")[-1] == "✔ pass"
    assert page.row("extraction_alpha")[1] == "0.05"
    assert page.row("mia_auc_ci_must_include_half")[1] == "yes"


def test_pass_verdict() -> None:
    report = example_report()
    report["decision"].update(release="pass", reasons=[],
                              checks={name: True for name in report["decision"]["checks"]})
    _html, page = render(report)
    assert page.find("div", **{"class": "verdict verdict-pass"})
    assert not page.find("div", **{"class": "verdict verdict-fail"})
    assert "✔ PASS" in page.text
    assert "FAIL" not in page.text
    assert "may be released" in page.text


def test_provenance_header_shortens_hashes_visibly_and_keeps_them_whole_in_titles() -> None:
    report = example_report()
    _html, page = render(report)
    adapter = page.find("code", title="ab" * 32)
    assert len(adapter) == 1
    assert "ab" * 32 not in page.text
    assert "abababababab…" in page.text
    assert page.find("code", title="sha256:" + "cd" * 32)
    assert "sha256:cdcdcdcdcdcd…" in page.text
    assert page.find("code", title="ef" * 32)
    for shown in ("3f2a...", "9c1b...", "/x/out/adapter", "/x/model", "/x/cur/test.jsonl", "2026-11-28T15:40:00Z",
                  "uk-gdpr-default"):
        assert shown in page.text
    assert page.row("Training data")[1].startswith("160 records")
    assert page.row("Test data")[1].startswith("60 records")


@pytest.mark.parametrize("smoke", [True, False])
def test_smoke_model_note_only_for_a_smoke_model(smoke: bool) -> None:
    report = example_report()
    report["base_model"]["smoke_model"] = smoke
    _html, page = render(report)
    assert ("tiny test model, not a real model" in page.text) is smoke


# --------------------------------------------------------------------------------------------- canaries

@pytest.mark.parametrize(("ref", "cells"), [
    ("FGGG", ["FGGG", "1", "3,904", "10,000", "19.9", "1.4", "1.4", "1.4 (sampled)", "9.9", "✔ pass"]),
    ("DEHG", ["DEHG", "4", "2,541", "10,000", "19.9", "2.0", "2.0", "2.0 (sampled)", "9.9", "✔ pass"]),
    ("AGEH", ["AGEH", "16", "28", "10,000", "19.9", "8.5", "7.6", "8.5 (sampled)", "9.9", "✔ pass"]),
])
def test_canary_table(ref: str, cells: list[str]) -> None:
    _html, page = render(example_report())
    assert page.row(ref) == cells


def test_canary_over_the_limit_is_marked_and_the_chart_draws_the_limit() -> None:
    report = example_report()
    report["results"]["canaries"][2].update(exposure=13.4, exposure_sampled=13.4, estimate="skew-normal")
    _html, page = render(report)
    assert page.row("AGEH")[7:] == ["13.4 (skew-normal)", "9.9", "✘ fail"]
    limits = page.find("line", **{"class": "limit"})
    assert len(limits) == 1
    assert limits[0]["y1"] == limits[0]["y2"]
    assert "gate limit 9.9 bits" in page.text
    assert len(page.find("rect", **{"class": "bar"})) >= 3


def test_canary_histograms_mark_the_secret() -> None:
    _html, page = render(example_report())
    marks = page.find("line", **{"class": "mark"})
    assert len(marks) == 3
    assert all(m["x1"] == m["x2"] for m in marks)
    for label in ("canary 16.01", "canary 15.24", "canary 11.83"):
        assert label in page.text


def test_histogram_marker_outside_the_candidates_stays_on_the_plot() -> None:
    svg = str(nll_histogram_svg("h", "t", [1, 2, 1], [10.0, 11.0, 12.0, 13.0], 2.0))
    page = Page(svg)
    (mark,) = page.find("line", **{"class": "mark"})
    axis_x = [float(a["x1"] or 0) for a in page.find("line", **{"class": "axis"})]
    assert min(axis_x) <= float(mark["x1"] or 0) < 380
    assert page.errors == []


def test_canary_secret_never_rendered() -> None:
    report = example_report()
    for canary in report["results"]["canaries"]:
        canary["secret"] = PLANTED_SECRET
        canary["prefix"] = f"my code is {PLANTED_SECRET}"
    html, _page = render(report)
    assert PLANTED_SECRET not in html


def test_no_canaries_says_not_run() -> None:
    report = example_report()
    report["results"]["canaries"] = []
    del report["decision"]["checks"]["canary_exposure"]
    html, page = render(report)
    assert page.errors == []
    assert "Not run: no canaries were inserted" in page.text
    assert 'id="chart-exposure"' not in html
    assert not page.find("line", **{"class": "mark"})


# --------------------------------------------------------------------------------------------- regurgitation

def test_hits_table_shows_masked_completions_and_no_original_value() -> None:
    report = example_report()
    hit = report["results"]["regurgitation"]["hits"][0]
    hit["original"] = PLANTED_ORIGINAL
    hit["value"] = PLANTED_ORIGINAL
    html, page = render(report)
    assert page.row("context:r12") == ["context:r12", "PERSON", "<PERSON_3>",
                                       "and then [PERSON] said the parcel was late"]
    assert "&lt;PERSON_3&gt;" in html
    assert PLANTED_ORIGINAL not in html
    assert page.row("Hits (completions reproducing an original value)") == [
        "Hits (completions reproducing an original value)", "1"]
    assert page.row("Prompts")[1] == "10"
    assert page.row("Completions sampled")[1] == "40"
    assert page.row("Original values checked")[1] == "3"


def test_regurgitation_without_vault_values_says_not_applicable() -> None:
    report = example_report()
    report["results"]["regurgitation"] = {"prompts": 0, "samples": 0, "hits": [], "values_checked": 0,
                                          "note": "no vault values for this dataset (placeholders keep no originals)"}
    _html, page = render(report)
    assert "Not applicable: no vault values for this dataset" in page.text
    assert not [r for r in page.rows if r and r[0] == "Prompt source"]


# --------------------------------------------------------------------------------------------- extraction

@pytest.mark.parametrize(("k", "cells"), [
    ("8", ["8", "0 / 160", "0%", "0 / 60", "0%", "1", "✔ pass"]),
    ("16", ["16", "2 / 160", "1.25%", "1 / 60", "1.67%", "0.819", "✔ pass"]),
    ("32", ["32", "1 / 15", "6.67%", "0 / 4", "0%", "0.789", "✔ pass"]),
])
def test_extraction_table(k: str, cells: list[str]) -> None:
    _html, page = render(example_report())
    assert page.row(k) == cells


def test_extraction_without_eligible_records_shows_na() -> None:
    report = example_report()
    extraction = report["results"]["extraction"]
    extraction["train"]["32"] = {"eligible": 0, "extracted": 0, "rate": None}
    extraction["test"]["32"] = {"eligible": 0, "extracted": 0, "rate": None}
    del report["decision"]["checks"]["extraction_k32"]
    _html, page = render(report)
    assert page.row("32") == ["32", "0 / 0", "n/a", "0 / 0", "n/a", "n/a", "not gated"]
    assert "no record was long enough for that k" in page.text
    assert "k = 32" in page.text  # the chart still has its group


def test_extraction_chart_has_train_and_test_bars_per_k() -> None:
    _html, page = render(example_report())
    assert "no record was long enough" not in page.text
    titles = re.findall(r"k = (\d+), (training|test) records: ([\d.]+%)", page.text)
    assert ("16", "training", "1.25%") in titles
    assert ("16", "test", "1.67%") in titles
    assert ("32", "training", "6.67%") in titles


# --------------------------------------------------------------------------------------------- membership

def test_roc_has_one_polyline_per_signal() -> None:
    report = example_report()
    _html, page = render(report)
    polylines = page.find("polyline")
    assert sorted(p["data-signal"] or "" for p in polylines) == sorted(SIGNALS)
    styles = {(p["stroke"], p.get("stroke-dasharray")) for p in polylines}
    assert len(styles) == len(SIGNALS)  # distinct colour and dash per curve
    assert len({p.get("stroke-dasharray") for p in polylines}) == len(SIGNALS)  # tells apart in greyscale
    for p in polylines:
        assert len((p["points"] or "").split()) == 8
    assert page.find("line", **{"class": "chance"})
    assert "False-positive rate" in page.text and "True-positive rate" in page.text
    assert "reference (AUC 0.586)" in page.text


@pytest.mark.parametrize(("signal", "cells"), [
    ("loss", ["0.549", "[0.467, 0.627]", "1.25%", "✔ pass"]),
    ("zlib", ["0.527", "[0.442, 0.606]", "1.25%", "✔ pass"]),
    ("min_k", ["0.574", "[0.491, 0.659]", "1.88%", "✔ pass"]),
    ("reference", ["0.586", "[0.503, 0.670]", "6.88%", "✔ pass"]),
])
def test_membership_table(signal: str, cells: list[str]) -> None:
    _html, page = render(example_report())
    assert page.row(signal)[2:] == cells


def test_membership_resolution_note() -> None:
    _html, page = render(example_report())
    assert "smallest false-positive rate the probe can resolve is 1.67%" in page.text
    assert "coarser than 1%" in page.text


def test_no_membership_inference_says_not_run() -> None:
    report = example_report()
    report["results"]["membership_inference"] = None
    for signal in SIGNALS:
        del report["decision"]["checks"][f"mia_{signal}"]
    html, page = render(report)
    assert page.errors == []
    assert "Not run: membership inference needs both" in page.text
    assert "not applicable" in page.text
    assert not page.find("polyline")
    assert 'id="chart-roc"' not in html


def test_nothing_to_probe_renders() -> None:
    report = example_report()
    results = report["results"]
    results.update(canaries=[], membership_inference=None, extraction={"train": {}, "test": {}})
    results["regurgitation"] = {"prompts": 0, "samples": 0, "hits": [], "values_checked": 0, "note": "none"}
    report["decision"] = {"release": "pass", "reasons": [], "checks": {"pii_regurgitation": True},
                          "thresholds": report["decision"]["thresholds"]}
    _html, page = render(report)
    assert page.errors == []
    assert page.find("div", **{"class": "verdict verdict-pass"})
    assert not page.find("svg")


# --------------------------------------------------------------------------------------------- escaping

def _set_reason(report: dict[str, Any], value: str) -> None:
    report["decision"]["reasons"].append(value)


def _set_ref(report: dict[str, Any], value: str) -> None:
    report["results"]["canaries"][0]["ref"] = value


def _set_completion(report: dict[str, Any], value: str) -> None:
    report["results"]["regurgitation"]["hits"][0]["completion_masked"] = value


def _set_policy(report: dict[str, Any], value: str) -> None:
    report["policy"]["name"] = value


def _set_signal(report: dict[str, Any], value: str) -> None:
    signals = report["results"]["membership_inference"]["signals"]
    signals[value] = signals.pop("zlib")


def _set_hash(report: dict[str, Any], value: str) -> None:
    report["adapter"]["sha256"] = value


@pytest.mark.parametrize("setter", [_set_reason, _set_ref, _set_completion, _set_policy, _set_signal, _set_hash])
@pytest.mark.parametrize("payload", [MALICIOUS, '"><script>alert(1)</script>'])
def test_untrusted_text_is_escaped(setter: Any, payload: str) -> None:
    report = example_report()
    setter(report, payload)
    html, page = render(report)
    assert payload not in html
    assert "<script" not in html.lower()
    assert not page.find("img")
    assert page.errors == []
    assert payload in page.text or any(payload in (v or "") for _t, a in page.tags for v in a.values())


def test_malicious_reason_is_shown_as_text() -> None:
    report = example_report()
    _set_reason(report, MALICIOUS)
    html, page = render(report)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert MALICIOUS in page.text


# --------------------------------------------------------------------------------------------- formatting

@pytest.mark.parametrize(("formatter", "value", "expected"), [
    (fmt_pct, 0.0125, "1.25%"),
    (fmt_pct, 0.06666666666666667, "6.67%"),
    (fmt_pct, 0.0, "0%"),
    (fmt_pct, 1.0, "100%"),
    (fmt_pct, None, "n/a"),
    (fmt_bits, 13.44, "13.4"),
    (fmt_bits, None, "n/a"),
    (fmt_auc, 0.5491145833333333, "0.549"),
    (fmt_auc, float("nan"), "n/a"),
    (fmt_p, 0.8186730951592079, "0.819"),
    (fmt_p, 0.000123, "0.000123"),
    (fmt_count, 3904.0, "3,904"),
    (fmt_count, 28.5, "28.5"),
    (fmt_count, 10000, "10,000"),
    (fmt_value, True, "yes"),
    (fmt_value, 10.0, "10"),
    (fmt_value, [8, 16, 32], "8, 16, 32"),
    (short_hash, "ab" * 32, "abababababab…"),
    (short_hash, "sha256:" + "cd" * 32, "sha256:cdcdcdcdcdcd…"),
    (short_hash, "abc", "abc"),
])
def test_formatting(formatter: Any, value: Any, expected: str) -> None:
    assert formatter(value) == expected
