"""The ledger in use: privacy and curation runs recorded, trace, exports that parse, bundle
verification, and no raw personal data anywhere in the ledger or its exports."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.audit.keys import Keys
from gdprep.service.cli import app

from .conftest import read_jsonl, redact_and_curate, write_jsonl

RECORDS = [
    {"id": "t-1", "prompt": "Customer Imelda Strachan (imelda.strachan@example.org) asks about order 4411.",
     "completion": "Thanks Imelda, your refund for order 4411 was sent to card ending 1111 today.", "label": "billing"},
    {"id": "t-2", "prompt": "Call back Ottilie Frame on 07700 900123 about the late parcel.",
     "completion": "We rang Ottilie Frame and rebooked the parcel for Friday.", "label": "delivery"},
    {"id": "t-3", "prompt": "Reset the router for customer 88123.", "completion": "Done, the router was reset.",
     "label": "tech"},
    {"id": "t-4", "prompt": "Reset the router for customer 88123.", "completion": "Done, the router was reset.",
     "label": "tech"},
]
RAW_PII = ["Imelda Strachan", "imelda.strachan@example.org", "Ottilie Frame", "07700 900123", "Strachan"]


@pytest.fixture()
def pipeline(tmp_path: Path) -> dict[str, Path]:
    redact_and_curate(tmp_path, RECORDS)
    home = Path(__import__("os").environ["GDPREP_HOME"])
    return {"tmp": tmp_path, "db": home / "ledger.db", "home": home}


def _verify_bundle(runner: CliRunner, bundle: Path, *options: str) -> Any:
    """`audit verify --bundle`, pinned to the ledger's key as an auditor holds it."""
    key = bundle.parent / f"{bundle.name}-ledger-key.pem"
    key.write_bytes(Keys().public_pem(create=False))
    return runner.invoke(app, ["audit", "verify", "--bundle", str(bundle), "--public-key", str(key), *options])


