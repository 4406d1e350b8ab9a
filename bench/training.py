"""Benchmark: training-step throughput (tokens/s) of gdprep's training path against a bare transformers + peft
loop, on the same model, data and hyper-parameters in one process.

One run builds one dataset and one model and measures both systems on them:

- data: `--examples` synthetic prompt/completion records (Faker English sentences, seeded) that go through
  `gdprep redact` and `gdprep curate` (all records to train) in a fresh GDPREP_HOME, so the train file
  passes the privacy gate for real; nothing is written outside a temporary directory and bench/out.
- model: a randomly initialised Llama (hidden 256, 4 layers, 4 heads, intermediate 688) with a byte-level
  BPE tokenizer trained offline on the train file (`build_smoke_model`, then a bigger config saved over it),
  so that compute dominates Python overhead. Not a real language model.
- gdprep: `gdprep.service.stages.train(Ledger(), config)` for real: gate, ledger run, model load, LoRA,
  `tokenize_rows`, the Hugging Face `Trainer`, adapter and manifest. No validation file, so no evaluation;
  `eval_steps` (which is also the checkpoint and logging interval) is set beyond the last step unless
  `--eval-steps` says otherwise, so no checkpoint is saved inside the timed window (the Trainer still saves
  one after the last step, outside it).
- bare: `AutoModelForCausalLM.from_pretrained` of the same directory, the same `peft.LoraConfig`, the same
  tokenised rows (`tokenize_rows`), batch size and collate (`_collate`), `torch.optim.AdamW` (same lr, betas,
  eps and weight decay 0 as the Trainer's default) with a linear schedule, and a plain
  `for batch in loader: loss.backward(); opt.step(); sched.step(); opt.zero_grad()`. It replays the batches
  (which examples, in which order) that the gdprep run drew, so both sides compute exactly the same batches
  and padding. It does not clip gradients (the Trainer clips at max_grad_norm=1.0) and uses the unfused
  AdamW (the Trainer's default is `adamw_torch_fused`): those are part of what the comparison measures.

Timing, the same for both: a clock stamps the end of every optimiser step (on CUDA after a synchronise).
The timed window runs from the end of step `--warmup-steps` to the end of the last step; tokens are the
non-padding input tokens (attention-mask sum) of the batches of the steps inside it. Model loading, the
gate, tokenisation and saving fall outside. To hook into our path without changing it, this process (only)
wraps `transformers.Trainer.__init__` while `stages.train` runs, adding a timing callback and wrapping the
data collator with the same token counter the bare loop uses. Each system runs `--repeats` times, the order
alternating (gdprep first in the 1st, 3rd, ... repeat), with the same seed and torch thread count. Reported
per system: the best run, the median run, and the per-step minimum (every step is the same batch in every
run of both systems: each step's fastest time over the runs, summed). The verdict is on the per-step
minimum, gdprep/bare >= 0.95: load from other processes comes in bursts that hit some steps of some runs, and
whole-run figures on a shared machine move by +-15% between runs of the same system, while a cost of our path
that recurs at a given step (per-step overhead, logging, a checkpoint every N steps) is in every run and so
stays in the minimum. CPU s (process CPU time in the window, all threads) is another diagnostic. With several
torch threads a preempted thread stalls the others: on a busy machine `--threads 1` is the steadiest.

    python bench/training.py [--examples 1500] [--epochs 1] [--repeats 3] [--warmup-steps 5] [--seed 7]
                             [--threads N] [--device auto] [--eval-steps N] [--quick] [--json bench/out/training.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

TARGET = 0.95
OUT = Path(__file__).resolve().parent / "out"
#: The bench model: big enough that a training step is dominated by compute, small enough for a laptop CPU
BENCH_MODEL: dict[str, Any] = {"hidden_size": 256, "num_hidden_layers": 4, "num_attention_heads": 4,
                               "num_key_value_heads": 4, "intermediate_size": 688, "max_position_embeddings": 512}
VOCAB_SIZE = 2000
CURATE_CONFIG = ("output: {hf_dataset: false}\nquality: {languages: []}\n"
                 "split: {train: 1.0, validation: 0.0, test: 0.0}\n")
# `--model large`: about 100M parameters, where a GPU's step time is no longer dominated by fixed per-step costs
LARGE_MODEL: dict[str, Any] = {"hidden_size": 1024, "num_hidden_layers": 8, "num_attention_heads": 16,
                               "num_key_value_heads": 16, "intermediate_size": 2816, "max_position_embeddings": 512}
MODELS: dict[str, dict[str, Any]] = {"small": BENCH_MODEL, "large": LARGE_MODEL}


def synthetic_rows(n: int, seed: int) -> list[dict[str, str]]:
    """Deterministic support-desk style prompt/completion records of 40-130 tokens."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    return [{"id": f"t{i}", "prompt": f"Ticket {i}: {fake.sentence(nb_words=rng.randint(6, 14))}",
             "completion": fake.paragraph(nb_sentences=rng.randint(3, 8))} for i in range(n)]


