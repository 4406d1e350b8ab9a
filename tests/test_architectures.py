"""Training, the probes and evaluation on every supported architecture (Llama, Mistral, Phi-3, Qwen2), each a
tiny randomly initialised model built from a config with no weights downloaded (training/tinymodels.py) and a
chat template in its family's format; presets; the checks on a base model directory before it loads."""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.policies import load_policy
from gdprep.service import stages
from gdprep.service.cli import app
from gdprep.training import modelcheck
from gdprep.training.config import TrainConfig, load_train_config
from gdprep.training.dpo import encode_pair
from gdprep.training.modelcheck import (
    SUPPORTED_ARCHITECTURES,
    MissingTokenizer,
    NotEnoughMemory,
    UnsupportedArchitecture,
    check_memory,
    check_training_model,
    estimate_memory,
    inspect_model_dir,
)
from gdprep.training.presets import get_preset, preset_names
from gdprep.training.probes import ProbeSettings
from gdprep.training.tinymodels import FAMILIES, build_tiny_model
from gdprep.training.train import IGNORE, tokenize_rows

from .conftest import CURATE_YAML, redact_and_curate

pytest.importorskip("torch")
pytest.importorskip("peft")

#: the preset of each family's recommended model
PRESET_OF = {"llama": "llama-3.1-8b", "mistral": "mistral-7b", "phi3": "phi-3-medium", "qwen2": "qwen2-7b"}
#: the linear layers of each family's decoder layers, which `all-linear` must adapt (Phi-3 fuses q/k/v and
#: gate/up)
PROJECTIONS = {"llama": {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"},
               "phi3": {"qkv_proj", "o_proj", "gate_up_proj", "down_proj"}}
PROJECTIONS["mistral"] = PROJECTIONS["qwen2"] = PROJECTIONS["llama"]
ITEMS = ("router", "printer", "laptop", "phone", "tablet", "modem")
ACTIONS = ("reset", "update", "restart", "clean", "pair")
SETTINGS = ProbeSettings(bootstrap=100, max_records=10, extraction_k=[8], extraction_suffix=8,
                         regurgitation_contexts=4, regurgitation_samples=1, regurgitation_tokens=8, batch_size=32)
#: a multi-turn chat: the loss is on the last assistant turn only, the earlier one is context
CHAT = {"messages": [{"role": "system", "content": "You are a support assistant."},
                     {"role": "user", "content": "How do I reset my router?"},
                     {"role": "assistant", "content": "Hold the button for 10 seconds."},
                     {"role": "user", "content": "And then?"},
                     {"role": "assistant", "content": "Wait until the light is green."}]}


def _chat_record(rng: random.Random, i: int) -> dict[str, Any]:
    item, action, seconds = rng.choice(ITEMS), rng.choice(ACTIONS), rng.randint(2, 60)
    return {"id": f"c{i}", "label": ("hardware", "software")[i % 2], "messages": [
        {"role": "system", "content": "You are a support assistant."},
        {"role": "user", "content": f"How do I {action} my {item}?"},
        {"role": "assistant", "content": f"Open the {item} settings and choose {action}."},
        {"role": "user", "content": f"It asks me to wait {seconds} seconds. Is that normal?"},
        {"role": "assistant", "content": f"Yes, the {item} needs {seconds} seconds to {action}."}]}


def _texts(rows: list[dict[str, Any]]) -> list[str]:
    return [m["content"] for r in rows for m in r["messages"]]


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Chat records redacted and curated through the CLI (so the ledger lets them be trained on), in one state
    directory for the module."""
    root = tmp_path_factory.mktemp("architectures")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(root / "home"))
        rng = random.Random(3)
        rows = [_chat_record(rng, i) for i in range(90)]
        redact_and_curate(root, rows, CURATE_YAML + "near_dedup: {enabled: false}\n"
                                      "split: {train: 0.7, validation: 0.1, test: 0.2}\n")
        yield {"root": root, "home": root / "home", "texts": _texts(rows), "train": root / "cur" / "train.jsonl"}


@pytest.fixture()
def home(curated: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.setenv("GDPREP_HOME", str(curated["home"]))
    monkeypatch.setenv("GDPREP_REGION", "GB")
    return Ledger()


@pytest.fixture(scope="module")
def models(curated: dict[str, Any]) -> dict[str, Path]:
    """One tiny model per family, its tokenizer trained on the records' text."""
    return {family: build_tiny_model(family, [*curated["texts"], json.dumps(CHAT)], curated["root"] / family)
            for family in FAMILIES}


@pytest.fixture(scope="module", params=list(FAMILIES))
def trained(request: pytest.FixtureRequest, curated: dict[str, Any], models: dict[str, Path]) -> Iterator[
        dict[str, Any]]:
    """LoRA training of one family's model through the gate, from its preset with small-run overrides."""
    family, root = request.param, curated["root"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(curated["home"]))
        config = TrainConfig.model_validate({
            "preset": PRESET_OF[family], "base_model": str(models[family]), "train_file": str(curated["train"]),
            "validation_file": str(root / "cur" / "validation.jsonl"), "output_dir": str(root / f"out-{family}"),
            "lora": {"r": 8}, "learning_rate": 1e-2, "epochs": 3, "batch_size": 8, "max_length": 128,
            "eval_steps": 4, "region": "GB", "seed": 5})
        seen = CheckpointingSeen()
        yield {"family": family, "config": config, "manifest": stages.train(Ledger(), config, callbacks=[seen]),
               "model": models[family], "checkpointing": seen.states}


def CheckpointingSeen() -> Any:  # noqa: N802  (used as a class: a callback made per run)
    """A Trainer callback whose `states` note, at every optimiser step, whether the model being trained
    recomputes its activations (gradient checkpointing)."""
    from transformers import TrainerCallback

    class _Seen(TrainerCallback):  # type: ignore[misc]
        def __init__(self) -> None:
            self.states: list[bool] = []

        def on_step_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
            self.states.append(bool(model.is_gradient_checkpointing))

    return _Seen()


def test_the_presets_train_with_gradient_checkpointing(trained: dict[str, Any]) -> None:
    assert trained["config"].gradient_checkpointing is True  # from the preset
    assert trained["checkpointing"] and all(trained["checkpointing"])
    assert trained["manifest"].config["gradient_checkpointing"] is True


def test_training_without_checkpointing_recomputes_nothing_and_learns_the_same(
        trained: dict[str, Any], home: Ledger, tmp_path: Path) -> None:
    """Gradient checkpointing recomputes the same activations: the same run without it ends with the same
    training loss."""
    config = trained["config"].model_copy(update={"gradient_checkpointing": False,
                                                  "output_dir": str(tmp_path / "plain")})
    seen = CheckpointingSeen()
    manifest = stages.train(home, config, register=False, callbacks=[seen])
    assert seen.states and not any(seen.states)
    assert manifest.metrics["train_loss"] == pytest.approx(trained["manifest"].metrics["train_loss"], rel=1e-4)


def test_all_linear_adapts_every_projection_of_the_architecture_and_not_the_head(trained: dict[str, Any]) -> None:
    import torch
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM

    family, manifest = trained["family"], trained["manifest"]
    adapter = Path(manifest.config["output_dir"]) / "adapter"
    saved = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    # peft records the modules `all-linear` resolved to: every projection of both decoder layers
    assert {name.rsplit(".", 1)[-1] for name in saved["target_modules"]} == PROJECTIONS[family]
    assert all(name.startswith("model.layers.") for name in saved["target_modules"])
    assert (saved["r"], saved["lora_alpha"]) == (8, get_preset(PRESET_OF[family]).alpha)  # r set, alpha preset's
    base = AutoModelForCausalLM.from_pretrained(trained["model"], local_files_only=True)
    assert type(base).__name__ == FAMILIES[family].architecture
    linears = {name for name, module in base.named_modules() if isinstance(module, torch.nn.Linear)}
    with safe_open(str(adapter / "adapter_model.safetensors"), "pt") as weights:
        adapted = {re.sub(r"^base_model\.model\.|\.lora_[AB]\.weight$", "", key) for key in weights.keys()}
        trained_b = [weights.get_tensor(k) for k in weights.keys() if ".lora_B." in k]
    assert adapted == linears - {"lm_head"} and "lm_head" in linears
    assert len(adapted) == 2 * len(PROJECTIONS[family])  # two decoder layers
    assert all(float(b.abs().sum()) > 0 for b in trained_b)  # LoRA B starts at zero: training moved every one
    assert manifest.config["preset"] == PRESET_OF[family] and manifest.config["epochs"] == 3


def test_the_adapter_learnt_the_chat_records(trained: dict[str, Any], home: Ledger) -> None:
    """The saved adapter, loaded as probes and evaluation load it, gives the training records' answer tokens
    a lower loss than the bare base model does."""
    from gdprep.training.modelio import load_model, token_logprobs

    manifest = trained["manifest"]
    adapter = Path(manifest.config["output_dir"]) / "adapter"
    rows = [json.loads(line) for line in Path(manifest.config["train_file"]).read_text().splitlines()[:20]]
    losses = {}
    for name, adapter_dir in (("base", None), ("adapter", adapter)):
        loaded = load_model(trained["model"], adapter_dir, device="cpu")
        encoded = tokenize_rows(rows, loaded.tokenizer, 128)
        scores = token_logprobs(loaded, [r["input_ids"] for r in encoded])
        answer = [-lp for r, row_lp in zip(encoded, scores, strict=True)
                  for lp, label in zip(row_lp, r["labels"][1:], strict=True) if label != IGNORE]
        losses[name] = sum(answer) / len(answer)
    assert losses["adapter"] < losses["base"] - 0.3, losses


def test_probes_and_evaluation_run_on_the_trained_adapter(trained: dict[str, Any], home: Ledger) -> None:
    manifest = trained["manifest"]
    report = stages.probe(home, load_policy(None), run_id=manifest.ledger_run, settings=SETTINGS,
                          command="gdprep probe")
    results = report["results"]
    assert set(results["membership_inference"]["signals"]) == {"loss", "zlib", "min_k", "reference"}
    assert results["membership_inference"]["members"] >= 10 and results["membership_inference"]["non_members"] > 0
    assert results["extraction"]["train"]["8"]["eligible"] > 0
    assert report["decision"]["release"] in ("pass", "fail", "inconclusive")
    assert (Path(manifest.config["output_dir"]) / "probes" / "probe_report.json").is_file()
    test_rows = len(Path(manifest.test_file or "").read_text().splitlines())
    result = stages.evaluate(home, run_id=manifest.ledger_run, command="gdprep evaluate", max_new_tokens=8)
    assert result["adapter"]["task"] == "generation" and result["adapter"]["n"] == test_rows > 0
    assert set(result["adapter"]["metrics"]) >= {"token_f1", "rouge_l"} and result["base"]["n"] == test_rows
    kinds = [(e.kind, e.payload.get("stage")) for e in home.iter_entries() if e.kind == "run_completed"]
    assert ("run_completed", "probes") in kinds and ("run_completed", "evaluation") in kinds
    assert home.unfinished_runs() == {}


@pytest.mark.parametrize("family", list(FAMILIES))
def test_chat_records_use_the_template_and_the_loss_is_on_the_last_answer(models: dict[str, Path],
                                                                          family: str) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(models[family], local_files_only=True)
    assert tok.chat_template
    [row] = tokenize_rows([CHAT], tok, 512)
    ids, labels = row["input_ids"], row["labels"]
    prompt = tok.apply_chat_template(CHAT["messages"][:-1], tokenize=False, add_generation_prompt=True)
    n_prompt = len(tok(prompt, add_special_tokens=False)["input_ids"])
    # masked exactly over the rendered prompt: system, both user turns and the earlier answer
    assert labels[:n_prompt] == [IGNORE] * n_prompt and IGNORE not in labels[n_prompt:]
    assert labels[n_prompt:] == tok("Wait until the light is green.", add_special_tokens=False)["input_ids"] + \
        [tok.eos_token_id]
    masked = tok.decode(ids[:n_prompt])
    assert masked == prompt and masked.endswith(FAMILIES[family].assistant_marker)
    assert "Hold the button for 10 seconds." in masked and "You are a support assistant." in masked
    # the template's markers are single special tokens, never split into bytes
    for marker in FAMILIES[family].special_tokens:
        if marker in masked:
            assert tok.convert_tokens_to_ids(marker) in ids[:n_prompt], marker
    # the training sequence is the whole conversation as the template renders it (up to trailing whitespace)
    whole = tok.apply_chat_template(CHAT["messages"], tokenize=False)
    assert whole.startswith(tok.decode(ids)) and not whole[len(tok.decode(ids)):].strip()


@pytest.mark.parametrize(("family", "turn_end"), [("phi3", "<|end|>"), ("qwen2", "<|im_end|>")])
def test_the_answer_ends_as_the_template_ends_a_turn_when_eos_is_another_token(models: dict[str, Path], family: str,
                                                                               turn_end: str) -> None:
    """A base model's tokenizer often ends sequences with another token than the template's end of turn
    (Qwen2 base: <|endoftext|>, its template <|im_end|>): the answer is trained to end with the marker, then
    the end-of-sequence token."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(models[family], local_files_only=True)
    tok.eos_token = "<|endoftext|>"
    [row] = tokenize_rows([CHAT], tok, 512)
    prompt = tok.apply_chat_template(CHAT["messages"][:-1], tokenize=False, add_generation_prompt=True)
    n_prompt = len(tok(prompt, add_special_tokens=False)["input_ids"])
    answer = tok("Wait until the light is green.", add_special_tokens=False)["input_ids"]
    assert row["labels"][n_prompt:] == answer + [tok.convert_tokens_to_ids(turn_end), tok.eos_token_id]
    assert tok.convert_tokens_to_ids(turn_end) != tok.eos_token_id
    plain = tokenize_rows([{"prompt": "Reset?", "completion": "Hold the button."}], tok, 512)[0]
    assert plain["labels"][-1] == tok.eos_token_id and tok.convert_tokens_to_ids(turn_end) not in plain["labels"]
    # DPO lays a chat preference pair out the same way, both answers
    pair = encode_pair({"prompt": CHAT["messages"][:-1], "chosen": "Wait until the light is green.",
                        "rejected": "No idea."}, tok)
    assert pair.chosen_ids == answer + [tok.convert_tokens_to_ids(turn_end), tok.eos_token_id]
    assert pair.rejected_ids[-2:] == [tok.convert_tokens_to_ids(turn_end), tok.eos_token_id]
    assert tok.decode(pair.prompt_ids) == prompt
    # SFT on the same pair trains prompt + chosen, ended the same way
    [sft] = tokenize_rows([{"prompt": CHAT["messages"][:-1], "chosen": "Wait until the light is green.",
                            "rejected": "No idea."}], tok, 512)
    assert sft["labels"][n_prompt:] == pair.chosen_ids


@pytest.mark.parametrize("family", list(FAMILIES))
def test_parameters_counted_from_config_match_the_model(models: dict[str, Path], family: str) -> None:
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(models[family], local_files_only=True)
    facts = inspect_model_dir(models[family])
    actual = sum(p.numel() for p in model.parameters())
    assert facts.architecture == FAMILIES[family].architecture and facts.parameter_source == "safetensors headers"
    assert facts.parameters == facts.config_parameters == actual


# -- presets --------------------------------------------------------------------------------------------------


def test_presets_cover_every_supported_architecture_within_the_guide() -> None:
    assert {get_preset(name).architecture for name in preset_names()} == set(SUPPORTED_ARCHITECTURES)
    for name in preset_names():
        preset = get_preset(name)
        assert 16 <= preset.r <= 64 and 1 <= preset.epochs <= 3  # the guide's ranges


@pytest.mark.parametrize("name", preset_names())
def test_print_preset_is_yaml_that_merges_into_a_valid_config(name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["train", "--print-preset", name])
    assert result.exit_code == 0, result.output
    printed = yaml.safe_load(result.stdout)
    preset = get_preset(name)
    assert printed == {"preset": name, **preset.values()}
    path = tmp_path / "train.yaml"
    path.write_text("base_model: m\ntrain_file: t.jsonl\noutput_dir: o\n" + result.stdout, encoding="utf-8")
    config = load_train_config(path)
    assert (config.lora.r, config.lora.alpha, config.lora.dropout) == (preset.r, preset.alpha, preset.dropout)
    assert (config.learning_rate, config.epochs, config.max_length) == (preset.learning_rate, preset.epochs,
                                                                       preset.max_length)
    # the name alone gives the same values
    assert TrainConfig.model_validate({"base_model": "m", "train_file": "t.jsonl", "output_dir": "o",
                                       "preset": name}) == config


def test_explicit_fields_win_over_the_preset() -> None:
    config = TrainConfig.model_validate({"base_model": "m", "train_file": "t", "output_dir": "o",
                                         "preset": "mistral-7b", "epochs": 1, "lora": {"r": 64}})
    preset = get_preset("mistral-7b")
    assert config.epochs == 1 and config.lora.r == 64
    assert config.lora.alpha == preset.alpha and config.learning_rate == preset.learning_rate
    default = TrainConfig.model_validate({"base_model": "m", "train_file": "t", "output_dir": "o"})
    assert default.epochs != preset.epochs  # without a preset the config's own defaults hold


def test_a_dpo_run_continuing_an_adapter_keeps_that_adapters_lora_settings() -> None:
    config = TrainConfig.model_validate({"base_model": "m", "train_file": "t", "output_dir": "o", "method": "dpo",
                                         "dpo": {"init_adapter": "run-1"}, "preset": "qwen2-7b"})
    assert "lora" not in config.model_fields_set and config.epochs == get_preset("qwen2-7b").epochs


def test_unknown_preset_names_the_known_ones(tmp_path: Path) -> None:
    from gdprep.errors import ConfigError

    path = tmp_path / "t.yaml"
    path.write_text("base_model: m\ntrain_file: t\noutput_dir: o\npreset: llama-70b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"preset.*unknown preset 'llama-70b'; known presets: llama-3\.1-8b, "
                                          r"mistral-7b, phi-3-medium, qwen2-7b"):
        load_train_config(path)
    result = CliRunner().invoke(app, ["train", "--print-preset", "llama-70b"])
    assert result.exit_code == 2 and "unknown preset 'llama-70b'" in result.output
    listed = CliRunner().invoke(app, ["train", "--print-preset", "list"])
    assert listed.exit_code == 0 and all(name in listed.output for name in preset_names())
    bare = CliRunner().invoke(app, ["train"])
    assert bare.exit_code == 2 and "--config" in bare.output


def test_a_preset_for_another_architecture_is_refused(models: dict[str, Path]) -> None:
    from gdprep.errors import ConfigError

    config = TrainConfig.model_validate({"base_model": str(models["mistral"]), "train_file": "t", "output_dir": "o",
                                         "preset": "llama-3.1-8b"})
    with pytest.raises(ConfigError, match=r"`preset: llama-3\.1-8b` is for LlamaForCausalLM .* is "
                                          r"MistralForCausalLM; use `preset: mistral-7b`"):
        check_training_model(config)


# -- a model directory that cannot be used is refused before it loads -----------------------------------------

#: published configs (no weights): two recommended models, and a 13B model for the guide's QLoRA example
LLAMA_31_8B = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256,
               "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
               "num_key_value_heads": 8, "max_position_embeddings": 131072, "rope_theta": 500000.0,
               "rms_norm_eps": 1e-5, "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
PHI3_MEDIUM = {"architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "vocab_size": 32064, "hidden_size": 5120,
               "intermediate_size": 17920, "num_hidden_layers": 40, "num_attention_heads": 40,
               "num_key_value_heads": 10, "max_position_embeddings": 4096, "tie_word_embeddings": False,
               "pad_token_id": 32000, "bos_token_id": 1, "eos_token_id": 32000}
LLAMA2_13B = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 32000, "hidden_size": 5120,
              "intermediate_size": 13824, "num_hidden_layers": 40, "num_attention_heads": 40,
              "num_key_value_heads": 40, "max_position_embeddings": 4096, "tie_word_embeddings": False}
TOKENIZER = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja")
GIB = 1024 ** 3


def _model_dir(source: Path, where: Path, case: str) -> Path:
    """A copy of the tiny Llama with one thing wrong, or a published config with a tokenizer and no weights."""
    where.mkdir(parents=True)
    keep = {"no_tokenizer": ("config.json", "model.safetensors"), "published": TOKENIZER}.get(case)
    for file in source.iterdir():
        if keep is None or file.name in keep:
            shutil.copy(file, where / file.name)
    config = json.loads((where / "config.json").read_text()) if (where / "config.json").exists() else {}
    if case == "foo":
        config["architectures"] = ["FooForCausalLM"]
    elif case == "gpt2":
        config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_layer": 2, "n_embd": 48}
    elif case == "published":
        config = LLAMA_31_8B
    (where / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return where


def _train_cli(config: dict[str, Any], tmp_path: Path) -> Any:
    path = tmp_path / "train.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return CliRunner().invoke(app, ["train", "--config", str(path)])


def _training_runs(ledger: Ledger) -> int:
    return sum(e.kind == "run_started" and e.payload["stage"] == "training" for e in ledger.iter_entries())


@pytest.mark.parametrize(("case", "error", "message"), [
    ("no_tokenizer", MissingTokenizer, r"/no_tokenizer has no tokenizer \(none of tokenizer\.json, tokenizer\.model, "
                                       r"vocab\.json \+ merges\.txt\); copy the tokenizer files"),
    ("foo", UnsupportedArchitecture, r"/foo/config\.json names architecture FooForCausalLM; gdprep trains, probes "
                                     r"and evaluates LlamaForCausalLM, MistralForCausalLM, Phi3ForCausalLM, "
                                     r"Qwen2ForCausalLM only"),
    ("gpt2", UnsupportedArchitecture, "names architecture GPT2LMHeadModel; gdprep trains"),
])
def test_an_unusable_model_directory_is_refused_before_it_loads(models: dict[str, Path], curated: dict[str, Any],
                                                                home: Ledger, tmp_path: Path, case: str,
                                                                error: type[Exception], message: str) -> None:
    from gdprep.training.modelio import load_model

    model = _model_dir(models["llama"], tmp_path / case, case)
    with pytest.raises(error, match=message):
        inspect_model_dir(model)
    with pytest.raises(error, match=message):  # how the probes and evaluation load a model
        load_model(model, device="cpu")
    runs = _training_runs(home)
    result = _train_cli({"base_model": str(model), "train_file": str(curated["train"]),
                         "output_dir": str(tmp_path / "out"), "region": "GB"}, tmp_path)
    assert result.exit_code == 2 and re.search(message, result.output), result.output
    assert _training_runs(home) == runs and not (tmp_path / "out").exists()


def test_parameters_and_adapter_of_a_published_config_are_counted_exactly(models: dict[str, Path],
                                                                          tmp_path: Path) -> None:
    """Llama 3.1 8B has 8,030,261,248 parameters (its safetensors index: 16,060,522,496 bytes in bf16) and a
    rank-16 all-linear LoRA adapter on it 41,943,040, as peft counts it."""
    facts = inspect_model_dir(_model_dir(models["llama"], tmp_path / "m", "published"))
    assert facts.parameter_source == "config.json" and facts.parameters == 8_030_261_248
    assert modelcheck.adapter_parameters(facts, 16, "all-linear") == 41_943_040
    assert modelcheck.adapter_parameters(facts, 16, ["q_proj", "v_proj"]) == 32 * 16 * (4096 * 2 + 4096 + 1024)


@pytest.mark.parametrize(("config", "batch", "length", "quantized", "within_gib", "guide"), [
    (LLAMA_31_8B, 1, 1024, False, 40, "Llama 3.1 8B, LoRA: a single A100 40GB"),
    (PHI3_MEDIUM, 1, 1024, False, 80, "Phi-3 Medium, LoRA: a single A100 80GB"),
    (LLAMA2_13B, 1, 512, True, 24, "QLoRA: a 13B model on a single 24 GB consumer GPU"),
])
def test_memory_estimates_agree_with_the_guides_gpu_sizes(models: dict[str, Path], tmp_path: Path,
                                                          config: dict[str, Any], batch: int, length: int,
                                                          quantized: bool, within_gib: int, guide: str) -> None:
    where = _model_dir(models["llama"], tmp_path / "m", "published")
    (where / "config.json").write_text(json.dumps(config), encoding="utf-8")
    facts = inspect_model_dir(where)
    shape: dict[str, Any] = {"r": 16, "target_modules": "all-linear", "batch_size": batch, "max_length": length}
    need = estimate_memory(facts, quantized=quantized, half=True, **shape)
    assert need.total < within_gib * GIB, (guide, need.describe())
    if quantized:  # and 16-bit LoRA would not fit that GPU
        assert estimate_memory(facts, quantized=False, half=True, **shape).total > within_gib * GIB


@pytest.mark.parametrize(("found_gib", "qlora", "problem", "advice"), [
    (12, False, "weights alone need", "QLoRA would not fit either."),
    (40, False, "fits, but not with batches of batch_size 4 x max_length 1024", "QLoRA would not fit either."),
    (45, False, "fits, but not with batches", "Set `qlora: true`: it fits."),
    (12, True, "fits, but not with batches", "with QLoRA (4-bit weights); the memory found is 12.0 GiB (free "
                                             "memory on GPU 0). `gradient_checkpointing: true` keeps far fewer "
                                             "activations. Lower batch_size"),
    (6, True, "weights alone need", "Lower batch_size"),
])
def test_too_big_for_the_gpu_says_what_would_fit(models: dict[str, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch, found_gib: int, qlora: bool,
                                                 problem: str, advice: str) -> None:
    facts = inspect_model_dir(_model_dir(models["llama"], tmp_path / "m", "published"))
    monkeypatch.setattr(modelcheck, "memory_found", lambda cuda: (found_gib * GIB, "free memory on GPU 0"))
    config = TrainConfig.model_validate({"base_model": str(facts.path), "train_file": "t", "output_dir": "o",
                                         "qlora": qlora})
    with pytest.raises(NotEnoughMemory) as raised:
        check_memory(config, facts, cuda=True, half=True)
    shape: dict[str, Any] = {"r": 16, "target_modules": "all-linear", "batch_size": 4, "max_length": 1024}
    lora, quantized = (estimate_memory(facts, quantized=q, half=True, **shape) for q in (False, True))
    assert problem in str(raised.value) and advice in str(raised.value)
    assert f"about {lora.describe()} with LoRA (bf16 weights) and about {quantized.describe()} with QLoRA" in \
        str(raised.value)
    monkeypatch.setattr(modelcheck, "memory_found", lambda cuda: (int((quantized if qlora else lora).total), "GPU"))
    check_memory(config, facts, cuda=True, half=True)  # exactly the estimate is enough


def test_gradient_checkpointing_lets_the_presets_defaults_fit_the_guides_gpu(models: dict[str, Path],
                                                                           tmp_path: Path) -> None:
    """Llama 3.1 8B LoRA at the preset's batch_size 4 x max_length 1024 fits the guide's A100 40GB with
    gradient checkpointing (the preset's), and not without; the refusal says so."""
    facts = inspect_model_dir(_model_dir(models["llama"], tmp_path / "m", "published"))
    shape: dict[str, Any] = {"r": 16, "target_modules": "all-linear", "batch_size": 4, "max_length": 1024}
    plain, kept = (estimate_memory(facts, quantized=False, half=True, checkpointing=c, **shape) for c in (False, True))
    assert kept.total < 40 * GIB < plain.total, (kept.describe(), plain.describe())
    assert kept.weights == plain.weights and kept.activations < plain.activations / 4
    preset = TrainConfig.model_validate({"base_model": str(facts.path), "train_file": "t", "output_dir": "o",
                                         "preset": "llama-3.1-8b"})
    assert preset.gradient_checkpointing and preset.batch_size == 4 and preset.max_length == 1024
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(modelcheck, "memory_found", lambda cuda: (40 * GIB, "free memory on GPU 0"))
        check_memory(preset, facts, cuda=True, half=True)
        with pytest.raises(NotEnoughMemory, match="`gradient_checkpointing: true` keeps far fewer activations"):
            check_memory(preset.model_copy(update={"gradient_checkpointing": False}), facts, cuda=True, half=True)


def test_too_big_for_this_machine_is_refused_by_gdprep_train(models: dict[str, Path], curated: dict[str, Any],
                                                             home: Ledger, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    model = _model_dir(models["llama"], tmp_path / "llama-3.1-8b", "published")
    monkeypatch.setattr(modelcheck, "memory_found", lambda cuda: (8 * GIB, "available system memory"))
    config = {"base_model": str(model), "train_file": str(curated["train"]), "output_dir": str(tmp_path / "out"),
              "region": "GB", "device": "cpu", "preset": "llama-3.1-8b"}
    facts = inspect_model_dir(model)
    shape: dict[str, Any] = {"r": 16, "target_modules": "all-linear", "batch_size": 4, "max_length": 1024,
                             "checkpointing": True}  # the preset's
    lora, qlora = (estimate_memory(facts, quantized=q, half=q, **shape) for q in (False, True))
    runs = _training_runs(home)
    result = _train_cli(config, tmp_path)
    assert result.exit_code == 2, result.output
    assert "/llama-3.1-8b (LlamaForCausalLM, about 8.03B parameters from config.json) is too big for the memory " \
           "found: its weights alone need about" in result.output
    assert f"about {lora.describe()} with LoRA (fp32 weights) and about {qlora.describe()} with QLoRA (4-bit " \
           f"weights); the memory found is 8.0 GiB (available system memory). QLoRA needs a CUDA GPU" in result.output
    assert lora.weights > 4 * 8e9 and qlora.weights < lora.weights / 5  # fp32 on the CPU; 4-bit
    with pytest.raises(NotEnoughMemory):
        check_training_model(TrainConfig.model_validate(config))
    # with the check off, the next problem is named: this directory holds a config and no weights
    result = _train_cli({**config, "memory_check": False}, tmp_path)
    assert result.exit_code == 2 and "has no weight files" in result.output, result.output
    assert _training_runs(home) == runs
