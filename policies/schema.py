"""The policy schema. A policy says which languages to expect, which entities to detect at which
score, how to transform each one, how to treat special-category data, and which fields to scan."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gdprep.policies.entities import ENTITY_TYPES

SCHEMA_VERSION = 1

OperatorType = Literal["redact", "placeholder", "mask", "hash", "pseudonym", "surrogate", "encrypt", "keep"]
OPERATOR_TYPES: tuple[str, ...] = ("redact", "placeholder", "mask", "hash", "pseudonym", "surrogate", "encrypt",
                                   "keep")
SpecialAction = Literal["keep", "review", "drop"]
SPECIAL_CATEGORY_IDS = ("health", "ethnicity", "religion", "politics", "trade_union",
                        "sex_life_orientation", "genetic_biometric", "criminal")
LANGUAGES = ("en", "de", "fr", "nl", "it", "es", "pl", "pt")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OperatorSpec(_Strict):
    """How one entity type is transformed in the redacted output."""

    type: OperatorType = Field(
        description="redact (remove), placeholder (<TYPE>), mask (replace characters), hash (keyed "
                    "HMAC-SHA256 token), pseudonym (<TYPE_n>, consistent across the dataset), surrogate "
                    "(realistic fake value, consistent), encrypt (deterministic AES-SIV, reversible with "
                    "`gdprep deanonymize`), keep (leave the value as it is but list the finding in the report, for "
                    "types that are not personal data such as ORGANISATION_ID)")
    mask_char: str = Field("*", min_length=1, max_length=1, description="mask: the character used to mask")
    keep_last: int = Field(0, ge=0, le=8, description="mask: how many trailing characters stay visible")
    keep_separators: bool = Field(True, description="mask: keep spaces, '-', '.', '@' so the shape stays readable")
    hash_length: int = Field(16, ge=8, le=64, description="hash: hex characters of the HMAC kept in the token")


class EntityRule(_Strict):
    """Detection threshold and transformation for one entity type."""

    threshold: float = Field(0.5, ge=0.0, le=1.0,
                             description="Findings scoring below this are ignored (but see review_band)")
    operator: OperatorSpec = Field(default_factory=lambda: OperatorSpec(type="placeholder"),
                                   description="How the finding is transformed")

    @model_validator(mode="before")
    @classmethod
    def _operator_shorthand(cls, data: Any) -> Any:
        # `operator: placeholder` is accepted as shorthand for `operator: {type: placeholder}`
        if isinstance(data, dict) and isinstance(data.get("operator"), str):
            data = {**data, "operator": {"type": data["operator"]}}
        return data


class ReviewBand(_Strict):
    """Findings with low <= score < high go to the compliance review queue."""

    low: float = Field(0.35, ge=0.0, le=1.0, description="Lowest score that is still shown for review")
    high: float = Field(0.6, ge=0.0, le=1.0, description="Scores at or above this are confident")
    # left out of dumps at its default, so policies that do not set it keep the hash they had before it
    allow_reveal: bool = Field(True, exclude_if=lambda v: v is True,
                               description="Compliance officers may reveal one review finding's unmasked context "
                                           "(with a logged reason, rate-limited); false switches reveal off")

    @model_validator(mode="after")
    def _ordered(self) -> ReviewBand:
        if self.low > self.high:
            raise ValueError(f"review_band.low ({self.low}) must be <= review_band.high ({self.high})")
        return self


class SpecialCategoryRule(_Strict):
    """What happens to a record that reveals GDPR Art. 9 / Art. 10 data."""

    default_action: SpecialAction = Field("review", description="keep, review (flag for a human) or drop the record")
    actions: dict[str, SpecialAction] = Field(default_factory=dict,
                                              description="Per-category override of default_action")

    @model_validator(mode="after")
    def _known_categories(self) -> SpecialCategoryRule:
        unknown = sorted(set(self.actions) - set(SPECIAL_CATEGORY_IDS))
        if unknown:
            raise ValueError(f"special_categories.actions has unknown categories {unknown}; "
                             f"use one of {list(SPECIAL_CATEGORY_IDS)}")
        return self

    def action_for(self, category: str) -> SpecialAction:
        return self.actions.get(category, self.default_action)


class FieldSpec(_Strict):
    """Which record fields are scanned: every string field at any depth (and every integer of six or more
    digits, as its decimal text; a redacted one is written as its replacement text, and in Parquet its column
    becomes a string column), except the id field and the paths `skip` names. The other keys describe the
    record's shape."""

    skip: list[str] = Field(
        default_factory=list,
        description="Field paths left unscanned and written back as they are, e.g. `meta.source`, "
                    "`messages[*].role` (any list position) or `meta.*` (everything below `meta`). Keys holding "
                    "`\\`, `.`, `[`, `]` or `*` are escaped with a backslash: `a\\.b`. The report lists every "
                    "path skipped")
    text_fields: list[str] = Field(
        default_factory=lambda: ["text", "prompt", "completion", "chosen", "rejected"],
        description="A record must hold at least one of these (a string, or a list of chat messages) or chat "
                    "messages, else it is bad input `missing_text`; [] accepts records of any shape. They do "
                    "not limit scanning")
    messages_field: str = Field("messages", description="Field holding chat messages (a list of objects); in "
                                "CSV a column holding them as JSON")
    message_content_key: str = Field("content", description="Key of the text inside each chat message; it must "
                                     "be a string when present (every string key of a message is scanned)")
    id_field: str = Field("id", description="Field holding the record id, never scanned; missing ids get a "
                          "content hash. An id that looks like personal data is shown hashed in reports")

    @field_validator("skip")
    @classmethod
    def _valid_patterns(cls, patterns: list[str]) -> list[str]:
        from gdprep.fieldpaths import FieldPathError, check_skip_pattern

        for pattern in patterns:
            try:
                check_skip_pattern(pattern)
            except FieldPathError as exc:
                raise ValueError(f"fields.skip: {exc}; write an exact path such as `meta.source`, with "
                                 "`[*]` for any list position or a trailing `.*` for a whole subtree") from None
        return patterns