def prepare_dataset(work: Path, examples: int, seed: int) -> Path:
    """Redact then curate through the CLI, as a user would, so the train split is in the ledger."""
    from typer.testing import CliRunner

    from gdprep.service.cli import app

    raw = work / "raw.jsonl"
    raw.write_text("".join(json.dumps(r) + "\n" for r in synthetic_rows(examples, seed)), encoding="utf-8")
    runner = CliRunner()
    steps = {
        "redact": ["redact", "-i", str(raw), "-o", str(work / "redacted.jsonl"), "-r", str(work / "redact.json")],
        "curate": ["curate", "-i", str(work / "redacted.jsonl"), "-o", str(work / "curated"), "-c",
                   str(work / "curate.yaml")],
    }
    (work / "curate.yaml").write_text(CURATE_CONFIG, encoding="utf-8")
    for name, argv in steps.items():
        result = runner.invoke(app, argv)
        if result.exit_code != 0:
            raise SystemExit(f"gdprep {name} failed (exit {result.exit_code}):\n{result.output}")
    return work / "curated" / "train.jsonl"


def build_bench_model(train_file: Path, out_dir: Path, seed: int,
                      shape: dict[str, Any] = BENCH_MODEL) -> dict[str, Any]:
    """`build_smoke_model` for the tokenizer, then a bigger Llama saved over its weights and config."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from gdprep.training.smoke import build_smoke_model
    from gdprep.training.train import _read_rows

    texts = [f"{r['prompt']}\n{r['completion']}" for r in _read_rows(train_file)]
    build_smoke_model(texts, out_dir, vocab_size=VOCAB_SIZE, seed=seed)
    tok = AutoTokenizer.from_pretrained(out_dir, local_files_only=True)
    config = LlamaConfig(vocab_size=tok.vocab_size, bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                         pad_token_id=tok.pad_token_id, tie_word_embeddings=True, **shape)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.save_pretrained(out_dir, safe_serialization=True)
    return {**shape, "vocab_size": tok.vocab_size, "parameters": sum(p.numel() for p in model.parameters())}


@dataclass
class StepClock:
    """Stamps the end of each optimiser step and counts the tokens of each collated batch; both systems use
    it the same way, so the measurement boundaries are identical."""

    cuda: bool
    row_index: dict[int, int] = field(default_factory=dict)
    batches: list[list[int]] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    padded: list[int] = field(default_factory=list)
    begin: float = 0.0
    begin_cpu: float = 0.0
    step_ends: list[float] = field(default_factory=list)
    step_cpu_ends: list[float] = field(default_factory=list)
    end: float = 0.0

    def _now(self) -> float:
        if self.cuda:
            import torch

            torch.cuda.synchronize()
        return time.perf_counter()

    def wrap_collate(self, rows: Sequence[Any], collate: Callable[[list[Any]], dict[str, Any]]) -> Callable[..., Any]:
        self.row_index = {id(row): i for i, row in enumerate(rows)}

        def counting_collate(batch: list[Any]) -> dict[str, Any]:
            out = collate(batch)
            self.batches.append([self.row_index[id(row)] for row in batch])
            self.tokens.append(int(out["attention_mask"].sum()))
            self.padded.append(out["attention_mask"].numel())
            return out

        return counting_collate

    def on_begin(self) -> None:
        self.begin, self.begin_cpu = self._now(), time.process_time()

    def on_step_end(self) -> None:
        self.step_ends.append(self._now())
        self.step_cpu_ends.append(time.process_time())

    def on_end(self) -> None:
        self.end = self._now()

    def result(self, warmup: int) -> dict[str, Any]:
        steps = len(self.step_ends)
        if steps <= warmup:
            raise SystemExit(f"only {steps} steps ran; use more --examples or --epochs, or fewer --warmup-steps")
        # with gradient_accumulation 1 the k-th collated batch is the k-th step's (prefetching only moves when
        # a batch is collated, not which)
        tokens, padded = sum(self.tokens[warmup:steps]), sum(self.padded[warmup:steps])
        if warmup:
            start, start_cpu = self.step_ends[warmup - 1], self.step_cpu_ends[warmup - 1]
        else:
            start, start_cpu = self.begin, self.begin_cpu
        seconds = self.step_ends[-1] - start
        cpu_seconds = self.step_cpu_ends[-1] - start_cpu  # a diagnostic: CPU time of all threads
        step_seconds = [b - a for a, b in pairwise([start, *self.step_ends[warmup:]])]
        return {"steps": steps, "timed_steps": steps - warmup, "tokens": tokens, "padded_tokens": padded,
                "step_seconds": step_seconds,
                "seconds": seconds, "tokens_s": tokens / seconds, "cpu_seconds": cpu_seconds,
                "all_steps_tokens": sum(self.tokens[:steps]),
                "begin_to_last_step_s": self.step_ends[-1] - self.begin,
                "begin_to_end_s": (self.end or self.step_ends[-1]) - self.begin}


@contextlib.contextmanager
def clocked_trainer(clock: StepClock) -> Iterator[None]:
    """Bench-only instrumentation of our path: while active, every `transformers.Trainer` gets the clock as a
    callback and its data collator wrapped by the clock's token counter. Nothing else about the run changes."""
    import transformers

    class ClockCallback(transformers.TrainerCallback):
        def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            clock.on_begin()

        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            clock.on_step_end()

        def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            clock.on_end()

    original = transformers.Trainer.__init__

    def instrumented_init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["data_collator"] = clock.wrap_collate(kwargs["train_dataset"], kwargs["data_collator"])
        kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), ClockCallback()]
        original(self, *args, **kwargs)

    transformers.Trainer.__init__ = instrumented_init  # type: ignore[method-assign]
    try:
        yield
    finally:
        transformers.Trainer.__init__ = original  # type: ignore[method-assign]


