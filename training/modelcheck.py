"""Checks on a local base model directory before any weights load: a supported architecture, a tokenizer,
weight files, and an estimate of the memory LoRA and QLoRA training need against the memory found.

Memory estimate (bytes; P parameters, E of them the input embedding and output head, A LoRA parameters,
T = batch_size x max_length tokens per batch, twice that for DPO's chosen and rejected answers; h hidden
size, i intermediate size, kv key/value width, L layers, V vocabulary):

- weights: LoRA P x 2 (bf16 on a CUDA GPU that supports it; fp32, 4, otherwise); QLoRA (P - E) x 0.5625
  (4-bit NF4 plus one fp32 scale per 64 weights) + E x 2 (the embedding and head stay 16-bit);
- adapter: A x 16 (fp32 weights, their gradients and AdamW's two moments), where A = r x (in + out) summed
  over the adapted linear layers;
- activations kept for the backward pass: T x L x (12h + 2kv + 5i) x the activation size (2 in bf16, 4 in
  fp32); with `gradient_checkpointing` only each layer's input is kept, T x L x h, plus one layer's
  intermediates while it is recomputed, T x (12h + 2kv + 5i); plus T x V x 8 for the logits (fp32) and their
  gradient;
- runtime: 1 GiB (CUDA context or the Python process, allocator slack).

It is a rough upper bound for a batch filled to `max_length`; real use is often lower, so `memory_check: false`
lets a run try anyway."""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdprep.errors import ConfigError
from gdprep.training.config import TrainConfig
from gdprep.training.modelio import ModelLoadError
from gdprep.training.presets import get_preset, preset_names

#: the architectures gdprep trains, probes and evaluates (config.json `architectures`), each tested on a tiny
#: randomly initialised model of its family (training/tinymodels.py)
SUPPORTED_ARCHITECTURES: dict[str, str] = {
    "LlamaForCausalLM": "Llama (Llama 3.1 8B)",
    "MistralForCausalLM": "Mistral (Mistral 7B)",
    "Phi3ForCausalLM": "Phi-3 (Phi-3 Medium)",
    "Qwen2ForCausalLM": "Qwen2",
}
#: Phi-3 fuses q/k/v into `qkv_proj` and gate/up into `gate_up_proj`
_FUSED = frozenset({"Phi3ForCausalLM"})
#: Qwen2's q/k/v projections have biases whatever the config says
_QKV_BIAS = frozenset({"Qwen2ForCausalLM"})
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json + merges.txt")
GIB = 1024 ** 3


class UnsupportedArchitecture(ModelLoadError):
    """The model's config.json names an architecture gdprep does not train or probe."""


class MissingTokenizer(ModelLoadError):
    """The model directory has no tokenizer files."""


class NotEnoughMemory(ModelLoadError):
    """Training the model would need more memory than this machine has free."""


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """What a model directory says about itself, read without loading weights."""

    path: Path
    architecture: str
    parameters: int
    parameter_source: str          # "safetensors headers" or "config.json"
    config_parameters: int         # the count config.json implies (equal to the headers' for these families)
    embedding_parameters: int      # input embedding and output head (not quantised by QLoRA)
    layers: int
    linear_shapes: dict[str, tuple[int, int]]   # per layer: module name -> (in, out) features
    hidden_size: int
    intermediate_size: int
    kv_width: int
    vocab_size: int


