"""From dataset to released adapter through the HTTP API only, against a real `gdprep serve`.

upload -> redact -> curate -> train -> probe (one job) -> approve -> promote -> train again -> approve ->
promote -> roll back -> export the lineage, and show the adapter linked to its splits in OpenLineage and PROV.

Set-up that an operator does once, outside the API: a state directory, the API keys (`gdprep keys create`),
a local base model under $GDPREP_MODEL_ROOTS (here the tiny smoke model, built offline: not a real model) and
the named training configs under $GDPREP_TRAINING_CONFIGS. Everything after that is HTTP calls.

    python bench/api_flow.py [--workdir DIR] [--port 0] [--keep]

Exits 0 when every step did what it should; prints each step and the lineage it found.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
GDPREP = [sys.executable, "-m", "gdprep.service.cli"]
TRAIN_CONFIG = """schema_version: 1
base_model: {base}
registered_model: support-bot
epochs: 1
learning_rate: {lr}
batch_size: 8
max_length: 96
eval_steps: 10
seed: {seed}
region: GB
canaries: {{enabled: false}}
probes: {{bootstrap: 300, regurgitation_contexts: 40}}
"""
# a test split large enough for the membership-inference CI to say something (a quarter of the records)
CURATION_CONFIG = """fields: {label_field: label}
split: {train: 0.7, validation: 0.05, test: 0.25}
"""
ITEMS = ("router", "printer", "laptop", "phone", "tablet", "monitor", "keyboard", "modem")
ACTIONS = ("reset", "update", "restart", "clean", "configure", "pair")
MENUS = ("system", "device", "advanced", "general", "network")
NAMES = ("Eleanor Whitcombe", "Tobias Ferreira", "Siobhan Gallagher", "Piotr Nowakowski", "Amara Okafor")


def support_records(n: int, seed: int) -> list[dict[str, Any]]:
    """Support answers that follow from their questions, some signed by a customer with an e-mail address."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        item, action, menu = rng.choice(ITEMS), rng.choice(ACTIONS), rng.choice(MENUS)
        seconds = rng.randint(2, 60)
        prompt = f"How do I {action} my {item} from the {menu} menu? It takes {seconds} seconds."
        if i % 10 == 0:
            name = rng.choice(NAMES)
            prompt += f" Thanks, {name} ({name.lower().replace(' ', '.')}@example.org)"
        rows.append({"id": f"ticket-{i:04d}", "label": ("hardware", "software")[i % 2], "prompt": prompt,
                     "completion": f"Open settings, choose {menu}, wait {seconds} seconds and the {item} "
                                   f"will {action}."})
    return rows