def run_ours(config: Any, warmup: int, cuda: bool) -> tuple[dict[str, Any], list[list[int]]]:
    from gdprep.audit.ledger import Ledger
    from gdprep.service import stages

    clock = StepClock(cuda=cuda)
    start = time.perf_counter()
    with clocked_trainer(clock):
        manifest = stages.train(Ledger(), config)
    wall = time.perf_counter() - start
    result = clock.result(warmup)
    if result["steps"] != manifest.metrics["steps"]:
        raise SystemExit(f"clock saw {result['steps']} steps, the Trainer reports {manifest.metrics['steps']}")
    metrics = manifest.metrics
    result.update({"run_training_wall_s": wall, "train_loss": metrics["train_loss"], "device": manifest.device})
    if metrics.get("train_runtime") and metrics.get("train_tokens"):
        # the manifest's own figure: the Trainer's train_runtime spans the whole loop, the first steps and the
        # checkpoint after the last step included, so it reads a little lower than the timed window
        result["manifest_tokens_s"] = metrics["train_tokens"] / metrics["train_runtime"]
        result["manifest_train_tokens"] = metrics["train_tokens"]
    return result, clock.batches[:result["steps"]]


def run_bare(config: Any, batches: list[list[int]], warmup: int, cuda: bool) -> dict[str, Any]:
    """The plain loop: same model dir, LoRA settings, rows, batches, collate, lr and schedule as ours."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer, get_linear_schedule_with_warmup, set_seed

    from gdprep.training.train import _collate, _read_rows, tokenize_rows

    set_seed(config.seed)
    bf16 = cuda and torch.cuda.is_bf16_supported()  # as `_train`: bf16 weights and autocast on such GPUs
    device = torch.device("cuda" if cuda else "cpu")
    tokenizer = AutoTokenizer.from_pretrained(config.base_model, local_files_only=True)
    base = AutoModelForCausalLM.from_pretrained(config.base_model, local_files_only=True,
                                                **({"dtype": torch.bfloat16} if bf16 else {}))
    lora = LoraConfig(r=config.lora.r, lora_alpha=config.lora.alpha, lora_dropout=config.lora.dropout,
                      target_modules=config.lora.target_modules, task_type="CAUSAL_LM")
    model = get_peft_model(base, lora).to(device)
    rows = tokenize_rows(_read_rows(Path(config.train_file)), tokenizer, config.max_length)
    clock = StepClock(cuda=cuda)
    loader = torch.utils.data.DataLoader(rows, batch_sampler=batches,  # type: ignore[arg-type]
                                         collate_fn=clock.wrap_collate(rows, _collate(tokenizer.pad_token_id)))
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config.learning_rate,
                            weight_decay=0.0)
    sched = get_linear_schedule_with_warmup(opt, num_warmup_steps=0, num_training_steps=len(batches))
    model.train()
    losses = []
    clock.on_begin()
    for batch in loader:
        batch = {k: v.to(device) for k, v in batch.items()}
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
            loss = model(**batch).loss
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(loss.detach())
        clock.on_step_end()
    clock.on_end()
    result = clock.result(warmup)
    result["train_loss"] = float(torch.stack(losses).float().mean())
    return result


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Best and median over runs, and the per-step minimum: each step (the same batch in every run) at its
    fastest over the runs, summed; bursts of load from other processes hit some steps of some runs, and this
    figure mostly leaves them out."""
    rates = [r["tokens_s"] for r in runs]
    best = max(runs, key=lambda r: r["tokens_s"])
    step_min_s = sum(min(steps) for steps in zip(*(r["step_seconds"] for r in runs), strict=True))
    return {"best_tokens_s": max(rates), "median_tokens_s": statistics.median(rates), "best_seconds": best["seconds"],
            "median_seconds": statistics.median(r["seconds"] for r in runs),
            "best_cpu_seconds": min(r["cpu_seconds"] for r in runs),
            "median_cpu_seconds": statistics.median(r["cpu_seconds"] for r in runs), "tokens": best["tokens"],
            "padded_tokens": best["padded_tokens"], "timed_steps": best["timed_steps"],
            "step_min_seconds": step_min_s, "step_min_tokens_s": best["tokens"] / step_min_s}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=1500, help="synthetic records generated (all go to train)")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per system")
    parser.add_argument("--warmup-steps", type=int, default=5, help="steps at the start of each run left untimed")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads for both (default: what gdprep's training picks for the model)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--eval-steps", type=int, default=None,
                        help="our eval/checkpoint/logging interval (default: beyond the last step)")
    parser.add_argument("--model", choices=tuple(MODELS), default="small",
                        help="small: 3.7M parameters (CPU-sized); large: about 100M (for a GPU)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 400 examples, 1 repeat")
    parser.add_argument("--json", type=Path, default=OUT / "training.json", help="where the figures go")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.examples, args.repeats = 400, 1

    work = Path(tempfile.mkdtemp(prefix="gdprep-training-bench-"))
    os.environ["GDPREP_HOME"] = str(work / "home")  # a fresh ledger and keys for this process only
    for var in ("GDPREP_MASTER_KEY", "GDPREP_KEY_FILE", "GDPREP_REGION"):
        os.environ.pop(var, None)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import peft
        import torch
        import transformers
        from transformers.utils import logging as hf_logging

        from gdprep.training.config import TrainConfig

        hf_logging.disable_progress_bar()  # load/save progress bars, outside the timed window
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing.*", category=FutureWarning)
        cuda = torch.cuda.is_available() and args.device != "cpu"
        t0 = time.perf_counter()
        train_file = prepare_dataset(work, args.examples, args.seed)
        prep_s = time.perf_counter() - t0
        model_info = build_bench_model(train_file, work / "model", args.seed, MODELS[args.model])
        if args.threads:
            torch.set_num_threads(args.threads)
        elif not cuda:
            # the thread count gdprep's training picks for this model on the CPU (one for small models), used
            # for both sides
            from transformers import AutoModelForCausalLM

            from gdprep.training.modelio import configure_cpu_threads

            configure_cpu_threads(AutoModelForCausalLM.from_pretrained(work / "model", local_files_only=True))
        threads = torch.get_num_threads()
        kept = sum(1 for line in train_file.read_text(encoding="utf-8").splitlines() if line.strip())
        steps_per_epoch = -(-kept // args.batch_size)
        eval_steps = args.eval_steps or int(steps_per_epoch * args.epochs) + 1000

        def config(name: str) -> Any:
            return TrainConfig.model_validate({
                "base_model": str(work / "model"), "train_file": str(train_file), "output_dir": str(work / name),
                "epochs": args.epochs, "batch_size": args.batch_size, "max_length": args.max_length,
                "eval_steps": eval_steps, "region": "GB", "seed": args.seed, "device": args.device,
                "cpu_threads": threads})

        load_before = os.getloadavg()[0]
        runs: dict[str, list[dict[str, Any]]] = {"gdprep": [], "bare": []}
        batches: list[list[int]] | None = None
        for repeat in range(args.repeats):
            order = ("gdprep", "bare") if repeat % 2 == 0 else ("bare", "gdprep")
            for system in order:
                if system == "gdprep":
                    result, drawn = run_ours(config(f"ours-{repeat}"), args.warmup_steps, cuda)
                    if batches is not None and drawn != batches:
                        raise SystemExit("the Trainer drew different batches in another run with the same seed")
                    batches = drawn
                else:
                    assert batches is not None  # repeat 0 runs gdprep first and records its batches
                    result = run_bare(config(f"bare-{repeat}"), batches, args.warmup_steps, cuda)
                if torch.get_num_threads() != threads:
                    raise SystemExit(f"{system} changed torch threads from {threads} to {torch.get_num_threads()}")
                result["repeat"] = repeat
                runs[system].append(result)
                print(f"  repeat {repeat + 1}/{args.repeats} {system:6}: {result['tokens_s']:9,.0f} tokens/s "
                      f"({result['tokens']:,} tokens in {result['seconds']:.2f} s, CPU {result['cpu_seconds']:.2f} s, "
                      f"loss {result['train_loss']:.3f})",
                      flush=True)
        load_after = os.getloadavg()[0]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    ours, bare = summarise(runs["gdprep"]), summarise(runs["bare"])
    if ours["tokens"] != bare["tokens"] or ours["padded_tokens"] != bare["padded_tokens"]:
        raise SystemExit("the two systems did not process the same tokens; the comparison would be unfair")
    ratio_median = ours["median_tokens_s"] / bare["median_tokens_s"]
    ratio_best = ours["best_tokens_s"] / bare["best_tokens_s"]
    ratio_step_min = ours["step_min_tokens_s"] / bare["step_min_tokens_s"]
    versions = {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                "python": platform.python_version()}
    device = "cuda" if cuda else "cpu"
    print()
    print(f"model: Llama hidden {model_info['hidden_size']}, {model_info['num_hidden_layers']} layers, vocab "
          f"{model_info['vocab_size']}, {model_info['parameters']:,} parameters; LoRA r=16 alpha=32 all-linear")
    print(f"data: {args.examples} records -> {kept} in train ({prep_s:.0f} s redact + curate, not timed); batch "
          f"{args.batch_size}, max_length {args.max_length}, {args.epochs:g} epoch(s), {steps_per_epoch} steps/epoch")
    print(f"device {device}, torch threads {threads}, cpus {os.cpu_count()}, repeats {args.repeats}, first "
          f"{args.warmup_steps} steps untimed, our eval/checkpoint interval {eval_steps} steps; torch "
          f"{versions['torch']}, transformers {versions['transformers']}, peft {versions['peft']}")
    if max(load_before, load_after) > (os.cpu_count() or 1) + 0.5:  # the load average counts this process too
        print(f"note: 1-minute load average {load_before:.1f} before and {load_after:.1f} after the runs on "
              f"{os.cpu_count()} CPUs: other processes compete for the cores and the figures are noisy "
              "(CPU s is less affected; with several torch threads a busy core stalls the others: try --threads 1 "
              "and more --repeats)")
    print()
    header = f"{'system':44} {'tokens':>9} {'padded':>9} {'seconds':>8} {'tokens/s':>10} {'CPU s':>8}"
    print(header)
    print("-" * len(header))
    names = {"gdprep": "gdprep stages.train (Trainer)", "bare": "bare transformers + peft loop"}
    for system, summary in (("gdprep", ours), ("bare", bare)):
        for kind in ("best", "median"):
            print(f"{names[system] + ', ' + kind:44} {summary['tokens']:9,} {summary['padded_tokens']:9,} "
                  f"{summary[kind + '_seconds']:8.2f} {summary[kind + '_tokens_s']:10,.0f} "
                  f"{summary[kind + '_cpu_seconds']:8.2f}")
        print(f"{names[system] + ', per-step min':44} {summary['tokens']:9,} {summary['padded_tokens']:9,} "
              f"{summary['step_min_seconds']:8.2f} {summary['step_min_tokens_s']:10,.0f} {'-':>8}")
    print()
    print("all runs (tokens/s): " + "; ".join(
        f"{system}: " + ", ".join(f"{r['tokens_s']:,.0f}" for r in rs) for system, rs in runs.items()))
    losses = {system: statistics.median(r["train_loss"] for r in rs) for system, rs in runs.items()}
    print(f"mean training loss (same batches, a sanity check): gdprep {losses['gdprep']:.4f}, bare "
          f"{losses['bare']:.4f}")
    if all("manifest_tokens_s" in r for r in runs["gdprep"]):
        print("gdprep manifest train_tokens / train_runtime (whole loop, end checkpoint included): " + ", ".join(
            f"{r['manifest_tokens_s']:,.0f}" for r in runs["gdprep"]) + " tokens/s; clock over the same span: "
            + ", ".join(f"{r['all_steps_tokens'] / r['begin_to_end_s']:,.0f}" for r in runs["gdprep"]))
    walls = [r["run_training_wall_s"] for r in runs["gdprep"]]
    print("gdprep stages.train wall time (gate, load, tokenise, train, save): "
          + ", ".join(f"{w:.1f} s" for w in walls))
    print()
    passed = ratio_step_min >= TARGET
    print(f"ratio gdprep/bare tokens/s: median {ratio_median:.3f}, best {ratio_best:.3f}, per-step min "
          f"{ratio_step_min:.3f}  (target >= {TARGET})")
    print(f"  [{'PASS' if passed else 'FAIL'}] training throughput within 5% of a bare loop (per-step min)")
    if ratio_step_min > 1 / TARGET:
        print("  note: gdprep cannot beat the loop it wraps by this much; the machine was too busy for a fair "
              "figure (rerun with --threads 1, more --repeats, or on a quiet machine)")

    for rs in runs.values():
        for r in rs:
            r.pop("step_seconds")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": {"examples": args.examples, "train_records": kept, "epochs": args.epochs, "repeats": args.repeats,
                 "warmup_steps": args.warmup_steps, "batch_size": args.batch_size, "max_length": args.max_length,
                 "seed": args.seed, "eval_steps": eval_steps, "device": device, "torch_threads": threads,
                 "cpus": os.cpu_count(), "model": model_info, "versions": versions, "prepare_seconds": prep_s,
                 "load_average": [load_before, load_after]},
        "runs": runs, "summary": {"gdprep": ours, "bare": bare},
        "ratio_median": ratio_median, "ratio_best": ratio_best, "ratio_step_min": ratio_step_min,
        "target": TARGET, "passed": passed,
    }
    args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(f"figures: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