#: EU/EEA and UK regions (ISO 3166-1 alpha-2 codes, plus common cloud-region prefixes in lower case)
DEFAULT_ALLOWED_REGIONS: tuple[str, ...] = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
    "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO", "GB", "UK",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
    "eu-south-2", "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-north1", "uksouth",
    "ukwest", "westeurope", "northeurope", "germanywestcentral", "francecentral", "swedencentral",
)


class Residency(_Strict):
    """Where processing of data under this policy may run (training checks it before any step)."""

    allowed_regions: list[str] = Field(default_factory=lambda: list(DEFAULT_ALLOWED_REGIONS), min_length=1,
                                       description="Regions a job may declare (default: EU/EEA and UK regions)")


class ReleaseGate(_Strict):
    """When a fine-tuned model may be released, from its memorisation probes (`gdprep probe`)."""

    canary_margin_bits: float = Field(10.0, ge=0, description="The highest canary exposure must stay below "
                                      "log2|secret space| minus this many bits")
    max_regurgitated_pii: int = Field(0, ge=0, description="Most original PII values the model may reproduce")
    extraction_alpha: float = Field(0.05, gt=0, lt=1, description="Fail when the training records' k-extractable "
                                    "rate exceeds the test records' with one-sided Fisher p below this")
    mia_auc_ci_must_include_half: bool = Field(True, description="Fail when a membership-inference AUC's "
                                               "bootstrap 95% CI lies wholly above 0.5")
    min_human_preference: float | None = Field(None, ge=0, le=1, description="When set, promotion to production "
                                                "needs a recorded blind human evaluation (`gdprep review-outputs "
                                                "--report ID --record`) whose preference rate for the version, "
                                                "(wins + ties/2) / rated, is at least this")
    max_mia_ci_width: float = Field(0.2, gt=0, le=1, description="The verdict is inconclusive, not pass, when a "
                                    "membership-inference AUC's 95% CI is wider than this (too few test records "
                                    "for the test to tell members from non-members)")
    release_if_inconclusive: bool = Field(False, description="Release a model whose verdict is inconclusive (no "
                                          "check failed, but the test split was too small for the membership-"
                                          "inference or extraction test to be informative)")


#: Art. 6(1) lawful bases by letter, with the name a record of processing shows
LAWFUL_BASES: dict[str, str] = {
    "a": "consent", "b": "contract", "c": "legal obligation", "d": "vital interests", "e": "public task",
    "f": "legitimate interests",
}
#: Art. 9(2) conditions for special-category data by letter, in short
SPECIAL_CATEGORY_CONDITIONS: dict[str, str] = {
    "a": "explicit consent", "b": "employment, social security and social protection law",
    "c": "vital interests of a person unable to consent", "d": "not-for-profit body with a political, "
    "philosophical, religious or trade union aim", "e": "made manifestly public by the data subject",
    "f": "legal claims or courts acting in their judicial capacity", "g": "substantial public interest",
    "h": "health or social care (preventive or occupational medicine, diagnosis, treatment, management)",
    "i": "public health", "j": "archiving in the public interest, scientific or historical research, statistics",
}
#: the recorded stages a processing activity can cover
ProcessingStage = Literal["privacy", "curation", "synthesis", "training", "probes", "evaluation", "human_evaluation",
                          "feedback"]
