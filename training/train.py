"""Self-hosted LoRA fine-tuning behind the privacy gate (transformers + peft).

- The base model is a local Hugging Face causal-LM directory, loaded with `local_files_only=True` and
  `trust_remote_code=False`; nothing is downloaded.
- Records are prompt/completion or chat (the tokenizer's chat template when it has one); the loss is on
  completion / assistant tokens only.
- Validation loss every `eval_steps`, early stopping, the best checkpoint kept, resume after an
  interruption from the last checkpoint in `output_dir`.
- Outputs: the adapter (safetensors, `save_pretrained`) and `manifest.json` (base model and the SHA-256
  of its weight files, dataset hashes from the ledger, config, seed, versions, metrics).
- `prepare_training` runs the gate before any ledger run opens; `train_in_run` trains inside a `training` run
  that `service/stages.py:train` opens (its start, completion or failure go to the audit ledger).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import RunRecorder
from gdprep.errors import ConfigError
from gdprep.offline import enforce_offline
from gdprep.policies.schema import Policy
from gdprep.records import file_sha256
from gdprep.training.config import CanarySettings, TrainConfig, default_test_file
from gdprep.training.gate import GateResult, check_gate
from gdprep.training.manifest import AdapterManifest, BaseModelInfo, DatasetInfo
from gdprep.training.modelio import configure_cpu_threads

IGNORE = -100


def _quiet(trainer: Any, *, progress: bool = False) -> None:
    """Replace the Trainer's printing of raw log dicts on stdout with one readable line per log on stderr
    (`progress`) or nothing."""
    import sys

    from transformers import TrainerCallback
    from transformers.trainer_callback import PrinterCallback

    class StderrLog(TrainerCallback):  # type: ignore[misc]
        """One line per step and kind of figure: the evaluation after training logs the last step's validation
        loss again (of the best checkpoint, which the summary line reports), and is not printed twice."""

        def __init__(self) -> None:
            self.printed: set[tuple[int, frozenset[str]]] = set()

        def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None,
                   **kwargs: Any) -> None:
            shown = {k: v for k, v in (logs or {}).items() if k in ("loss", "eval_loss", "learning_rate")}
            seen = (state.global_step, frozenset(shown))
            if shown and seen not in self.printed:
                self.printed.add(seen)
                print(f"step {state.global_step}/{state.max_steps}: "
                      + ", ".join(f"{k} {v:.4g}" for k, v in shown.items()), file=sys.stderr)

    trainer.remove_callback(PrinterCallback)
    if progress:
        trainer.add_callback(StderrLog())


@dataclass(frozen=True, slots=True)
class Canary:
    """A random secret inserted `repetitions` times: the text is `prefix + secret`."""

    ref: str
    prefix: str
    secret: str
    repetitions: int
    digits: int

    @property
    def text(self) -> str:
        return self.prefix + self.secret

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Canary:
        return cls(**data)


def make_canaries(settings: CanarySettings, seed: int) -> list[Canary]:
    """Canaries from the config: `per_repetition` for each repetition count, each with a reference code
    (its name in reports) and a uniformly random secret. They are drawn from the training seed, so a rerun
    of the same config trains on the same data; they are synthetic, never personal data, and the manifest
    keeps them for the probes."""
    rng = random.Random(f"gdprep-canaries:{seed}")
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    canaries = []
    for repetitions in settings.repetitions:
        for _ in range(settings.per_repetition):
            ref = "".join(rng.choice(letters) for _ in range(4))
            secret = f"{rng.randrange(10 ** settings.digits):0{settings.digits}d}"
            prefix = f"[ref {ref}] {settings.phrase} " if settings.distinct_prefixes else f"{settings.phrase} "
            canaries.append(Canary(ref, prefix, secret, repetitions, settings.digits))
    return canaries


def with_canaries(rows: list[dict[str, Any]], canaries: Sequence[Canary], seed: int) -> list[dict[str, Any]]:
    """The training rows with each canary inserted `repetitions` times at seeded random positions; the loss
    covers the whole canary text."""
    rng = random.Random(seed)
    out = list(rows)
    for canary in canaries:
        for i in range(canary.repetitions):
            out.insert(rng.randrange(len(out) + 1), {"id": f"canary-{canary.ref}-{i}", "text": canary.text})
    return out


def _read_rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".parquet":
        import polars as pl

        return pl.read_parquet(path).to_dicts()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answer_text(value: Any) -> str:
    """A preference pair's answer: a string, or chat messages (`[{"role": "assistant", "content": ...}]`,
    whose assistant contents are joined)."""
    if isinstance(value, list):
        turns = [m for m in value if isinstance(m, dict)]
        answers = [m for m in turns if m.get("role") == "assistant"] or turns
        return "\n".join(str(m.get("content") or "") for m in answers)
    return str(value or "")


def is_preference(row: dict[str, Any]) -> bool:
    """Whether a record is a preference pair (`{prompt, chosen, rejected}`)."""
    return "chosen" in row and "rejected" in row


def preference_texts(row: dict[str, Any], tokenizer: Any) -> tuple[str, str, str]:
    """(prompt text, chosen answer, rejected answer) of a preference pair, the prompt laid out as `_pairs`
    lays out a prompt/completion record (text) or a chat record (messages), so SFT and DPO see one format;
    SFT on a preference file trains on prompt + chosen."""
    prompt = row.get("prompt")
    texts = []
    for side in ("chosen", "rejected"):
        answer = answer_text(row.get(side))
        if not prompt:  # no context (a canary pair): the answer alone
            texts.append(("", answer))
        elif isinstance(prompt, list):
            texts.append(_pairs({"messages": [*prompt, {"role": "assistant", "content": answer}]}, tokenizer))
        else:
            texts.append(_pairs({"prompt": prompt, "completion": answer}, tokenizer))
    return texts[0][0], texts[0][1], texts[1][1]


def _pairs(row: dict[str, Any], tokenizer: Any) -> tuple[str, str]:
    """(prompt text, completion text) of a record; the loss covers the completion only. For a preference pair
    the completion is the chosen answer: the probes and the task metrics read prompt + chosen as the record's
    text (the answer DPO raises; a rejected answer is one the model is taught to avoid)."""
    if is_preference(row):
        prompt, chosen, _rejected = preference_texts(row, tokenizer)
        return prompt, chosen
    messages = row.get("messages")
    if isinstance(messages, list) and messages:
        last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=len(messages) - 1)
        context, answer = messages[:last], messages[last]
        if getattr(tokenizer, "chat_template", None):
            prompt = tokenizer.apply_chat_template(context, tokenize=False, add_generation_prompt=True)
            return str(prompt), str(answer.get("content", ""))
        prompt = "".join(f"{m.get('role', '')}: {m.get('content', '')}\n" for m in context) + "assistant: "
        return prompt, str(answer.get("content", ""))
    if "prompt" in row or "completion" in row:
        return str(row.get("prompt") or "") + "\n", str(row.get("completion") or "")
    return "", str(row.get("text") or "")


def turn_end(row: dict[str, Any], tokenizer: Any, prompt: str, answer: str) -> str:
    """What the chat template writes after the answer of a chat record (its end-of-turn marker, e.g.
    `<|end|>` or `<|im_end|>`, trailing whitespace dropped), so the model learns to end its turn as the
    template, and so a server, ends it; "" for other records or when the template does not render the answer
    verbatim after the prompt."""
    messages = row.get("messages")
    if is_preference(row) and isinstance(row.get("prompt"), list):  # the chat is the prompt, `answer` its reply
        messages = [*row["prompt"], {"role": "assistant", "content": answer}]
    if not (isinstance(messages, list) and messages and getattr(tokenizer, "chat_template", None)):
        return ""
    last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=len(messages) - 1)
    whole = str(tokenizer.apply_chat_template(messages[:last + 1], tokenize=False))
    return whole[len(prompt) + len(answer):].rstrip() if whole.startswith(prompt + answer) else ""


def tokenize_rows(rows: Sequence[dict[str, Any]], tokenizer: Any, max_length: int) -> list[dict[str, list[int]]]:
    """Token ids, attention mask and labels per record: the loss covers the completion (a chat record's last
    answer with the template's end-of-turn marker) and the end-of-sequence token, never the prompt."""
    out = []
    for row in rows:
        prompt, completion = _pairs(row, tokenizer)
        completion += turn_end(row, tokenizer, prompt, completion)
        p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"] if prompt else []
        c_ids = tokenizer(completion, add_special_tokens=False)["input_ids"]
        if not (c_ids and c_ids[-1] == tokenizer.eos_token_id):  # the template may end the turn with it
            c_ids.append(tokenizer.eos_token_id)
        ids = (p_ids + c_ids)[:max_length]
        labels = ([IGNORE] * len(p_ids) + c_ids)[:max_length]
        if all(label == IGNORE for label in labels):
            continue  # the prompt fills the whole window: nothing to learn from
        out.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels})
    return out