def inspect_model_dir(path: Path, *, tokenizer_dir: Path | None = None) -> ModelFacts:
    """The facts of a local model directory: it exists, has a config.json naming a supported architecture,
    and a tokenizer (in `tokenizer_dir` when given). Raises a `ModelLoadError` naming the problem."""
    if not path.is_dir():
        raise ModelLoadError(f"base model directory {path} does not exist; models are never downloaded, give a "
                             "local Hugging Face model directory")
    config_file = path / "config.json"
    if not config_file.is_file():
        raise ModelLoadError(f"{path} is not a Hugging Face model directory (no config.json); give the directory "
                             "that `save_pretrained` wrote")
    try:
        raw = json.loads(config_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelLoadError(f"{config_file} is not valid JSON ({exc})") from None
    names = raw.get("architectures") if isinstance(raw, dict) else None
    architecture = names[0] if isinstance(names, list) and names else None
    if architecture not in SUPPORTED_ARCHITECTURES:
        what = f"architecture {architecture}" if architecture else "no architecture (`architectures` is missing)"
        raise UnsupportedArchitecture(
            f"{config_file} names {what}; gdprep trains, probes and evaluates "
            f"{', '.join(SUPPORTED_ARCHITECTURES)} only (the families it is tested on). Use a base model of one "
            "of them; `gdprep train --print-preset list` shows a preset for each")
    check_tokenizer(tokenizer_dir or path)
    return _facts(path, architecture)


def check_tokenizer(directory: Path) -> None:
    """A MissingTokenizer error unless `directory` holds tokenizer files AutoTokenizer can load offline."""
    if (directory / "tokenizer.json").is_file() or (directory / "tokenizer.model").is_file():
        return
    if (directory / "vocab.json").is_file() and (directory / "merges.txt").is_file():
        return
    raise MissingTokenizer(f"{directory} has no tokenizer (none of {', '.join(TOKENIZER_FILES)}); copy the "
                           "tokenizer files from the model's release into it, e.g. with "
                           "`AutoTokenizer.from_pretrained(SOURCE).save_pretrained(DIRECTORY)`")


def require_weights(path: Path) -> None:
    if not any(path.glob("*.safetensors")) and not any(path.glob("*.bin")):
        raise ModelLoadError(f"{path} has no weight files (*.safetensors or pytorch_model*.bin); copy the "
                             "model's weights into it")


def linear_shapes(architecture: str, config: Any) -> dict[str, tuple[int, int]]:
    """Each decoder layer's linear modules, name -> (in features, out features), as the architecture lays
    them out (these are what `target_modules: all-linear` adapts)."""
    h, i = config.hidden_size, config.intermediate_size
    q, kv = _attention_widths(config)
    if architecture in _FUSED:
        return {"qkv_proj": (h, q + 2 * kv), "o_proj": (q, h), "gate_up_proj": (h, 2 * i), "down_proj": (i, h)}
    return {"q_proj": (h, q), "k_proj": (h, kv), "v_proj": (h, kv), "o_proj": (q, h), "gate_proj": (h, i),
            "up_proj": (h, i), "down_proj": (i, h)}


def _attention_widths(config: Any) -> tuple[int, int]:
    """(query width, key/value width): heads x head size, fewer key/value heads under grouped-query attention."""
    heads = config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    return heads * head_dim, (getattr(config, "num_key_value_heads", None) or heads) * head_dim


def _bias_width(architecture: str, config: Any, shapes: dict[str, tuple[int, int]]) -> int:
    biased = set()
    if architecture in _QKV_BIAS or getattr(config, "attention_bias", False):
        biased |= {"q_proj", "k_proj", "v_proj", "qkv_proj"}
    if getattr(config, "attention_bias", False) and architecture not in _QKV_BIAS:
        biased.add("o_proj")
    if getattr(config, "mlp_bias", False):
        biased |= {"gate_proj", "up_proj", "down_proj"}
    return sum(out for name, (_in, out) in shapes.items() if name in biased)


def _facts(path: Path, architecture: str) -> ModelFacts:
    from transformers import AutoConfig

    try:
        config = AutoConfig.from_pretrained(path, local_files_only=True, trust_remote_code=False)
    except (OSError, ValueError, TypeError) as exc:
        raise ModelLoadError(f"{path / 'config.json'} cannot be read as a {architecture} config: {exc}") from None
    shapes = linear_shapes(architecture, config)
    h, vocab, layers = config.hidden_size, config.vocab_size, config.num_hidden_layers
    tied = bool(getattr(config, "tie_word_embeddings", False))
    embedding = vocab * h * (1 if tied else 2)
    per_layer = sum(a * b for a, b in shapes.values()) + _bias_width(architecture, config, shapes) + 2 * h
    from_config = embedding + layers * per_layer + h   # + the final norm
    from_headers = safetensors_parameters(path)
    return ModelFacts(path=path, architecture=architecture,
                      parameters=from_headers if from_headers is not None else from_config,
                      parameter_source="safetensors headers" if from_headers is not None else "config.json",
                      config_parameters=from_config,
                      embedding_parameters=embedding, layers=layers, linear_shapes=shapes, hidden_size=h,
                      intermediate_size=config.intermediate_size, kv_width=_attention_widths(config)[1],
                      vocab_size=vocab)


def safetensors_parameters(path: Path) -> int | None:
    """Parameters in the directory's safetensors files, from their headers alone (no tensor is read); None
    when there are none or one cannot be read."""
    files = sorted(path.glob("*.safetensors"))
    if not files:
        return None
    total = 0
    try:
        for file in files:
            with file.open("rb") as fh:
                (size,) = struct.unpack("<Q", fh.read(8))
                header = json.loads(fh.read(size))
            for name, tensor in header.items():
                if name != "__metadata__":
                    count = 1
                    for dim in tensor["shape"]:
                        count *= int(dim)
                    total += count
    except (OSError, ValueError, KeyError, TypeError, struct.error):
        return None
    return total


@dataclass(frozen=True, slots=True)
class MemoryEstimate:
    """Bytes one training run needs, by part (see the module's docstring for the formula)."""

    weights: int
    adapter: int
    activations: int
    runtime: int = GIB

    @property
    def total(self) -> int:
        return self.weights + self.adapter + self.activations + self.runtime

    def describe(self) -> str:
        return (f"{_gib(self.total)} (weights {_gib(self.weights)}, adapter and optimiser {_gib(self.adapter)}, "
                f"activations {_gib(self.activations)}, runtime {_gib(self.runtime)})")


def _gib(n: int) -> str:
    return f"{n / GIB:.1f} GiB"


def adapter_parameters(facts: ModelFacts, r: int, target_modules: list[str] | str) -> int:
    """LoRA parameters: r x (in + out) for each adapted linear layer of every decoder layer."""
    wanted = facts.linear_shapes if target_modules == "all-linear" else \
        {k: v for k, v in facts.linear_shapes.items() if k in set(target_modules)}
    return facts.layers * sum(r * (a + b) for a, b in wanted.values())


def estimate_memory(facts: ModelFacts, *, r: int, target_modules: list[str] | str, batch_size: int,
                    max_length: int, quantized: bool, half: bool, pairs: bool = False,
                    checkpointing: bool = False) -> MemoryEstimate:
    """The memory a LoRA run (`quantized`: QLoRA) needs; `half` for bf16 weights and activations, `pairs`
    for DPO (a chosen and a rejected sequence per example), `checkpointing` with gradient checkpointing."""
    if quantized:
        weights = int((facts.parameters - facts.embedding_parameters) * 0.5625) + facts.embedding_parameters * 2
    else:
        weights = facts.parameters * (2 if half else 4)
    tokens = batch_size * max_length * (2 if pairs else 1)
    per_layer = 12 * facts.hidden_size + 2 * facts.kv_width + 5 * facts.intermediate_size
    per_token = facts.layers * facts.hidden_size + per_layer if checkpointing else facts.layers * per_layer
    activations = tokens * per_token * (2 if half or quantized else 4) + tokens * facts.vocab_size * 8
    return MemoryEstimate(weights=weights, adapter=adapter_parameters(facts, r, target_modules) * 16,
                          activations=activations)


def memory_found(cuda: bool) -> tuple[int | None, str]:
    """Free memory on the GPU training uses (CUDA), else the system's available RAM, and what it is; None
    when it cannot be read."""
    if cuda:
        import torch

        free, _total = torch.cuda.mem_get_info()
        return int(free), f"free memory on GPU 0 ({torch.cuda.get_device_name(0)})"
    try:
        import psutil

        return int(psutil.virtual_memory().available), "available system memory"
    except ImportError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024, "available system memory"
    except OSError:
        pass
    return None, "unknown"


def check_training_model(config: TrainConfig, *, memory: bool = True) -> ModelFacts:
    """Everything about the base model that can be checked before loading it: `inspect_model_dir`, the
    preset's architecture, enough memory (unless `memory_check: false` or `memory=False`: a service checks a
    job's model at submission, in the API process, and its memory when the job runs on the worker) and weight
    files."""
    import torch

    base = Path(config.base_model)
    facts = inspect_model_dir(base)
    preset = get_preset(config.preset) if config.preset else None
    if preset and preset.architecture != facts.architecture:
        fitting = " or ".join(f"`preset: {name}`" for name in preset_names()
                              if get_preset(name).architecture == facts.architecture)
        raise ConfigError(f"`preset: {preset.name}` is for {preset.architecture} ({preset.model}) but {base} is "
                          f"{facts.architecture}; use {fitting or 'no preset'} or another base model")
    if config.memory_check and memory:
        cuda = config.device != "cpu" and torch.cuda.is_available()
        check_memory(config, facts, cuda=cuda, half=cuda and torch.cuda.is_bf16_supported())
    require_weights(base)
    return facts


def check_memory(config: TrainConfig, facts: ModelFacts, *, cuda: bool, half: bool) -> None:
    """A NotEnoughMemory error when the run's estimate (QLoRA with `qlora` on CUDA, else LoRA in bf16 when
    `half`, fp32 otherwise) exceeds the memory found; it states both estimates, the memory found and what to
    change. Nothing is checked when the memory cannot be read."""
    found, where = memory_found(cuda)
    if found is None:
        return
    shape = {"r": config.lora.r, "target_modules": config.lora.target_modules, "batch_size": config.batch_size,
             "max_length": config.max_length, "pairs": config.method == "dpo",
             "checkpointing": config.gradient_checkpointing}
    lora = estimate_memory(facts, quantized=False, half=half, **shape)
    qlora = estimate_memory(facts, quantized=True, half=True, **shape)
    quantized = cuda and config.qlora
    need = qlora if quantized else lora
    if need.total <= found:
        return
    if need.total - need.activations > found:
        problem = "is too big for the memory found: its weights alone need about " + \
            _gib(need.total - need.activations)
    else:
        problem = (f"fits, but not with batches of batch_size {config.batch_size} x max_length {config.max_length} "
                   f"tokens (activations about {_gib(need.activations)})")
    if not cuda:
        advice = "QLoRA needs a CUDA GPU (bitsandbytes); on the CPU weights are fp32. "
    elif not quantized and qlora.total <= found:
        advice = "Set `qlora: true`: it fits. "
    else:
        advice = "" if quantized else "QLoRA would not fit either. "
    if not config.gradient_checkpointing and need.total - need.activations <= found:
        advice += "`gradient_checkpointing: true` keeps far fewer activations. "
    raise NotEnoughMemory(
        f"base model {facts.path} ({facts.architecture}, about {facts.parameters / 1e9:.2f}B parameters from "
        f"{facts.parameter_source}) {problem}. Training it needs about {lora.describe()} with LoRA "
        f"({'bf16' if half else 'fp32'} weights) and about {qlora.describe()} with QLoRA (4-bit weights); the "
        f"memory found is {_gib(found)} ({where}). {advice}Lower batch_size (raise gradient_accumulation to keep "
        "the effective batch) or max_length, or choose a smaller base model; `memory_check: false` tries anyway")
