"""DPO training (trl's DPOTrainer on a peft LoRA adapter) behind the same gate as SFT, and the implicit reward
of a DPO adapter on preference pairs.

- Records are `{prompt, chosen, rejected}`: `prompt` as text or chat messages, the answers as text or
  `[{"role": "assistant", "content": ...}]`. They are laid out as SFT lays out its records (`_pairs`) and
  tokenised here, once, the same way for training and for evaluation: no special tokens added, EOS after
  each answer.
- The reference model is the bare base model, or with `dpo.init_adapter` the base model with that adapter:
  DPO then goes on training the adapter's LoRA weights, and trl keeps a frozen copy of them (a second adapter
  named `ref`) as the reference. Only the trained adapter is saved.
- Canaries go into chosen answers: each is a pair with no prompt whose chosen answer is the canary and whose
  rejected answer is the same phrase with another random secret, so that the pair differs only in the
  secret (the worst case for memorisation, which the probes then measure).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import RunRecorder
from gdprep.errors import InputError
from gdprep.training.config import TrainConfig
from gdprep.training.gate import GateRefused
from gdprep.training.manifest import AdapterManifest
from gdprep.training.modelio import LoadedModel, token_logprobs
from gdprep.training.train import (
    Canary,
    InitAdapter,
    PreparedTraining,
    _load_for_lora,
    _manifest,
    _quiet,
    _read_rows,
    adapter_digest,
    is_preference,
    loss_history,
    make_canaries,
    preference_texts,
    trainer_args,
    turn_end,
    weights_sha256,
)

#: the fine-tuning guide's starting point for a preference dataset
ADVISED_MIN_PAIRS = 500


@dataclass(frozen=True, slots=True)
class EncodedPair:
    """A pair's token ids: the prompt, and each answer after it (EOS included)."""

    prompt_ids: list[int]
    chosen_ids: list[int]
    rejected_ids: list[int]

    def to_json(self) -> dict[str, list[int]]:
        return {"prompt_ids": self.prompt_ids, "chosen_ids": self.chosen_ids, "rejected_ids": self.rejected_ids}


def check_pairs(rows: Sequence[dict[str, Any]], source: Path | str) -> None:
    """Every record must be a preference pair; the error names the first one that is not."""
    for i, row in enumerate(rows):
        if not is_preference(row):
            raise InputError(f"{source}: record {row.get('id', i)!r} is not a preference pair; method: dpo "
                             "needs records with `prompt`, `chosen` and `rejected` (use method: sft for other "
                             "records)", reason="not_a_preference_pair")


def encode_pair(row: dict[str, Any], tokenizer: Any) -> EncodedPair:
    """A pair tokenised as SFT tokenises a record (`tokenize_rows`): no special tokens, a chat prompt's answer
    followed by the template's end-of-turn marker, then EOS (once, when the marker is not EOS itself)."""
    prompt, chosen, rejected = preference_texts(row, tokenizer)
    context = row.get("prompt")

    def ids(text: str) -> list[int]:
        return list(tokenizer(text, add_special_tokens=False)["input_ids"]) if text else []

    def answer_ids(answer: str) -> list[int]:
        if isinstance(context, list) and context:
            answer += turn_end(row, tokenizer, prompt, answer)
        out = ids(answer)
        return out if out and out[-1] == tokenizer.eos_token_id else [*out, tokenizer.eos_token_id]

    return EncodedPair(ids(prompt), answer_ids(chosen), answer_ids(rejected))


def with_preference_canaries(rows: list[dict[str, Any]], canaries: Sequence[Canary], seed: int) -> list[dict[str, Any]]:
    """The pairs with each canary inserted `repetitions` times at seeded random positions, as the chosen answer
    of a pair without a prompt; the rejected answer is the canary's phrase with a decoy secret."""
    rng = random.Random(seed)
    out = list(rows)
    for canary in canaries:
        for i in range(canary.repetitions):
            decoy = canary.secret
            while decoy == canary.secret:
                decoy = f"{rng.randrange(10 ** canary.digits):0{canary.digits}d}"
            out.insert(rng.randrange(len(out) + 1), {"id": f"canary-{canary.ref}-{i}", "prompt": "",
                                                     "chosen": canary.text, "rejected": canary.prefix + decoy})
    return out