def _entries(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT seq, kind, run_id, record_key, payload FROM ledger_entries ORDER BY seq").fetchall()


def test_privacy_and_curation_runs_are_in_the_ledger(pipeline: dict[str, Path]) -> None:
    rows = _entries(pipeline["db"])
    kinds = [r[1] for r in rows]
    assert kinds.count("run_started") == 2 and kinds.count("run_completed") == 2
    assert kinds.count("record_redacted") == 4 and kinds.count("record_curated") == 4
    stages = [json.loads(r[4])["stage"] for r in rows if r[1] == "run_started"]
    assert stages == ["privacy", "curation"]
    datasets = [json.loads(r[4]) for r in rows if r[1] == "dataset_version"]
    assert {d["role"] for d in datasets} == {"input", "output", "train", "validation", "test"}
    assert all(len(d["sha256"]) == 64 for d in datasets)
    redacted = [json.loads(r[4]) for r in rows if r[1] == "record_redacted"]
    types = {f["type"] for p in redacted for f in p["findings"]}
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"} <= types
    assert all({"field", "start", "end", "type", "recognizer", "operator"} == set(f)
               for p in redacted for f in p["findings"])
    curated = [json.loads(r[4]) for r in rows if r[1] == "record_curated"]
    assert sorted(p.get("reason", p["outcome"]) for p in curated).count("exact_duplicate") == 1
    with sqlite3.connect(pipeline["db"]) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ledger_checkpoints").fetchone()[0] == 2


def test_verify_trace_and_proof(pipeline: dict[str, Path]) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "ledger verified" in ok.output
    traced = runner.invoke(app, ["audit", "trace", "t-4", "--json"])
    assert traced.exit_code == 0, traced.output
    lineage = json.loads(traced.output)
    kinds = [e["kind"] for e in lineage["events"]]
    assert kinds == ["record_redacted", "record_curated"]
    assert lineage["events"][1]["payload"]["reason"] == "exact_duplicate"
    assert lineage["proof"]["verified"] is True
    assert {run["stage"] for run in lineage["runs"].values()} == {"privacy", "curation"}
    missing = runner.invoke(app, ["audit", "trace", "no-such-record"])
    assert missing.exit_code == 2


def test_tampering_with_the_database_fails_verify_naming_the_entry(pipeline: dict[str, Path]) -> None:
    with sqlite3.connect(pipeline["db"]) as conn:
        conn.execute("UPDATE ledger_entries SET payload = replace(payload, 'exact_duplicate', 'quality') "
                     "WHERE payload LIKE '%exact_duplicate%'")
        seq = conn.execute("SELECT seq FROM ledger_entries WHERE payload LIKE '%\"quality\"%' "
                           "AND kind = 'record_curated'").fetchone()[0]
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"entry {seq} (record_curated) was modified" in result.output


@pytest.mark.parametrize("fmt", ["csv", "openlineage", "prov", "ropa"])
def test_exports_parse_verify_offline_and_hold_no_raw_pii(pipeline: dict[str, Path], fmt: str) -> None:
    out = pipeline["tmp"] / f"bundle-{fmt}"
    result = CliRunner().invoke(app, ["audit", "export", "--view", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "openlineage":
        events = json.loads((out / "openlineage.json").read_text(encoding="utf-8"))
        assert [e["eventType"] for e in events].count("START") == 2
        for event in events:
            assert {"eventType", "eventTime", "run", "job", "producer", "schemaURL", "inputs", "outputs"} <= set(event)
            assert event["job"]["namespace"] == "gdprep" and len(event["run"]["runId"]) == 36
        complete = [e for e in events if e["eventType"] == "COMPLETE"]
        facet = complete[0]["run"]["facets"]["gdprep_statistics"]
        assert {"_producer", "_schemaURL"} <= set(facet)
    elif fmt == "prov":
        from prov.model import ProvDocument

        doc = ProvDocument.deserialize(str(out / "prov.json"))
        assert len(list(doc.get_records())) > 5
    elif fmt == "ropa":
        ropa = json.loads((out / "ropa.json").read_text(encoding="utf-8"))
        activities = ropa["record_of_processing_activities"]
        assert [a["stages"] for a in activities] == [["privacy"], ["curation"]]
        assert "names" in [c["category"] for c in activities[0]["categories_of_personal_data"]]
        assert (out / "ropa.html").is_file()
    else:
        assert (out / "lineage.csv").read_text(encoding="utf-8").count("\n") == 1 + 8
    verified = _verify_bundle(CliRunner(), out)
    assert verified.exit_code == 0, verified.output
    blobs = [p.read_bytes() for p in out.iterdir()] + [pipeline["db"].read_bytes()]
    for value in RAW_PII:
        assert not any(value.encode() in blob for blob in blobs), value


def test_a_tampered_bundle_fails_offline_verification(pipeline: dict[str, Path]) -> None:
    out = pipeline["tmp"] / "bundle"
    assert CliRunner().invoke(app, ["audit", "export", "--out", str(out)]).exit_code == 0
    lines = (out / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    del lines[3]
    (out / "entries.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _verify_bundle(CliRunner(), out)
    assert result.exit_code == 1 and "entries 3..3 are missing" in result.output


def test_public_key_is_pem_and_key_files_are_private(pipeline: dict[str, Path]) -> None:
    result = CliRunner().invoke(app, ["audit", "public-key"])
    assert result.exit_code == 0 and result.output.startswith("-----BEGIN PUBLIC KEY-----")
    for name in ("audit-signing.key", "audit-hmac.key"):
        assert (pipeline["home"] / name).stat().st_mode & 0o777 == 0o600


def test_redacted_output_ids_stay_traceable(pipeline: dict[str, Path]) -> None:
    ids = [r["id"] for r in read_jsonl(pipeline["tmp"] / "red.jsonl")]
    runner = CliRunner()
    for record_id in ids:
        lineage = json.loads(runner.invoke(app, ["audit", "trace", record_id, "--json"]).output)
        assert lineage["events"] and lineage["proof"]["verified"]


def test_erase_dry_run_finds_the_subject_through_hmacs(pipeline: dict[str, Path]) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["erase", "--subject", "IMELDA.STRACHAN@example.org", "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["record_count"] == 1
    roles = {(d["stage"], d["role"]) for d in report["dataset_versions"]}
    assert ("privacy", "input") in roles and ("privacy", "output") in roles and ("curation", "input") in roles
    assert sum(report["splits"].values()) == 1
    phone = json.loads(runner.invoke(app, ["erase", "--subject", "+44 7700 900123", "--dry-run", "--json"]).output)
    assert phone["record_count"] == 1
    nobody = json.loads(runner.invoke(app, ["erase", "--subject", "nobody@example.org", "--dry-run", "--json"]).output)
    assert nobody["record_count"] == 0
    assert runner.invoke(app, ["erase", "--subject", "x@example.org"]).exit_code == 2  # needs --dataset and --out-dir


@pytest.mark.parametrize(("requested", "deadline"), [("2026-01-15", "2026-02-15"), ("2026-01-31", "2026-02-28"),
                                                     ("2024-01-31", "2024-02-29"), ("2026-12-20", "2027-01-20")])
def test_art_12_deadline_is_one_calendar_month(requested: str, deadline: str) -> None:
    import datetime

    from gdprep.audit.erase import one_month_after

    assert one_month_after(datetime.date.fromisoformat(requested)).isoformat() == deadline


def test_key_events_record_who_and_why(tmp_path: Path) -> None:
    runner = CliRunner()
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS[:2])
    policy = tmp_path / "p.yaml"
    from gdprep.policies import load_policy

    data = load_policy("uk-gdpr-default").model_dump(mode="json")
    data["entities"]["PERSON"]["operator"] = {"type": "encrypt"}
    import yaml

    policy.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert runner.invoke(app, ["redact", "-i", str(src), "-o", str(tmp_path / "red.jsonl"), "-r",
                               str(tmp_path / "r.json"), "-p", str(policy)]).exit_code == 0
    back = runner.invoke(app, ["deanonymize", "-i", str(tmp_path / "red.jsonl"), "-o", str(tmp_path / "back.jsonl"),
                               "--reason", "DSAR ticket 4411", "-p", str(policy)])
    assert back.exit_code == 0, back.output
    home = Path(__import__("os").environ["GDPREP_HOME"])
    events = [json.loads(r[4]) for r in _entries(home / "ledger.db") if r[1] == "key_event"]
    assert [(e["event"], e["key"]) for e in events[:2]] == [("created", "ledger-signing"), ("created", "master")]
    assert events[2]["event"] == "deanonymise"
    assert events[2]["reason"] == "DSAR ticket 4411" and events[2]["actor"] and events[2]["tokens"] > 0
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_erase_writes_new_versions_shreds_vault_entries_and_is_recorded(tmp_path: Path) -> None:
    import yaml

    from gdprep.policies import load_policy

    runner = CliRunner()
    data = load_policy("uk-gdpr-default").model_dump(mode="json")
    data["entities"]["EMAIL_ADDRESS"]["operator"] = {"type": "pseudonym"}
    policy = tmp_path / "p.yaml"
    policy.write_text(yaml.safe_dump(data), encoding="utf-8")
    src = write_jsonl(tmp_path / "in.jsonl", RECORDS)
    assert runner.invoke(app, ["redact", "-i", str(src), "-o", str(tmp_path / "red.jsonl"), "-r",
                               str(tmp_path / "r.json"), "-p", str(policy)]).exit_code == 0
    before = (tmp_path / "red.jsonl").read_text(encoding="utf-8")
    token = next(r for r in read_jsonl(tmp_path / "red.jsonl") if r["id"] == "t-1")["prompt"]
    assert re.search(r"<EMAIL_ADDRESS_\d{10}>", token)
    result = runner.invoke(app, ["erase", "--subject", "Imelda.Strachan@example.org", "--dataset",
                                 str(tmp_path / "red.jsonl"), "--out-dir", str(tmp_path / "erased"), "-p",
                                 str(policy), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # every pseudonym issued for the subject's record: the e-mail, "Imelda Strachan" and "Imelda"
    assert report["record_count"] == 1 and report["vault_entries_removed"] == 3
    assert [r["id"] for r in read_jsonl(tmp_path / "erased" / "red.jsonl")] == ["t-2", "t-3", "t-4"]
    assert (tmp_path / "red.jsonl").read_text(encoding="utf-8") == before  # the old version is untouched
    # the e-mail's pseudonym can no longer be reversed
    back = runner.invoke(app, ["deanonymize", "-i", str(tmp_path / "red.jsonl"), "-o", str(tmp_path / "b.jsonl"),
                               "--reason", "test", "-p", str(policy)])
    assert back.exit_code == 0
    restored = {r["id"]: r for r in read_jsonl(tmp_path / "b.jsonl")}
    assert "imelda" not in json.dumps(restored["t-1"]).lower()
    assert "Ottilie Frame" in json.dumps(restored["t-2"])  # other subjects are still reversible
    home = Path(__import__("os").environ["GDPREP_HOME"])
    kinds = [r[1] for r in _entries(home / "ledger.db")]
    assert "erasure" in kinds
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    assert b"imelda" not in (home / "ledger.db").read_bytes().lower()


def test_demo_ends_with_a_verified_ledger_trace_and_erase_on_the_sample(tmp_path: Path) -> None:
    """The README's demo, then an auditor's questions about one of its sample records and subjects."""
    from importlib import resources

    runner = CliRunner()
    demo = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo"), "--workers", "1"])
    assert demo.exit_code == 0, demo.output
    assert "ledger verified" in demo.output
    # the preference leg: pairs redacted in all three fields, curated by prompt, DPO from the SFT adapter
    assert "prompts in several splits: 0" in demo.output and "from the SFT adapter" in demo.output
    assert "dpo on " in demo.output and "reward accuracy" in demo.output
    pairs = read_jsonl(tmp_path / "demo" / "preference" / "redacted.jsonl")
    assert pairs and all({"prompt", "chosen", "rejected"} <= set(p) for p in pairs)
    bundle = tmp_path / "demo" / "audit-bundle"
    assert _verify_bundle(runner, bundle).exit_code == 0
    sample = read_jsonl(Path(str(resources.files("gdprep.examples").joinpath("sample.jsonl"))))
    traced = json.loads(runner.invoke(app, ["audit", "trace", sample[0]["id"], "--json"]).output)
    assert [e["kind"] for e in traced["events"]] == ["record_redacted", "record_curated"]
    assert traced["proof"]["verified"]
    findings = read_jsonl(tmp_path / "demo" / "findings.jsonl")
    record, entity = next((r, e) for r in findings for e in r["entities"] if e["entity_type"] == "EMAIL_ADDRESS")
    source = next(s for s in sample if s["id"] == record["id"])
    field = entity["field"]
    if field.startswith("messages["):
        text = source["messages"][int(field[9:field.index("]")])]["content"]
    else:
        text = source[field]
    email = text[entity["start"]:entity["end"]]
    impact = json.loads(runner.invoke(app, ["erase", "--subject", email, "--dry-run", "--json"]).output)
    assert impact["record_count"] >= 1 and impact["dataset_versions"]
    home = Path(__import__("os").environ["GDPREP_HOME"])
    assert email.encode() not in (home / "ledger.db").read_bytes()
    assert not any(email.encode() in p.read_bytes() for p in bundle.iterdir())


def test_key_rotation_is_recorded_and_old_checkpoints_still_verify(pipeline: dict[str, Path]) -> None:
    runner = CliRunner()
    old_key = runner.invoke(app, ["audit", "public-key"]).output
    rotated = runner.invoke(app, ["audit", "rotate-key", "--reason", "annual rotation"])
    assert rotated.exit_code == 0, rotated.output
    assert runner.invoke(app, ["audit", "public-key"]).output != old_key
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0
    events = [json.loads(r[4]) for r in _entries(pipeline["db"]) if r[1] == "key_event"]
    rotation = [e for e in events if e["event"] == "rotated"]
    assert len(rotation) == 1 and rotation[0]["reason"] == "annual rotation" and rotation[0]["actor"]
    bundle = pipeline["tmp"] / "rotated-bundle"
    assert runner.invoke(app, ["audit", "export", "--out", str(bundle)]).exit_code == 0
    assert list((bundle / "retired_keys").glob("*.pem"))
    assert _verify_bundle(runner, bundle).exit_code == 0
    # a bundle without the retired key cannot vouch for the old checkpoints
    for pem in (bundle / "retired_keys").glob("*.pem"):
        pem.unlink()
    assert _verify_bundle(runner, bundle).exit_code == 1
