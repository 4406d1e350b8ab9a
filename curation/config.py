"""The curation config: a YAML file validated by pydantic. Every threshold has a documented default, so
an empty file (or no file) is a complete config; `gdprep curate --print-config` shows them all."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gdprep.curation.quality import QualityConfig
from gdprep.errors import ConfigError
from gdprep.yamlfile import read_yaml_mapping, validation_message

KeepRule = Literal["first", "lowest_id", "longest_completion"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldsConfig(_Strict):
    """Where the training-relevant text, the id, the label and the group key live in a record."""

    id_field: str = Field("id", description="Record id field; a record without one gets a stable content-hash id")
    text_field: str = Field("text", description="Plain-text records: the text field")
    prompt_field: str = Field("prompt", description="Prompt/completion records: the prompt field")
    completion_field: str = Field("completion", description="Prompt/completion records: the completion field")
    chosen_field: str = Field("chosen", description="Preference pairs (records with prompt, chosen and rejected): "
                                                    "the preferred answer, a string or a list of chat messages")
    rejected_field: str = Field("rejected", description="Preference pairs: the dispreferred answer, a string or a "
                                                        "list of chat messages")
    messages_field: str = Field("messages", description="Chat records: the list of messages")
    content_key: str = Field("content", description="Chat records: the text key inside each message")
    role_key: str = Field("role", description="Chat records: the role key inside each message")
    label_field: str | None = Field(None, description="Category label used for balancing and stratified splits")
    group_field: str | None = Field(
        None, description="Records sharing this key (a customer or conversation id) land in the same split")


class NormaliseConfig(_Strict):
    """Comparison keys only: stored text is never changed."""

    casefold: bool = Field(True, description="Compare case-insensitively (after NFKC and whitespace collapse)")


class ExactDedupConfig(_Strict):
    """Exact duplicates: equal normalised training text (prompt, completion, chat turns and roles)."""

    enabled: bool = Field(True, description="Drop exact duplicates (reason exact_duplicate)")


class NearDedupConfig(_Strict):
    """Near duplicates: MinHash LSH candidates verified by their real Jaccard similarity."""

    enabled: bool = Field(True, description="Find near duplicates")
    threshold: float = Field(0.8, gt=0.0, le=1.0, description="Jaccard similarity at or above which two "
                                                               "records are near duplicates")
    ngram: int = Field(3, ge=1, le=32, description="Shingle size, in words or characters (see unit)")
    unit: Literal["word", "char"] = Field("word", description="Shingle unit: word n-grams or character n-grams")
    num_perm: int = Field(128, ge=16, le=1024, description="MinHash permutations")
    num_bands: int | None = Field(None, ge=1, description="LSH bands (a divisor of num_perm); default: chosen "
                                                          "for the threshold, favouring recall")
    seed: int = Field(1, description="MinHash seed")
    index: Literal["rensa", "compact"] = Field(
        "compact", description="compact: band hashes in numpy arrays, 8 bytes per band per record (0.13 KB with "
                               "the default 16 bands), candidates found by sorting once all is added; rensa: "
                               "rensa's LSH tables, about 2.4 KB per record")
    action: Literal["drop", "group"] = Field(
        "drop", description="drop: keep one record per cluster (reason near_duplicate); group: keep all, but "
                            "put each cluster in one split")

    @model_validator(mode="after")
    def _bands_divide(self) -> NearDedupConfig:
        if self.num_bands is not None and self.num_perm % self.num_bands:
            raise ValueError(f"num_bands ({self.num_bands}) must divide num_perm ({self.num_perm})")
        return self


class DedupKeepConfig(_Strict):
    """Which record of a duplicate cluster is kept."""

    rule: KeepRule = Field("first", description="first: first in input order; lowest_id: smallest id "
                                                "(string order); longest_completion: longest completion, "
                                                "ties by input order")
    prefer_passing_quality: bool = Field(
        True, description="Keep a member that passes the quality filters over one that would be dropped later")


class BalanceConfig(_Strict):
    """Per-label caps or a target distribution (needs fields.label_field)."""

    enabled: bool = Field(False, description="Balance labels (reason balanced_out)")
    max_per_label: int | None = Field(None, ge=1, description="Keep at most this many records of any label")
    target: dict[str, float] | None = Field(
        None, description="Target share per label (shares are normalised to sum to 1); labels not listed keep "
                          "their records. The largest feasible dataset with these shares is kept.")
    upsample: bool = Field(False, description="Repeat training records of labels below their target share")
    max_upsample_factor: float = Field(2.0, ge=1.0, le=100.0, description="A label grows at most this many times "
                                                                          "by repetition")
    seed: int = Field(1, description="Seed for which records are kept when downsampling")

    @model_validator(mode="after")
    def _shares(self) -> BalanceConfig:
        if self.target is not None:
            if not self.target or any(v < 0 for v in self.target.values()) or sum(self.target.values()) <= 0:
                raise ValueError("target shares must be non-negative and sum to more than 0")
        if self.enabled and self.max_per_label is None and self.target is None:
            raise ValueError("balance is enabled but neither max_per_label nor target is set")
        return self


class PreferenceConfig(_Strict):
    """Filters for preference pairs (records with prompt, chosen and rejected); other records pass them."""

    enabled: bool = Field(True, description="Run the preference filters (stage preference) on preference pairs")
    min_answer_distance: float = Field(
        0.05, ge=0.0, le=1.0,
        description="Drop a pair whose chosen and rejected answers are closer than this (reason "
                    "near_identical_answers). Distance is 1 minus the weighted Jaccard similarity of the "
                    "answers' word and word-pair counts, after normalisation (NFKC, whitespace, case-fold): 0 "
                    "for the same words in the same order, 1 for no word in common. Linear in the answers' "
                    "length, and word pairs make it see order. One changed word in an answer of n words is "
                    "about 3/(n+1) apart, so the default drops a one-word change only in answers of 60 words or "
                    "more (a typo fix, re-spacing), whose preference signal is mostly noise, and keeps short "
                    "answers that differ in one fact; 0 keeps every pair but the identical ones (reason "
                    "identical_answers)")
    min_length_ratio: float | None = Field(
        0.25, gt=0.0, description="Drop a pair whose chosen answer is shorter than this times the rejected one "
                                  "(characters; reason answer_length_ratio); null turns the bound off")
    max_length_ratio: float | None = Field(
        4.0, gt=0.0, description="Drop a pair whose chosen answer is longer than this times the rejected one "
                                 "(reason answer_length_ratio): a model trained on such pairs learns that "
                                 "longer wins; null turns the bound off")
    length_ratio_min_chars: int = Field(
        40, ge=0, description="The length ratio is checked only when the longer answer has at least this many "
                              "characters: between short answers (\"Yes.\" against \"No, it is not.\") a ratio "
                              "says nothing")

    @model_validator(mode="after")
    def _ratio_bounds(self) -> PreferenceConfig:
        if (self.min_length_ratio is not None and self.max_length_ratio is not None
                and self.min_length_ratio > self.max_length_ratio):
            raise ValueError(f"`preference.min_length_ratio` ({self.min_length_ratio:g}) must not exceed "
                             f"`preference.max_length_ratio` ({self.max_length_ratio:g})")
        return self


class SplitConfig(_Strict):
    """Stratified, group-aware, deterministic train/validation/test split."""

    train: float = Field(0.8, ge=0.0, le=1.0, description="Share of records in train")
    validation: float = Field(0.1, ge=0.0, le=1.0, description="Share of records in validation")
    test: float = Field(0.1, ge=0.0, le=1.0, description="Share of records in test")
    seed: int = Field(1, description="Seed for the split; the same seed gives the same split")
    stratify: bool = Field(True, description="Keep each label's share equal across splits (needs label_field)")

    @model_validator(mode="after")
    def _sum_to_one(self) -> SplitConfig:
        if abs(self.train + self.validation + self.test - 1.0) > 1e-6:
            raise ValueError(f"train + validation + test must be 1 (got "
                             f"{self.train + self.validation + self.test:g})")
        return self


class LeakageConfig(_Strict):
    """After splitting, every cross-split pair at or above the threshold is reported."""

    enabled: bool = Field(True, description="Run the leakage check")
    threshold: float | None = Field(None, gt=0.0, le=1.0, description="Jaccard threshold; default: the "
                                                                      "near-duplicate threshold")


SplitName = Literal["train", "validation", "test"]
#: by default synthetic records train only: validation (model selection) and test (evaluation) stay real
DEFAULT_SYNTHETIC_SHARE: dict[SplitName, float] = {"train": 1.0, "validation": 0.0, "test": 0.0}


class SyntheticConfig(_Strict):
    """Records marked `meta.synthetic` (written by `gdprep synth`): the most each split may hold."""

    max_share: dict[SplitName, Annotated[float, Field(ge=0.0, le=1.0)]] = Field(
        default_factory=lambda: dict(DEFAULT_SYNTHETIC_SHARE),
        description="Most synthetic records per split, as a share of the split's records (1.0: no cap, 0.0: none). "
                    "Splits not named keep the default: train 1.0, validation 0.0 and test 0.0, so that model "
                    "selection and evaluation see real records only")
    over_cap: Literal["move_to_train", "drop"] = Field(
        "move_to_train", description="A synthetic record over the cap of validation or test: move_to_train puts it "
                                     "in train (if train's cap allows and it shares no group, near-duplicate "
                                     "cluster or content with other records; else it is dropped); drop removes it. "
                                     "Either way the decision says so (reason synthetic_over_cap when dropped)")
    seed: int = Field(1, description="Seed for which synthetic records stay when a split holds more than its cap")

    @field_validator("max_share", mode="before")
    @classmethod
    def _fill_shares(cls, value: Any) -> Any:
        return {**DEFAULT_SYNTHETIC_SHARE, **value} if isinstance(value, dict) else value


class OutputConfig(_Strict):
    """What is written besides the split files."""

    format: Literal["input", "jsonl", "parquet"] = Field("input", description="Format of the split files")
    hf_dataset: bool = Field(True, description="Also write a Hugging Face DatasetDict under OUT/hf/")
    batch_size: int = Field(2000, ge=1, le=1_000_000, description="Records per processing batch")


class CurationConfig(_Strict):
    """A complete curation config (see `gdprep curate --print-config`)."""

    schema_version: Literal[1] = Field(1, description="Config schema version; this build reads version 1")
    fields: FieldsConfig = Field(default_factory=FieldsConfig, description="Record layout")
    normalise: NormaliseConfig = Field(default_factory=NormaliseConfig, description="Comparison keys")
    keep: DedupKeepConfig = Field(default_factory=DedupKeepConfig, description="Keep rule for duplicates")
    exact_dedup: ExactDedupConfig = Field(default_factory=ExactDedupConfig, description="Exact duplicates")
    near_dedup: NearDedupConfig = Field(default_factory=NearDedupConfig, description="Near duplicates")
    quality: QualityConfig = Field(default_factory=QualityConfig, description="Quality filters")
    preference: PreferenceConfig = Field(default_factory=PreferenceConfig,
                                         description="Preference-pair filters (prompt, chosen, rejected)")
    balance: BalanceConfig = Field(default_factory=BalanceConfig, description="Label balancing")
    split: SplitConfig = Field(default_factory=SplitConfig, description="Train/validation/test split")
    leakage: LeakageConfig = Field(default_factory=LeakageConfig, description="Cross-split leakage check")
    synthetic: SyntheticConfig = Field(default_factory=SyntheticConfig,
                                       description="Caps on synthetic records (meta.synthetic) per split")
    output: OutputConfig = Field(default_factory=OutputConfig, description="Outputs")

    def canonical_hash(self) -> str:
        """SHA-256 of the config's canonical JSON: recorded in the report (and later the ledger)."""
        data = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