def resolve_init_adapter(ledger: Ledger, config: TrainConfig) -> InitAdapter:
    """`dpo.init_adapter` (a training run id, or an adapter directory) as the ledger recorded it: found, hashing
    to what its training run recorded, and trained on this config's base model."""
    from gdprep.training.release import find_adapter

    ref = str(config.dpo_settings.init_adapter)
    path = Path(ref)
    found = (find_adapter(ledger, adapter_dir=path) if path.is_dir()
             else find_adapter(ledger, run_id=ref))
    if not found.in_ledger:
        raise GateRefused(f"dpo.init_adapter {ref} is not an adapter the audit ledger recorded (its training run "
                          f"{found.training_run or 'is unknown'}); start from an adapter `gdprep train` made here")
    if found.manifest.base_model.weights_sha256 != weights_sha256(Path(config.base_model)):
        raise GateRefused(f"dpo.init_adapter {ref} was trained on {found.manifest.base_model.path}, whose weights "
                          f"differ from base_model {config.base_model}; use that base model or another adapter")
    return InitAdapter(found.adapter_dir, found.sha256, found.training_run)


def _trainer_class() -> Any:
    from trl import DPOTrainer

    class PreTokenizedDPOTrainer(DPOTrainer):  # type: ignore[misc]
        """trl's DPOTrainer on pairs `encode_pair` tokenised (trl's own tokenisation would add special tokens
        that SFT and the evaluation do not)."""

        def _prepare_dataset(self, dataset: Any, processing_class: Any, args: Any, dataset_name: str) -> Any:
            return dataset

    return PreTokenizedDPOTrainer


def _dpo_args(config: TrainConfig, out: Path, *, cuda: bool, has_eval: bool) -> Any:
    from trl import DPOConfig

    dpo = config.dpo_settings
    return DPOConfig(**trainer_args(config, out, cuda=cuda, has_eval=has_eval), beta=dpo.beta,
                     loss_type=[dpo.loss_type], label_smoothing=dpo.label_smoothing, max_length=config.max_length,
                     truncation_mode="keep_start")


def _last_logged(log_history: Sequence[dict[str, Any]], key: str) -> float | None:
    values = [entry[key] for entry in log_history if isinstance(entry.get(key), (int, float))]
    return float(values[-1]) if values else None


def train_dpo(job: PreparedTraining, rec: RunRecorder, callbacks: Sequence[Any] = ()) -> AdapterManifest:
    """DPO inside the open `training` run: the adapter and `manifest.json` in `output_dir`, as SFT writes them,
    with the method, beta, loss type, the init adapter and the reference model in the manifest."""
    import torch
    from transformers import EarlyStoppingCallback, set_seed
    from transformers.trainer_utils import get_last_checkpoint

    config, init = job.config, job.init_adapter
    set_seed(config.seed)
    base, out = Path(config.base_model), Path(config.output_dir)
    cuda = torch.cuda.is_available() and config.device != "cpu"
    rows = _read_rows(Path(config.train_file))
    check_pairs(rows, config.train_file)
    eval_rows = _read_rows(Path(config.validation_file)) if config.validation_file else []
    check_pairs(eval_rows, str(config.validation_file))
    tokenizer, model, threads = _load_for_lora(config, base, cuda, init.adapter_dir if init else None)
    canaries = make_canaries(config.canaries, config.seed) if config.canaries.enabled else []
    trained_rows = with_preference_canaries(rows, canaries, config.seed) if canaries else rows
    train_set = [encode_pair(r, tokenizer).to_json() for r in trained_rows]
    eval_set = [encode_pair(r, tokenizer).to_json() for r in eval_rows]
    trainer = _trainer_class()(
        model=model, args=_dpo_args(config, out, cuda=cuda, has_eval=bool(eval_set)), train_dataset=train_set,
        eval_dataset=eval_set or None, processing_class=tokenizer,
        callbacks=[*([EarlyStoppingCallback(config.early_stopping_patience)] if eval_set else []), *callbacks])
    _quiet(trainer, progress=True)
    last = get_last_checkpoint(str(out / "checkpoints")) if (out / "checkpoints").is_dir() else None
    result = trainer.train(resume_from_checkpoint=last)
    metrics: dict[str, Any] = {"train_loss": result.training_loss, "steps": result.global_step,
                               "resumed_from": Path(last).name if last else None,
                               "train_runtime": result.metrics.get("train_runtime")}
    if eval_set:
        metrics.update(trainer.evaluate())
    history = trainer.state.log_history
    # trl's running figures at the last logged step (training batches) and the last evaluation
    for key, logged in (("train_reward_accuracy", "rewards/accuracies"), ("train_reward_margin", "rewards/margins"),
                        ("eval_reward_accuracy", "eval_rewards/accuracies"),
                        ("eval_reward_margin", "eval_rewards/margins")):
        metrics[key] = _last_logged(history, logged)
    adapter_dir = out / "adapter"
    # trl keeps the reference as a second adapter ("ref"); only the trained one is the result
    model.save_pretrained(str(adapter_dir), selected_adapters=["default"], safe_serialization=True)
    tokenizer.save_pretrained(adapter_dir)
    manifest = _manifest(config, job.gate, rec, base, cuda=cuda, threads=threads, metrics=metrics,
                         adapter_hash=adapter_digest(adapter_dir), canaries=canaries)
    manifest.loss_history = loss_history(history)
    manifest.method = "dpo"
    manifest.dpo = dpo_facts(config, init, pairs=len(rows))
    manifest.write(out / "manifest.json")
    return manifest