def adapter_digest(adapter_dir: Path) -> str:
    """The adapter hash training records: SHA-256 over the SHA-256 of each safetensors file, in name order."""
    files = sorted(adapter_dir.glob("*.safetensors"))
    return hashlib.sha256(b"".join(bytes.fromhex(file_sha256(f)) for f in files)).hexdigest()


def weights_sha256(model_dir: Path) -> dict[str, str]:
    files = sorted([*model_dir.glob("*.safetensors"), *model_dir.glob("*.bin")])
    return {f.name: file_sha256(f) for f in files}


def _collate(pad_id: int) -> Any:
    import torch

    def collate(batch: list[dict[str, list[int]]]) -> dict[str, Any]:
        width = max(len(b["input_ids"]) for b in batch)
        return {
            "input_ids": torch.tensor([b["input_ids"] + [pad_id] * (width - len(b["input_ids"])) for b in batch]),
            "attention_mask": torch.tensor([b["attention_mask"] + [0] * (width - len(b["attention_mask"]))
                                            for b in batch]),
            "labels": torch.tensor([b["labels"] + [IGNORE] * (width - len(b["labels"])) for b in batch]),
        }

    return collate


@dataclass(frozen=True, slots=True)
class InitAdapter:
    """The recorded adapter a DPO run starts from (`dpo.init_adapter`), as the ledger knows it."""

    adapter_dir: Path
    sha256: str
    training_run: str | None

    def to_json(self) -> dict[str, Any]:
        return {"adapter_dir": str(self.adapter_dir), "sha256": self.sha256, "training_run": self.training_run}


