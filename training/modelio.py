"""Loading a trained adapter (or a bare base model) for probing and evaluation, scoring token sequences and
generating text in batches. Everything is local: `local_files_only=True`, `trust_remote_code=False`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdprep.errors import GdprepError


class ModelLoadError(GdprepError):
    """The base model or adapter directory cannot be used; the message names the path."""

    exit_code = 2


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    device: str
    base_dir: Path
    adapter_dir: Path | None


def pick_device(device: str = "auto") -> str:
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise ModelLoadError("device 'cuda' was asked for but CUDA is not available; use device: auto or cpu")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


#: below this many parameters a model runs on one CPU thread (see `configure_cpu_threads`)
SMALL_MODEL_PARAMS = 20_000_000
_DEFAULT_THREADS: int | None = None


def configure_cpu_threads(model: Any, threads: int | None = None) -> int:
    """`threads`, else one intra-op thread for a small model on the CPU and torch's default otherwise;
    returns the count.

    The ops of a model this small take microseconds, and splitting each across threads costs more than it
    saves: the 2-layer smoke model pre-trained 27x slower with torch's default of 2 threads than with one
    on a 2-vCPU machine (309 s against 11 s). Real models keep every core."""
    import torch

    global _DEFAULT_THREADS
    if _DEFAULT_THREADS is None:
        _DEFAULT_THREADS = torch.get_num_threads()
    if threads is None:
        small = sum(p.numel() for p in model.parameters()) < SMALL_MODEL_PARAMS
        threads = 1 if small else _DEFAULT_THREADS
    torch.set_num_threads(threads)
    return torch.get_num_threads()


def adapter_base_dir(adapter_dir: Path) -> Path:
    """The base model directory an adapter was trained on, from its manifest or adapter_config.json."""
    manifest = adapter_dir.parent / "manifest.json"
    if manifest.is_file():
        return Path(json.loads(manifest.read_text(encoding="utf-8"))["base_model"]["path"])
    config = adapter_dir / "adapter_config.json"
    if not config.is_file():
        raise ModelLoadError(f"{adapter_dir} is not a LoRA adapter directory (no adapter_config.json); pass the "
                             "`adapter` directory that `gdprep train` wrote")
    return Path(json.loads(config.read_text(encoding="utf-8"))["base_model_name_or_path"])


def load_model(base_dir: Path, adapter_dir: Path | None = None, *, device: str = "auto") -> LoadedModel:
    """The base model, with the adapter applied when one is given, in eval mode on `device`; a
    `ModelLoadError` naming the problem when the architecture is not supported or the tokenizer or weights
    are missing (`modelcheck.inspect_model_dir`)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from gdprep.training.modelcheck import inspect_model_dir, require_weights

    tok_dir = adapter_dir if adapter_dir is not None and (adapter_dir / "tokenizer_config.json").is_file() \
        else base_dir
    inspect_model_dir(base_dir, tokenizer_dir=tok_dir)  # it exists, a supported architecture, a tokenizer
    require_weights(base_dir)
    dev = pick_device(device)
    tokenizer = AutoTokenizer.from_pretrained(tok_dir, local_files_only=True, trust_remote_code=False)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    kwargs: dict[str, Any] = {"local_files_only": True, "trust_remote_code": False}
    if dev == "cuda" and torch.cuda.is_bf16_supported():
        kwargs["dtype"] = torch.bfloat16
    model: Any = AutoModelForCausalLM.from_pretrained(base_dir, **kwargs)
    if adapter_dir is not None:
        from peft import PeftModel

        if not (adapter_dir / "adapter_config.json").is_file():
            raise ModelLoadError(f"{adapter_dir} is not a LoRA adapter directory (no adapter_config.json)")
        # merged into the base weights for inference: same outputs, no per-layer LoRA overhead
        model = PeftModel.from_pretrained(model, str(adapter_dir), is_trainable=False).merge_and_unload()
    model.to(dev)
    model.eval()
    if dev == "cpu":
        configure_cpu_threads(model)
    return LoadedModel(model, tokenizer, dev, base_dir, adapter_dir)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def token_logprobs(loaded: LoadedModel, sequences: Sequence[Sequence[int]], *,
                   batch_size: int = 64) -> list[list[float]]:
    """For each token sequence, the log-probability of every token after the first given the ones before it
    (so `len(seq) - 1` values)."""
    import torch

    pad = loaded.tokenizer.pad_token_id
    out: list[list[float]] = []
    with torch.inference_mode():
        for batch in _batches(list(sequences), batch_size):
            width = max(len(s) for s in batch)
            ids = torch.tensor([list(s) + [pad] * (width - len(s)) for s in batch], device=loaded.device)
            mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in batch], device=loaded.device)
            logits = loaded.model(input_ids=ids, attention_mask=mask).logits.float()
            logp = torch.log_softmax(logits[:, :-1], dim=-1).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
            for row, seq in zip(logp.cpu().tolist(), batch, strict=True):
                out.append(row[:len(seq) - 1])
    return out


def generate(loaded: LoadedModel, prompts: Sequence[Sequence[int]], *, max_new_tokens: int,
             batch_size: int = 32, do_sample: bool = False, temperature: float = 1.0, top_k: int = 40,
             num_return_sequences: int = 1, seed: int = 0) -> list[list[list[int]]]:
    """New tokens generated after each prompt (left-padded batches); greedy unless `do_sample`. Returns, per
    prompt, `num_return_sequences` token lists, cut after the first end-of-sequence token."""
    import torch

    tok = loaded.tokenizer
    pad, eos = tok.pad_token_id, tok.eos_token_id
    torch.manual_seed(seed)
    results: list[list[list[int]]] = []
    with torch.inference_mode():
        for batch in _batches(list(prompts), batch_size):
            width = max(len(p) for p in batch)
            ids = torch.tensor([[pad] * (width - len(p)) + list(p) for p in batch], device=loaded.device)
            mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in batch], device=loaded.device)
            kwargs: dict[str, Any] = {"max_new_tokens": max_new_tokens, "pad_token_id": pad, "eos_token_id": eos,
                                      "num_return_sequences": num_return_sequences}
            if do_sample:
                kwargs.update(do_sample=True, temperature=temperature, top_k=top_k)
            else:
                kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
            generated = loaded.model.generate(input_ids=ids, attention_mask=mask, **kwargs)[:, width:]
            rows = generated.cpu().tolist()
            for i in range(len(batch)):
                outs = []
                for row in rows[i * num_return_sequences:(i + 1) * num_return_sequences]:
                    outs.append(row[:row.index(eos)] if eos in row else row)
                results.append(outs)
    return results
