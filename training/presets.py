"""Named training presets, one per recommended base model: the LoRA settings, learning rate and epochs a
config starts from (`preset: NAME`; fields the config sets win). The values follow the fine-tuning guide's
base-model table and LoRA settings; where the guide gives a range the preset picks a value inside it, and
where it gives none the preset keeps gdprep's default, and each says which."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: where each value of a preset comes from; `gdprep train --print-preset NAME` prints these as comments
VALUE_SOURCES: dict[str, str] = {
    "lora.r": "the guide: r = 16 to 64 as a starting point; 16, the low end (fewest trainable parameters)",
    "lora.alpha": "not in the guide: gdprep's default, alpha = 2r (scaling 2)",
    "lora.dropout": "not in the guide: gdprep's default",
    "learning_rate": "not in the guide: gdprep's default, the rate the QLoRA paper used for 7B-13B models",
    "epochs": "the guide: typically 1-3 epochs for instruction tuning; 2, the middle (fewer passes, less "
              "memorisation; early stopping still applies with a validation split)",
    "max_length": "not in the guide: gdprep's default; raise it for longer records (up to the model's context)",
    "gradient_checkpointing": "not in the guide: on, so that batch_size 4 x max_length 1024 fits the guide's GPU "
                              "for the model (Llama 3.1 8B: activations about 34 GiB without it, 6 GiB with it)",
}


@dataclass(frozen=True, slots=True)
class Preset:
    """The defaults of one base model: its architecture (config.json `architectures`) and training values."""

    name: str
    model: str                  # the model as the guide names it
    architecture: str           # the transformers class in the model's config.json
    parameters: str             # its size as the guide gives it
    guide: str                  # the guide's fine-tuning method and GPU for it, or that it is not in the guide
    r: int = 16
    alpha: int = 32
    dropout: float = 0.05
    learning_rate: float = 2e-4
    epochs: float = 2.0
    max_length: int = 1024
    gradient_checkpointing: bool = True

    def values(self) -> dict[str, Any]:
        """The config fields the preset sets, shaped as in a training config."""
        return {"lora": {"r": self.r, "alpha": self.alpha, "dropout": self.dropout},
                "learning_rate": self.learning_rate, "epochs": self.epochs, "max_length": self.max_length,
                "gradient_checkpointing": self.gradient_checkpointing}

    def apply(self, raw: dict[str, Any]) -> dict[str, Any]:
        """`raw` (a config as read from YAML) with the preset's value for every field it does not set; a
        `lora` mapping is merged key by key. A DPO run that continues an adapter keeps that adapter's LoRA
        settings, so the preset's are not applied to it."""
        merged = dict(raw)
        for key, value in self.values().items():
            if key == "lora":
                continues_adapter = isinstance(raw.get("dpo"), dict) and raw["dpo"].get("init_adapter")
                if not continues_adapter:
                    given = raw.get("lora")
                    merged["lora"] = {**value, **given} if isinstance(given, dict) else given or dict(value)
            elif key not in raw:
                merged[key] = value
        return merged


_PRESETS: dict[str, Preset] = {}


def register_preset(preset: Preset) -> Preset:
    """Add a preset to the registry; its name must be new and its values valid LoRA settings."""
    if preset.name in _PRESETS:
        raise ValueError(f"preset {preset.name!r} is already registered")
    if not (preset.r >= 1 and preset.alpha >= 1 and 0.0 <= preset.dropout < 1.0 and preset.learning_rate > 0
            and preset.epochs > 0 and preset.max_length >= 8):
        raise ValueError(f"preset {preset.name!r} has an out-of-range value: {preset.values()}")
    _PRESETS[preset.name] = preset
    return preset


for _preset in (
    Preset("llama-3.1-8b", "Llama 3.1 8B", "LlamaForCausalLM", "8B", "the guide: LoRA or QLoRA, on a single A100 40GB"),
    Preset("mistral-7b", "Mistral 7B", "MistralForCausalLM", "7B", "the guide: LoRA or QLoRA, on a single A100 40GB"),
    Preset("phi-3-medium", "Phi-3 Medium", "Phi3ForCausalLM", "14B", "the guide: LoRA, on a single A100 80GB"),
    Preset("qwen2-7b", "Qwen2 7B", "Qwen2ForCausalLM", "7B",
           "not in the guide (a current family); the values of the guide's 7-8B models"),
):
    register_preset(_preset)


def preset_names() -> list[str]:
    return sorted(_PRESETS)


def get_preset(name: str) -> Preset:
    """The preset called `name`; a ValueError naming the known ones when there is none."""
    try:
        return _PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; known presets: {', '.join(preset_names())}") from None


def preset_yaml(preset: Preset) -> str:
    """The preset as YAML to paste into a training config: `preset:` and every value it sets, each with a
    comment saying where it comes from."""
    lines = [f"# {preset.model} ({preset.architecture}, {preset.parameters} parameters); {preset.guide}",
             f"preset: {preset.name}", "lora:"]
    for key, value in preset.values()["lora"].items():
        lines.append(f"  {key}: {value!r}  # {VALUE_SOURCES['lora.' + key]}")
    for key in ("learning_rate", "epochs", "max_length", "gradient_checkpointing"):
        value = getattr(preset, key)
        lines.append(f"{key}: {str(value).lower() if isinstance(value, bool) else repr(value)}  # {VALUE_SOURCES[key]}")
    return "\n".join(lines) + "\n"