@dataclass(frozen=True, slots=True)
class PreparedTraining:
    """A training job the gate accepted: what `train_in_run` trains, and what its `training` run records."""

    config: TrainConfig
    policy: Policy
    gate: GateResult
    init_adapter: InitAdapter | None = None

    @property
    def run_config(self) -> dict[str, Any]:
        """The config the ledger's `run_started` entry records."""
        return self.config.model_dump(mode="json")


def prepare_training(config: TrainConfig, ledger: Ledger, policy: Policy | None = None) -> PreparedTraining:
    """Everything that must hold before a `training` run opens in the ledger: offline mode and the egress
    guard, the policy (`policy`, else the config's) and the gate (ledger-verified redaction and curation of
    the train file, an allowed region), the base model (`check_training_model`: a supported architecture,
    a tokenizer, the preset's architecture, enough memory, weights) and, for DPO from an adapter, that adapter
    (recorded by the ledger, unchanged, on the same base model). Raises `GateRefused`, `ModelLoadError` or
    `ConfigError` with no run opened."""
    from gdprep.policies import load_policy
    from gdprep.training.modelcheck import check_training_model

    enforce_offline()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    policy = policy or load_policy(config.policy)
    gate = check_gate(ledger, Path(config.train_file), region=config.region,
                      allowed_regions=policy.residency.allowed_regions)
    check_training_model(config)
    init = None
    if config.method == "dpo" and config.dpo_settings.init_adapter:
        from gdprep.training.dpo import resolve_init_adapter

        init = resolve_init_adapter(ledger, config)
    return PreparedTraining(config, policy, gate, init)


def train_in_run(job: PreparedTraining, rec: RunRecorder, callbacks: Sequence[Any] = ()) -> AdapterManifest:
    """Train inside the already-open `training` run `rec` and record the adapter's hash there; returns the
    manifest (also written to `output_dir/manifest.json`). `callbacks` are `transformers.TrainerCallback`s
    (a service job's progress and cancel); one that raises ends the run as failed."""
    config = job.config
    if config.method == "dpo":
        from gdprep.training.dpo import train_dpo

        manifest = train_dpo(job, rec, callbacks)
    else:
        manifest = _train(config, job.gate, rec, callbacks)
    # the splits are the run's inputs (the train split is the one the gate accepted), the adapter its output
    for role, name in (("train", config.train_file), ("validation", config.validation_file),
                       ("test", manifest.test_file)):
        if name and Path(name).is_file():
            rec.input_dataset(role, Path(name), count_records(Path(name)))
    rec.event("adapter", {"adapter_sha256": manifest.adapter_sha256, "dataset_sha256": job.gate.dataset_sha256,
                          "base_model_weights": manifest.base_model.weights_sha256,
                          "base_model": manifest.base_model.name, "region": job.gate.region,
                          "policy_hash": job.policy.canonical_hash(),
                          "adapter_dir": str(Path(config.output_dir) / "adapter")})
    return manifest