class Flow:
    def __init__(self, base_url: str, keys: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.keys = keys

    def call(self, role: str, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        response = self.http.request(method, path, headers={"Authorization": f"Bearer {self.keys[role]}"}, **kwargs)
        if response.status_code != expect:
            raise SystemExit(f"FAILED: {method} {path} as {role}: {response.status_code} {response.text[:600]}")
        return response

    def job(self, data: Path, config_name: str) -> dict[str, Any]:
        with data.open("rb") as fh:
            files = {"file": (data.name, fh), "curation_config": ("curation.yaml", CURATION_CONFIG.encode())}
            job = self.call("engineer", "POST", "/v1/jobs", expect=202, files=files,
                            data={"stages": "privacy,curation,training,probe",
                                  "training_config_name": config_name}).json()
        print(f"  job {job['id']} queued: {', '.join(job['stages'])}")
        while True:
            job = self.call("engineer", "GET", f"/v1/jobs/{job['id']}").json()
            if job["status"] in ("succeeded", "failed", "cancelled", "interrupted"):
                break
            time.sleep(1.0)
        if job["status"] != "succeeded":
            raise SystemExit(f"FAILED: job {job['id']} {job['status']}: {job['error']}")
        training, probe = job["summary"]["training"], job["summary"]["probe"]
        print(f"  job {job['id']} succeeded: runs {job['runs']}")
        print(f"  training: {training.get('steps')} steps, adapter {str(training.get('adapter_sha256'))[:16]}..., "
              f"registered {training.get('registered_versions')}")
        print(f"  probe: release {probe['release']} {probe['reasons'] or ''}")
        return job


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup(work: Path, env: dict[str, str]) -> tuple[dict[str, str], Path]:
    """The operator's part: keys, the base model, the named training configs and the dataset."""
    sys.path.insert(0, str(ROOT))
    from gdprep.training.smoke import build_smoke_model

    keys = {}
    for role in ("engineer", "compliance_officer", "admin", "auditor"):
        made = subprocess.run([*GDPREP, "keys", "create", "--name", f"{role}-1", "--role", role], env=env,
                              capture_output=True, text=True, check=True)
        keys[role] = made.stdout.strip().splitlines()[-1].split()[-1]
    rows = support_records(800, seed=11)
    texts = [f"{r['prompt']}\n{r['completion']}" for r in support_records(300, seed=99)]
    base = build_smoke_model(texts, work / "models" / "smoke", pretrain_texts=texts, pretrain_epochs=8)
    configs = work / "configs"
    configs.mkdir()
    (configs / "support-v1.yaml").write_text(TRAIN_CONFIG.format(base=base, lr=2e-4, seed=1), encoding="utf-8")
    (configs / "support-v2.yaml").write_text(TRAIN_CONFIG.format(base=base, lr=3e-4, seed=2), encoding="utf-8")
    data = work / "tickets.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return keys, data


def _lineage(flow: Flow, adapter_sha: str) -> None:
    """Export OpenLineage and PROV through the API and show the adapter linked to its splits."""
    bundle = zipfile.ZipFile(io.BytesIO(flow.call("auditor", "GET", "/v1/audit/export",
                                                  params={"format": "openlineage"}).content))
    events = json.loads(bundle.read("openlineage.json"))
    trained = [e for e in events if e["eventType"] == "COMPLETE" and e["job"]["name"] == "gdprep.training"
               and any(adapter_sha in o["name"] for o in e["outputs"])]
    if not trained:
        raise SystemExit("FAILED: no OpenLineage training run outputs the adapter")
    print(f"  OpenLineage: training run {trained[0]['run']['runId']}")
    roles = []
    for d in trained[0]["inputs"]:
        facet = d["facets"].get("gdprep_version", {})
        roles.append(facet.get("role"))
        print(f"    input  {d['name']} ({facet.get('role')}, {facet.get('records')} records)")
    for d in trained[0]["outputs"]:
        versions = d["facets"].get("gdprep_adapter", {}).get("registered_versions")
        print(f"    output {d['name']} (registered {versions})")
    if sorted(map(str, roles)) != ["test", "train", "validation"]:
        raise SystemExit(f"FAILED: the training run should read the train, validation and test splits ({roles})")
    bundle = zipfile.ZipFile(io.BytesIO(flow.call("auditor", "GET", "/v1/audit/export",
                                                  params={"format": "prov"}).content))
    prov = json.loads(bundle.read("prov.json"))
    derived = [d for d in prov.get("wasDerivedFrom", {}).values()
               if adapter_sha in str(d.get("prov:generatedEntity"))]
    if not derived:
        raise SystemExit("FAILED: PROV has no derivation of the adapter")
    print(f"  PROV: adapter-{adapter_sha[:16]}... wasDerivedFrom "
          + ", ".join(str(d["prov:usedEntity"])[:40] for d in derived))


def run(work: Path, port: int) -> None:
    env = {**os.environ, "GDPREP_HOME": str(work / "home"), "GDPREP_SERVICE_ROOT": str(work / "service"),
           "GDPREP_MODEL_ROOTS": str(work / "models"), "GDPREP_TRAINING_CONFIGS": str(work / "configs"),
           "GDPREP_REGION": "GB", "GDPREP_WORKERS": "1"}
    os.environ.update({k: env[k] for k in ("GDPREP_HOME",)})
    print("set-up: API keys, the smoke base model, two named training configs, 800 support tickets")
    keys, data = _setup(work, env)
    port = port or _free_port()
    server = subprocess.Popen([*GDPREP, "serve", "--port", str(port)], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=open(work / "serve.log", "wb"))  # noqa: SIM115
    try:
        flow = Flow(f"http://127.0.0.1:{port}", keys)
        for _ in range(120):
            try:
                if flow.http.get("/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit(f"FAILED: gdprep serve did not become ready; see {work / 'serve.log'}")
        print(f"gdprep serve on port {port}")
        print("1. upload, redact, curate, train, probe (config support-v1)")
        first = flow.job(data, "support-v1")
        print("2. approve (compliance officer) and promote (admin) version 1")
        flow.call("compliance_officer", "POST", "/v1/models/support-bot/versions/1/approve",
                  json={"note": "probe report read"})
        model = flow.call("admin", "POST", "/v1/models/support-bot/versions/1/promote").json()
        print(f"  production: {model['production']}")
        print("3. train again (config support-v2), approve and promote version 2")
        flow.job(data, "support-v2")
        flow.call("compliance_officer", "POST", "/v1/models/support-bot/versions/2/approve", json={"note": "ok"})
        model = flow.call("admin", "POST", "/v1/models/support-bot/versions/2/promote").json()
        print(f"  production: {model['production']}")
        print("4. roll back")
        model = flow.call("admin", "POST", "/v1/models/support-bot/rollback",
                          json={"reason": "tone complaints after release"}).json()
        print(f"  production: {model['production']} (rollback target now: {model['rollback_target']})")
        if model["production"] != "1":
            raise SystemExit("FAILED: the rollback should return production to version 1")
        print("5. lineage export (auditor)")
        _lineage(flow, first["summary"]["training"]["adapter_sha256"])
        print("OK: every step went through the HTTP API")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temporary directory")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="gdprep-api-flow-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        run(work, args.port)
    finally:
        if args.workdir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