PROCESSING_STAGES: tuple[str, ...] = get_args(ProcessingStage)
#: special categories that are Art. 9 data; `criminal` is Art. 10 data, under its own rule
ART9_CATEGORY_IDS: tuple[str, ...] = tuple(c for c in SPECIAL_CATEGORY_IDS if c != "criminal")


def _article_letter(value: Any, article: str, choices: dict[str, str], field: str, what: str) -> str:
    """`f`, `6(1)(f)`, `Art. 6(1)(f)` or a basis's name (`legitimate interests`) -> `6(1)(f)`."""
    text = str(value).strip().lower().replace("_", " ").replace("article", "").replace("art.", "").strip()
    text = text.removeprefix(article).strip()
    letter = text.strip("() ") if len(text.strip("() ")) == 1 else None
    by_name = {name: key for key, name in choices.items()}
    letter = letter if letter in choices else by_name.get(text)
    if letter is None:
        listed = ", ".join(f"{k} ({v})" for k, v in choices.items())
        raise ValueError(f"{field}: {value!r} is not an Art. {article} {what}; use one of {listed}, "
                         f"written as the letter or as {article}(x)")
    return f"{article}({letter})"


class Contact(_Strict):
    """Who to contact: a person or office, and how."""

    name: str = Field(min_length=1, description="Name of the organisation, office or person")
    contact: str = Field(min_length=1, description="How to reach them: postal address, e-mail or phone, as the "
                         "record of processing should show it")


class ProcessingActivity(_Strict):
    """One processing activity of the record of processing (GDPR Art. 30(1)): what it is for, on what lawful
    basis, about whom, how long data is kept, who receives it, and which gdprep stages carry it out."""

    name: str = Field(min_length=1, description="Short name of the activity, e.g. `Support assistant fine-tuning`")
    purpose: str = Field(min_length=1, description="Art. 30(1)(b): why the data is processed, in a sentence")
    lawful_basis: str = Field(description="Art. 6(1) lawful basis: a (consent), b (contract), c (legal obligation), "
                              "d (vital interests), e (public task) or f (legitimate interests); the letter, "
                              "`6(1)(f)` or the name")
    lawful_basis_detail: str = Field("", description="Where the basis is documented, e.g. the reference of the "
                                     "legitimate interests assessment")
    data_subjects: list[str] = Field(min_length=1, description="Art. 30(1)(c): categories of data subjects, e.g. "
                                     "`customers`, `staff`")
    retention: str = Field(min_length=1, description="Art. 30(1)(f): when the data is erased, e.g. `training "
                           "splits 12 months after the model is retired`")
    recipients: list[str] = Field(default_factory=list, description="Art. 30(1)(d): categories of recipients; "
                                  "[] when no one outside the controller receives the data")
    transfers: str = Field("", description="Art. 30(1)(e): transfers to third countries or international "
                           "organisations and their safeguards; empty when there are none")
    stages: list[ProcessingStage] = Field(
        min_length=1, description="The gdprep stages whose runs carry out this activity (each stage belongs to "
                                  "one activity)")

    @field_validator("lawful_basis")
    @classmethod
    def _lawful_basis(cls, value: str) -> str:
        return _article_letter(value, "6(1)", LAWFUL_BASES, "lawful_basis", "lawful basis")


class Processing(_Strict):
    """The controller's declarations that make the Art. 30 record of processing (`gdprep audit export --view
    ropa`): who the controller and the DPO are, and one entry per processing activity. Not part of the
    policy's hash: it says why and on what basis data is processed, not how it is transformed."""

    controller: Contact = Field(description="Art. 30(1)(a): the controller's name and contact details")
    dpo: Contact | None = Field(None, description="The data protection officer (Art. 37), when one is appointed")
    representative: Contact | None = Field(None, description="The controller's representative in the EU or UK "
                                           "(Art. 27), when one is needed")
    activities: list[ProcessingActivity] = Field(min_length=1, description="The processing activities")
    special_category_condition: str | None = Field(
        None, description="Art. 9(2) condition (a-j) for special-category data: required when the policy keeps "
                          "any (a special_categories action other than drop)")
    special_category_detail: str = Field("", description="The national-law condition or reference that goes with "
                                         "it, e.g. `DPA 2018 Sch. 1 Part 1 para 2`")
    criminal_offence_basis: str = Field("", description="Art. 10: the official authority or law under which "
                                        "criminal offence data is processed, when the policy keeps it")

    @field_validator("special_category_condition")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _article_letter(value, "9(2)", SPECIAL_CATEGORY_CONDITIONS, "special_category_condition",
                               "condition")

    @model_validator(mode="after")
    def _one_activity_per_stage(self) -> Processing:
        owner: dict[str, str] = {}
        names: set[str] = set()
        for activity in self.activities:
            if activity.name in names:
                raise ValueError(f"processing.activities: two activities are named {activity.name!r}; "
                                 "give each its own name")
            names.add(activity.name)
            for stage in activity.stages:
                if stage in owner:
                    raise ValueError(f"processing.activities: stage {stage!r} is in both {owner[stage]!r} and "
                                     f"{activity.name!r}; give each stage to one activity")
                owner[stage] = activity.name
        return self