def count_records(path: Path) -> int:
    """Records in a JSONL (non-blank lines) or Parquet split."""
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def _load_for_lora(config: TrainConfig, base: Path, cuda: bool,
                   init_adapter: Path | None = None) -> tuple[Any, Any, int | None]:
    """The base model's tokenizer, the base model wrapped in a new LoRA adapter, or in `init_adapter` made
    trainable (4-bit with `qlora` on CUDA, bf16 where CUDA supports it) and the CPU threads set for it (None
    on CUDA)."""
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True, trust_remote_code=False)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    load_kwargs: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
    if cuda and config.qlora:
        import importlib.util

        from transformers import BitsAndBytesConfig

        if importlib.util.find_spec("bitsandbytes") is None:
            raise ConfigError("qlora: true needs the bitsandbytes package on a CUDA machine; install it with "
                              "`pip install 'gdprep[qlora]'`, or set qlora: false")

        load_kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_compute_dtype=torch.bfloat16)
    elif cuda and torch.cuda.is_bf16_supported():
        load_kwargs["dtype"] = torch.bfloat16
    base_model = AutoModelForCausalLM.from_pretrained(base, **load_kwargs)
    if init_adapter is not None:
        model = PeftModel.from_pretrained(base_model, str(init_adapter), is_trainable=True)
        threads = configure_cpu_threads(model, config.cpu_threads) if not cuda else None
        return tokenizer, model, threads
    lora = LoraConfig(r=config.lora.r, lora_alpha=config.lora.alpha, lora_dropout=config.lora.dropout,
                      target_modules=config.lora.target_modules, task_type="CAUSAL_LM")
    model = get_peft_model(base_model, lora)
    threads = configure_cpu_threads(model, config.cpu_threads) if not cuda else None
    return tokenizer, model, threads


