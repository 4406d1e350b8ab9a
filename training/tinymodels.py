"""Tiny randomly initialised models of each supported architecture (Llama, Mistral, Phi-3, Qwen2), built from
a config with no weights downloaded, each with a byte-level BPE tokenizer trained offline and a chat template
in its family's format. They test that training, the probes and evaluation work on every family; they are
not language models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gdprep.training.smoke import train_bpe


@dataclass(frozen=True, slots=True)
class TinyFamily:
    """One architecture: its transformers config class, its special tokens and a chat template in its
    family's layout (shortened: no tool calls, no date headers)."""

    architecture: str             # the model class, config.json `architectures`
    config_class: str
    special_tokens: tuple[str, ...]
    bos: str | None
    eos: str                      # the token that ends an assistant turn
    pad: str | None
    chat_template: str
    assistant_marker: str         # what the prompt ends with before the assistant's answer


FAMILIES: dict[str, TinyFamily] = {
    "llama": TinyFamily(
        "LlamaForCausalLM", "LlamaConfig",
        ("<|begin_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>", "<|finetune_right_pad_id|>"),
        bos="<|begin_of_text|>", eos="<|eot_id|>", pad="<|finetune_right_pad_id|>",
        chat_template="{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>"
                      "\n\n{{ m['content'] }}<|eot_id|>{% endfor %}{% if add_generation_prompt %}"
                      "<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}",
        assistant_marker="<|start_header_id|>assistant<|end_header_id|>\n\n"),
    "mistral": TinyFamily(
        "MistralForCausalLM", "MistralConfig",
        ("<s>", "</s>", "[INST]", "[/INST]", "[SYSTEM_PROMPT]", "[/SYSTEM_PROMPT]"),
        bos="<s>", eos="</s>", pad=None,  # no padding token, as in Mistral's tokenizer: training pads with eos
        chat_template="{{ bos_token }}{% for m in messages %}{% if m['role'] == 'system' %}[SYSTEM_PROMPT]"
                      "{{ m['content'] }}[/SYSTEM_PROMPT]{% elif m['role'] == 'user' %}[INST]{{ m['content'] }}"
                      "[/INST]{% else %}{{ m['content'] }}{{ eos_token }}{% endif %}{% endfor %}",
        assistant_marker="[/INST]"),
    "phi3": TinyFamily(
        "Phi3ForCausalLM", "Phi3Config",
        ("<s>", "<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"),
        bos="<s>", eos="<|end|>", pad="<|endoftext|>",
        chat_template="{{ bos_token }}{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}<|end|>\n"
                      "{% endfor %}{% if add_generation_prompt %}<|assistant|>\n{% endif %}",
        assistant_marker="<|assistant|>\n"),
    "qwen2": TinyFamily(
        "Qwen2ForCausalLM", "Qwen2Config", ("<|endoftext|>", "<|im_start|>", "<|im_end|>"),
        bos=None, eos="<|im_end|>", pad="<|endoftext|>",
        chat_template="{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
                      "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
        assistant_marker="<|im_start|>assistant\n"),
}


def build_tiny_model(family: str, texts: Sequence[str], out_dir: Path, *, vocab_size: int = 400,
                     seed: int = 0) -> Path:
    """A 2-layer model of `family` (a key of FAMILIES; hidden size 48, grouped-query attention with 4 query
    and 2 key/value heads) with random weights, and its tokenizer trained on `texts`, saved to `out_dir` with
    `save_pretrained`."""
    import torch
    import transformers
    from transformers import PreTrainedTokenizerFast

    spec = FAMILIES[family]
    torch.manual_seed(seed)
    tok = train_bpe(texts, vocab_size, spec.special_tokens)
    named = {"bos_token": spec.bos, "eos_token": spec.eos, "pad_token": spec.pad}
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, **{k: v for k, v in named.items() if v is not None},
                                   additional_special_tokens=[t for t in spec.special_tokens
                                                              if t not in named.values()])
    fast.chat_template = spec.chat_template
    config = getattr(transformers, spec.config_class)(
        vocab_size=len(fast), hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=512, bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id)
    model = getattr(transformers, spec.architecture)(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    fast.save_pretrained(out_dir)
    (out_dir / "SMOKE_MODEL.txt").write_text(
        f"A tiny test model built by gdprep ({spec.architecture}, 2 layers, hidden size 48, random weights); "
        "not a real language model.\n", encoding="utf-8")
    return out_dir