def dpo_facts(config: TrainConfig, init: InitAdapter | None, *, pairs: int) -> dict[str, Any]:
    """What the manifest records of a DPO run (and the evaluation reads back)."""
    dpo = config.dpo_settings
    facts: dict[str, Any] = {
        "beta": dpo.beta, "loss_type": dpo.loss_type, "label_smoothing": dpo.label_smoothing, "pairs": pairs,
        "init_adapter": init.to_json() if init else None,
        "reference_model": ("the base model with the init adapter (its LoRA weights frozen as trained before "
                            "this run)") if init else "the bare base model",
        "dropout_disabled": True,  # trl's default for DPO: dropout off in the policy and the reference
    }
    if pairs < ADVISED_MIN_PAIRS:
        facts["advice"] = (f"{pairs} training pairs; 500-2,000 pairs is the usual starting point for DPO, fewer "
                           "tend to overfit (consider loss_type ipo or a larger beta)")
    return facts


# -- the implicit reward ----------------------------------------------------------------------------------
def answer_logps(loaded: LoadedModel, pairs: Sequence[EncodedPair], *, max_length: int,
                 batch_size: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Summed log-probabilities of each pair's chosen and rejected answer tokens after its prompt, truncated
    to `max_length` tokens from the start, as in training (the first token of a sequence has no
    prediction, so an answer without a prompt is scored from its second token, as trl does)."""
    seqs, starts = [], []
    for pair in pairs:
        for answer in (pair.chosen_ids, pair.rejected_ids):
            seqs.append((pair.prompt_ids + answer)[:max_length])
            starts.append(max(len(pair.prompt_ids), 1))
    logps = token_logprobs(loaded, seqs, batch_size=batch_size)
    # token i is predicted by logps[i - 1]
    sums = np.array([sum(lp[start - 1:]) for lp, start in zip(logps, starts, strict=True)], dtype=float)
    return sums[0::2], sums[1::2]


def reward_figures(policy: tuple[np.ndarray, np.ndarray], reference: tuple[np.ndarray, np.ndarray],
                   beta: float) -> dict[str, Any]:
    """Implicit DPO rewards `beta * (log p_policy - log p_ref)` of the chosen and rejected answers: the reward
    accuracy (share of pairs whose chosen answer's reward is strictly higher, as trl counts it) and the
    mean margin (chosen minus rejected)."""
    chosen = beta * (policy[0] - reference[0])
    rejected = beta * (policy[1] - reference[1])
    margins = chosen - rejected
    n = len(margins)
    return {"n": n, "beta": beta,
            "reward_accuracy": float((margins > 0).mean()) if n else None,
            "reward_margin_mean": float(margins.mean()) if n else None,
            "reward_margin_std": float(margins.std()) if n else None,
            "chosen_reward_mean": float(chosen.mean()) if n else None,
            "rejected_reward_mean": float(rejected.mean()) if n else None}