def _manifest(config: TrainConfig, gate: GateResult, rec: RunRecorder, base: Path, *, cuda: bool, threads: int | None,
              metrics: dict[str, Any], adapter_hash: str, canaries: Sequence[Canary]) -> AdapterManifest:
    """What `manifest.json` holds: the base model and its weights' hashes, the datasets the gate accepted,
    the config, versions, metrics, the adapter's hash, the training run and the canaries."""
    import peft
    import torch
    import transformers

    return AdapterManifest(
        base_model=BaseModelInfo(path=str(base), name=base.name, weights_sha256=weights_sha256(base),
                                 smoke_model=(base / "SMOKE_MODEL.txt").exists()),
        datasets=DatasetInfo(train_sha256=gate.dataset_sha256, curation_run=gate.curation_run,
                             privacy_run=gate.privacy_run, privacy_runs=list(gate.privacy_runs)),
        region=gate.region, config=config.model_dump(mode="json"), seed=config.seed,
        device="cuda" if cuda else "cpu", qlora=bool(cuda and config.qlora), cpu_threads=threads,
        versions={"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__},
        metrics={k: (float(v) if isinstance(v, (int, float)) else v) for k, v in metrics.items()},
        adapter_sha256=adapter_hash, ledger_run=rec.run_id, canaries=[c.to_json() for c in canaries],
        test_file=str(test) if (test := default_test_file(config)) else None,
    )


def trainer_args(config: TrainConfig, out: Path, *, cuda: bool, has_eval: bool) -> dict[str, Any]:
    """The Trainer arguments SFT and DPO share: the config's schedule, validation and early-stopping
    checkpoints every `eval_steps` (the best kept), bf16 where CUDA supports it, no reporting or progress bars."""
    import torch

    return dict(
        output_dir=str(out / "checkpoints"), learning_rate=config.learning_rate, num_train_epochs=config.epochs,
        per_device_train_batch_size=config.batch_size, per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation, seed=config.seed, report_to="none",
        eval_strategy="steps" if has_eval else "no", eval_steps=config.eval_steps, save_strategy="steps",
        save_steps=config.eval_steps, save_total_limit=2, load_best_model_at_end=has_eval,
        metric_for_best_model="eval_loss", greater_is_better=False, logging_steps=config.eval_steps,
        use_cpu=not cuda, bf16=cuda and torch.cuda.is_bf16_supported(), dataloader_num_workers=0,
        disable_tqdm=True, **checkpointing_args(config))


def checkpointing_args(config: TrainConfig) -> dict[str, Any]:
    """Trainer arguments for `gradient_checkpointing`: the non-reentrant variant, which needs no gradient on
    the (frozen) input embeddings of a LoRA model. transformers 5.x names it `activation_checkpointing`
    (`gradient_checkpointing` is its deprecated alias); older releases know only the old name."""
    import dataclasses

    from transformers import TrainingArguments

    if not config.gradient_checkpointing:
        return {}
    fields = {f.name for f in dataclasses.fields(TrainingArguments)}
    name = "activation_checkpointing" if "activation_checkpointing" in fields else "gradient_checkpointing"
    return {name: True, f"{name}_kwargs": {"use_reentrant": False}}


def loss_history(log_history: Sequence[dict[str, Any]]) -> list[dict[str, float]]:
    """The loss curve from the trainer's log: one point per logged step, with the training loss, the
    validation loss or both."""
    points: dict[int, dict[str, float]] = {}
    for entry in log_history:
        step = entry.get("step")
        if not isinstance(step, int):
            continue
        for key in ("loss", "eval_loss"):
            value = entry.get(key)
            if isinstance(value, (int, float)):
                points.setdefault(step, {"step": float(step)})[key] = float(value)
    return [points[s] for s in sorted(points)]


def _train(config: TrainConfig, gate: GateResult, rec: RunRecorder, callbacks: Sequence[Any] = ()) -> AdapterManifest:
    import torch
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments, set_seed
    from transformers.trainer_utils import get_last_checkpoint

    set_seed(config.seed)
    base = Path(config.base_model)
    cuda = torch.cuda.is_available() and config.device != "cpu"
    tokenizer, model, threads = _load_for_lora(config, base, cuda)

    out = Path(config.output_dir)
    rows = _read_rows(Path(config.train_file))
    canaries = make_canaries(config.canaries, config.seed) if config.canaries.enabled else []
    if canaries:
        rows = with_canaries(rows, canaries, config.seed)
    train_rows = tokenize_rows(rows, tokenizer, config.max_length)
    eval_rows = (tokenize_rows(_read_rows(Path(config.validation_file)), tokenizer, config.max_length)
                 if config.validation_file else [])
    has_eval = bool(eval_rows)
    args = TrainingArguments(**trainer_args(config, out, cuda=cuda, has_eval=has_eval), remove_unused_columns=False)
    trainer = Trainer(model=model, args=args, train_dataset=train_rows, eval_dataset=eval_rows or None,
                      data_collator=_collate(tokenizer.pad_token_id),
                      callbacks=[*([EarlyStoppingCallback(config.early_stopping_patience)] if has_eval else []),
                                 *callbacks])
    _quiet(trainer, progress=True)
    last = get_last_checkpoint(str(out / "checkpoints")) if (out / "checkpoints").is_dir() else None
    result = trainer.train(resume_from_checkpoint=last)
    metrics: dict[str, Any] = {"train_loss": result.training_loss, "steps": result.global_step,
                               "resumed_from": Path(last).name if last else None,
                               "train_runtime": result.metrics.get("train_runtime"),
                               # tokens the optimiser saw (whole epochs, or the fraction done); not counted
                               # for a resumed run, whose runtime covers only the remainder
                               "train_tokens": None if last else int(sum(len(r["input_ids"]) for r in train_rows)
                                                                     * (trainer.state.epoch or 0.0))}
    if has_eval:
        metrics.update(trainer.evaluate())
    history = loss_history(trainer.state.log_history)
    adapter_dir = out / "adapter"
    model.save_pretrained(str(adapter_dir), safe_serialization=True)
    tokenizer.save_pretrained(adapter_dir)
    adapter_hash = adapter_digest(adapter_dir)
    manifest = _manifest(config, gate, rec, base, cuda=cuda, threads=threads, metrics=metrics,
                         adapter_hash=adapter_hash, canaries=canaries)
    manifest.loss_history = history
    manifest.write(out / "manifest.json")
    return manifest