def load_curation_config(path: Path | None = None, overrides: dict[str, Any] | None = None) -> CurationConfig:
    """Read and validate a curation config YAML (None: every default)."""
    raw: Any = {}
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"curation config {path} does not exist; give a path to a YAML file")
        raw = read_yaml_mapping(path, "curation config", ConfigError, empty_ok=True,
                                mapping_hint=" (see `gdprep curate --print-config`)")
    for dotted, value in (overrides or {}).items():
        node = raw
        *parents, leaf = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    try:
        return CurationConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(validation_message("curation config", path, exc,
                                             "`gdprep curate --print-config`")) from None


def commented_yaml(model: BaseModel, indent: int = 0) -> str:
    """`model` as YAML with each field's description above it as a comment (`--print-config`); loading the
    text gives `model.model_dump(mode="json")` back."""
    import textwrap

    import yaml

    pad = " " * indent
    values = model.model_dump(mode="json")
    lines: list[str] = []
    for name, info in type(model).model_fields.items():
        if info.description:
            lines.extend(textwrap.wrap(info.description, width=max(40, 110 - indent), initial_indent=f"{pad}# ",
                                       subsequent_indent=f"{pad}#   "))
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            lines.append(f"{pad}{name}:")
            lines.append(commented_yaml(value, indent + 2).rstrip("\n"))
        else:
            dumped = yaml.safe_dump({name: values[name]}, sort_keys=False, allow_unicode=True, width=100)
            lines.extend(pad + line for line in dumped.rstrip("\n").splitlines())
    return "\n".join(lines) + "\n"