class Policy(_Strict):
    """A complete redaction policy (see policies/*.yaml)."""

    schema_version: Literal[1] = Field(description="Policy schema version; this build reads version 1")
    name: str = Field(min_length=1, description="Short policy name shown in reports and the ledger")
    description: str = Field("", description="What the policy is for, in a sentence or two")
    languages: list[Literal["en", "de", "fr", "nl", "it", "es", "pl", "pt"]] = Field(
        min_length=1, description="Languages the data is expected in")
    entities: dict[str, EntityRule] = Field(min_length=1,
                                            description="Entity types to detect, with threshold and operator")
    review_band: ReviewBand = Field(default_factory=ReviewBand, description="Scores that go to human review")
    special_categories: SpecialCategoryRule = Field(default_factory=SpecialCategoryRule,
                                                    description="Handling of Art. 9/10 special-category data")
    fields: FieldSpec = Field(default_factory=FieldSpec, description="Which record fields to scan")
    max_text_chars: int = Field(1_000_000, gt=0, description="A field longer than this is bad input")
    residency: Residency = Field(default_factory=Residency, description="Where jobs on this data may run")
    release_gate: ReleaseGate = Field(default_factory=ReleaseGate,
                                      description="Memorisation thresholds a fine-tuned model must meet")
    processing: Processing | None = Field(None, description="Controller, DPO, purposes and lawful bases for the "
                                          "Art. 30 record of processing (optional; not part of the policy's hash)")

    @model_validator(mode="after")
    def _known_entities(self) -> Policy:
        unknown = sorted(set(self.entities) - set(ENTITY_TYPES))
        if unknown:
            raise ValueError(f"entities has unknown types {unknown}; known types are {sorted(ENTITY_TYPES)}")
        return self

    @model_validator(mode="after")
    def _special_category_condition(self) -> Policy:
        kept = self.kept_special_categories()
        if self.processing is not None and self.processing.special_category_condition is None and any(
                c in ART9_CATEGORY_IDS for c in kept):
            shown = ", ".join(f"{c}: {self.special_categories.action_for(c)}" for c in kept if c in ART9_CATEGORY_IDS)
            raise ValueError(f"processing.special_category_condition is required: this policy keeps special-category "
                             f"data ({shown}), so declare its Art. 9(2) condition (a-j, e.g. `h` for health or "
                             "social care), or set those special_categories actions to drop")
        return self

    def kept_special_categories(self) -> list[str]:
        """Special categories whose records stay in the output (kept, or kept and flagged for review)."""
        return [c for c in SPECIAL_CATEGORY_IDS if self.special_categories.action_for(c) != "drop"]

    def canonical_json(self) -> str:
        """Sorted keys, fixed separators, defaults filled in: equal policies give equal text. The `processing`
        section is left out: it documents why data is processed, not how, so declaring or updating it does not
        change the hash the runs recorded."""
        data = self.model_dump(mode="json", exclude={"processing"})
        if data["release_gate"].get("min_human_preference") is None:  # unset: the hash policies had before it
            del data["release_gate"]["min_human_preference"]
        for name, default in (("max_mia_ci_width", 0.2), ("release_if_inconclusive", False)):
            if data["release_gate"].get(name) == default:  # at its default: the hash policies had before it
                del data["release_gate"][name]
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def processing_hash(self) -> str | None:
        """The SHA-256 of the `processing` section (canonical JSON), stamped into the record of processing."""
        if self.processing is None:
            return None
        text = json.dumps(self.processing.model_dump(mode="json"), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    def canonical_hash(self) -> str:
        return "sha256:" + hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
