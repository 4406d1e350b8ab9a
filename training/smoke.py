"""The smoke model: a tiny 2-layer Llama with its own byte-level BPE tokenizer, built offline for the tests,
the demo and the benchmarks. It stands in for a base model; it is not a real language model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gdprep.training.modelio import configure_cpu_threads
from gdprep.training.train import _collate, _quiet, tokenize_rows


def build_smoke_model(texts: Sequence[str], out_dir: Path, *, vocab_size: int = 400, seed: int = 0,
                      pretrain_texts: Sequence[str] = (), pretrain_epochs: float = 20.0) -> Path:
    """A tiny 2-layer Llama with a byte-level BPE tokenizer trained offline on `texts`: a smoke model for
    tests and the demo, not a real model.

    With `pretrain_texts` the whole model is first trained on them (every parameter, `pretrain_epochs`), so
    that it plays the part of a base model that knows the domain's language. Give it generic text of the
    domain, never the records you will fine-tune on: the probes use the base model as the reference for
    membership inference. A randomly initialised model barely moves under LoRA, so probes on it measure
    nothing."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    torch.manual_seed(seed)
    tok = train_bpe(texts, vocab_size, ["<pad>", "<s>", "</s>"])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    config = LlamaConfig(vocab_size=fast.vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=512,
                         bos_token_id=fast.bos_token_id, eos_token_id=fast.eos_token_id,
                         pad_token_id=fast.pad_token_id, tie_word_embeddings=True)
    model = LlamaForCausalLM(config)
    configure_cpu_threads(model)
    if pretrain_texts:
        _pretrain(model, fast, pretrain_texts, out_dir / "pretrain", epochs=pretrain_epochs, seed=seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir, safe_serialization=True)
    fast.save_pretrained(out_dir)
    (out_dir / "SMOKE_MODEL.txt").write_text(
        "A tiny test model built by gdprep (2 layers, hidden size 64"
        + (f", pre-trained on {len(pretrain_texts)} generic texts" if pretrain_texts else ", random weights")
        + "); not a real language model.\n", encoding="utf-8")
    return out_dir


def train_bpe(texts: Sequence[str], vocab_size: int, special_tokens: Sequence[str]) -> Any:
    """A byte-level BPE `tokenizers.Tokenizer` trained offline on `texts`; `special_tokens` get the first ids
    and are never split."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token=None))
    # digits one token each, as in Llama and Mistral tokenizers: every secret of a canary's space then has
    # the same length in tokens, so exposure ranks reflect learnt probabilities, not tokenisation
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(special_tokens),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(list(texts), trainer)
    return tok


def _pretrain(model: Any, tokenizer: Any, texts: Sequence[str], work_dir: Path, *, epochs: float, seed: int) -> None:
    """Full-parameter causal-LM training of the smoke model on generic text (no checkpoints kept)."""
    import shutil

    from transformers import Trainer, TrainingArguments

    rows = tokenize_rows([{"text": t} for t in texts], tokenizer, 128)
    args = TrainingArguments(output_dir=str(work_dir), learning_rate=3e-3, num_train_epochs=epochs,
                             per_device_train_batch_size=16, report_to="none", save_strategy="no", use_cpu=True,
                             disable_tqdm=True, logging_strategy="no", remove_unused_columns=False, seed=seed,
                             dataloader_num_workers=0)
    trainer = Trainer(model=model, args=args, train_dataset=rows, data_collator=_collate(tokenizer.pad_token_id))
    _quiet(trainer)
    trainer.train()
    shutil.rmtree(work_dir, ignore_errors=True)
