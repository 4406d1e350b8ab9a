"""Redaction operators (one small class each, in an explicit registry), the `Redactor` that applies them
to a text's findings, and `deanonymize`, which reverses the reversible ones (encrypt, pseudonym, surrogate).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random
import re
import string
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from gdprep.errors import IntegrityError, VaultError
from gdprep.policies.schema import OPERATOR_TYPES, OperatorSpec
from gdprep.privacy.findings import Finding
from gdprep.privacy.keys import KeyRing
from gdprep.privacy.vault import ENTITY_TYPE_RE, Vault

if TYPE_CHECKING:
    from faker import Faker

#: Every token gdprep emits: placeholder <TYPE>, pseudonym <TYPE_digits> (<TYPE_n> from version-1 vaults), hash
#: <TYPE#hex>, encrypt <ENC:TYPE:b64>.
TOKEN_RE = re.compile(
    r"<(?:ENC:(?P<enc_type>[A-Z][A-Z0-9_]*):(?P<enc_data>[A-Za-z0-9_-]+)"
    r"|(?P<type>[A-Z][A-Z0-9_]*)(?:#(?P<hash>[0-9a-f]+))?)>"
)
_MASK_SEPARATORS = frozenset("-.@/")
# reserved for documentation and fiction (RFC 2606, RFC 5737, RFC 3849, Ofcom drama numbers)
RESERVED_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
_IPV4_DOC_NETS = ("192.0.2", "198.51.100", "203.0.113")
_DRAMA_MOBILE = ("07700 900", "+44 7700 900")
_DRAMA_LONDON = ("020 7946 0", "+44 20 7946 0")
_DRAMA_RANGE_SIZE = 1000
_UK_POSTCODE_RE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_EU_POSTCODE_TOWN_RE = re.compile(r"\b\d{4,5}\s+[^\W\d_]")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
# identifier types whose leading letters name a country and stay as they are (IBAN "DE..", VAT "GB..")
_KEPT_LETTER_PREFIX = {"IBAN_CODE": 2, "UK_VAT": 2}


@dataclass(frozen=True, slots=True)
class AppliedOperation:
    """One replacement: the input span, what replaced it, and where the replacement sits in the output."""

    field: str
    start: int
    end: int
    entity_type: str
    operator: str
    out_start: int
    out_end: int

    def to_json(self) -> dict[str, object]:
        return asdict(self)


class RedactionContext:
    """The keys and the vault that operators and `deanonymize` need; build it once per run."""

    def __init__(self, keyring: KeyRing, vault: Vault) -> None:
        if vault.key_id != keyring.key_id:
            raise VaultError(f"vault {vault.path} was opened with key id {vault.key_id} but the key ring "
                             f"has key id {keyring.key_id}: the key does not match")
        self.keyring = keyring
        self.vault = vault
        self._faker_lock = threading.Lock()
        self._reverse_cache: tuple[int, re.Pattern[str], dict[str, str]] | None = None

    @classmethod
    def open(cls, state: Path | None = None, key_file: Path | None = None,
             vault_path: Path | None = None) -> RedactionContext:
        keyring = KeyRing.open(state=state, key_file=key_file)
        return cls(keyring, Vault.open(vault_path or Vault.default_path(state), keyring))

    @cached_property
    def siv(self) -> AESSIV:
        return AESSIV(self.keyring.siv_key)

    @cached_property
    def _faker(self) -> Faker:
        # imported here: Faker takes ~0.2 s to load its providers, and only surrogates need it
        from faker import Faker

        return Faker("en_GB")

    def with_faker(self, seed: int, make: Callable[[Faker], str]) -> str:
        """Run `make` on the shared Faker, seeded; the lock keeps seed and draws together across threads."""
        with self._faker_lock:
            self._faker.seed_instance(seed)
            return make(self._faker)

    def reverse_pattern(self) -> tuple[re.Pattern[str], dict[str, str]]:
        """TOKEN_RE plus every known surrogate (whole words), rebuilt only when the vault changed."""
        cached = self._reverse_cache
        if cached is not None and cached[0] == self.vault.revision:
            return cached[1], cached[2]
        revision = self.vault.revision
        surrogates = self.vault.known_surrogates()
        pattern = TOKEN_RE.pattern
        if surrogates:
            pattern += rf"|(?<!\w)(?P<surrogate>{_trie_regex(surrogates)})(?!\w)"
        compiled = re.compile(pattern)
        self._reverse_cache = (revision, compiled, surrogates)
        return compiled, surrogates

    def __repr__(self) -> str:
        return f"RedactionContext(keyring={self.keyring!r}, vault={self.vault!r})"


class Operator:
    """One transformation. Subclasses implement only `apply`; `Redactor` does offsets and bookkeeping."""

    name: ClassVar[str]
    reversible: ClassVar[bool] = False

    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        raise NotImplementedError


OPERATORS: dict[str, type[Operator]] = {}


def register_operator(name: str) -> Callable[[type[Operator]], type[Operator]]:
    """Class decorator adding an operator under a policy operator name; names are checked and unique."""

    def decorator(cls: type[Operator]) -> type[Operator]:
        if name not in OPERATOR_TYPES:
            raise ValueError(f"operator name {name!r} is not a policy operator type; use one of {OPERATOR_TYPES}")
        if name in OPERATORS:
            raise ValueError(f"operator {name!r} is already registered by {OPERATORS[name].__name__}")
        if not (isinstance(cls, type) and issubclass(cls, Operator)):
            raise TypeError(f"{cls!r} must subclass Operator to be registered as {name!r}")
        cls.name = name
        OPERATORS[name] = cls
        return cls

    return decorator


@register_operator("redact")
class RedactOperator(Operator):
    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        return ""


@register_operator("placeholder")
class PlaceholderOperator(Operator):
    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        return f"<{entity_type}>"


@register_operator("mask")
class MaskOperator(Operator):
    """Masks each character; keeps whitespace and - . @ / when keep_separators, and up to keep_last trailing
    characters (counting only masked-kind characters) but never more than half of them, so a short value
    is never shown whole."""

    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        def is_separator(ch: str) -> bool:
            return spec.keep_separators and (ch.isspace() or ch in _MASK_SEPARATORS)

        maskable = [i for i, ch in enumerate(value) if not is_separator(ch)]
        visible = min(spec.keep_last, len(maskable) // 2)
        shown = set(maskable[len(maskable) - visible:]) if visible else set()
        return "".join(ch if is_separator(ch) or i in shown else spec.mask_char for i, ch in enumerate(value))


@register_operator("hash")
class HashOperator(Operator):
    """Keyed HMAC-SHA256, never a plain hash: identifiers are low-entropy and a plain hash is reversible
    by trying every candidate."""

    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        return f"<{entity_type}#{ctx.keyring.keyed_digest(entity_type, value).hex()[:spec.hash_length]}>"


@register_operator("pseudonym")
class PseudonymOperator(Operator):
    reversible = True

    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        return ctx.vault.pseudonym(entity_type, value)


@register_operator("surrogate")
class SurrogateOperator(Operator):
    """A realistic fake of the same type, stored in the vault so it stays consistent and reversible."""

    reversible = True

    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        key = ctx.keyring.surrogate_key
        digest = hmac.new(key, f"{entity_type}\x00{value}".encode(), hashlib.sha256).digest()
        base = int.from_bytes(digest[:8], "big")

        def make(attempt: int) -> str:
            per_attempt = hmac.new(key, digest + attempt.to_bytes(4, "big"), hashlib.sha256).digest()
            seed = SurrogateSeed(base=base, attempt=attempt, value=int.from_bytes(per_attempt[:16], "big"))
            return make_surrogate(entity_type, value, seed, ctx)

        return ctx.vault.surrogate(entity_type, value, make)


@register_operator("encrypt")
class EncryptOperator(Operator):
    """Deterministic AES-SIV with the entity type as associated data: a token cannot be relabelled."""

    reversible = True

    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        sealed = ctx.siv.encrypt(value.encode("utf-8"), [entity_type.encode("ascii")])
        return f"<ENC:{entity_type}:{base64.urlsafe_b64encode(sealed).rstrip(b'=').decode('ascii')}>"


@register_operator("keep")
class KeepOperator(Operator):
    """Leaves the value as it is: for types that are found to be reported, not removed (ORGANISATION_ID)."""

    def apply(self, value: str, entity_type: str, spec: OperatorSpec, ctx: RedactionContext) -> str:
        return value


# --- surrogate values ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurrogateSeed:
    """`base` is the same for every attempt (for linear probing of small reserved ranges); `value` is a
    fresh seed per attempt."""

    base: int
    attempt: int
    value: int


def make_surrogate(entity_type: str, original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    """A same-type fake for `original`. Identifier types keep the shape (digits, letter case, separators)
    but not the checksum: surrogates of NHS numbers, IBANs, cards etc. are not valid numbers."""
    maker = _SURROGATE_MAKERS.get(entity_type)
    if maker is None:
        return _format_preserving(original, seed, _KEPT_LETTER_PREFIX.get(entity_type, 0))
    return maker(original, seed, ctx)


def _person(original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    single = len(original.split()) == 1
    name = ctx.with_faker(seed.value, lambda f: f.first_name() if single else f"{f.first_name()} {f.last_name()}")
    return name.upper() if original.isupper() else name


def _street_address(original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    with_town = bool(_UK_POSTCODE_RE.search(original) or _EU_POSTCODE_TOWN_RE.search(original))

    def make(fake: Faker) -> str:
        lines = fake.street_address().split("\n")
        return "\n".join([*lines, fake.city(), fake.postcode()] if with_town else lines)

    address = ctx.with_faker(seed.value, make)
    return address if "\n" in original else address.replace("\n", ", ")


def _email(original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    user, domain = ctx.with_faker(seed.value, lambda f: f"{f.user_name()}\x00"
                                  f"{f.random_element(RESERVED_EMAIL_DOMAINS)}").split("\x00")
    # Faker's user names run out for large vaults; a number keeps later attempts distinct
    return f"{user}{seed.attempt}@{domain}" if seed.attempt >= 10 else f"{user}@{domain}"


def _phone(original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    digits = re.sub(r"\D", "", original)
    mobile = digits.startswith(("07", "447", "00447"))
    ranges = (_DRAMA_MOBILE, _DRAMA_LONDON) if mobile else (_DRAMA_LONDON, _DRAMA_MOBILE)
    # linear probing: attempts 0..999 visit every number of the preferred range once, then the other
    national, international = ranges[(seed.attempt // _DRAMA_RANGE_SIZE) % 2]
    prefix = international if original.lstrip().startswith(("+", "00")) else national
    number = f"{prefix}{(seed.base + seed.attempt) % _DRAMA_RANGE_SIZE:03d}"
    if not re.search(r"\s", original):
        number = number.replace(" ", "-" if "-" in original else "")
    return number


def _ip_address(original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    if ":" in original:
        rng = random.Random(seed.value)
        return "2001:db8:" + ":".join(f"{rng.randrange(0x10000):x}" for _ in range(6))
    slot = (seed.base + seed.attempt) % (254 * len(_IPV4_DOC_NETS))
    return f"{_IPV4_DOC_NETS[slot // 254]}.{slot % 254 + 1}"


def _date_of_birth(original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    rng = random.Random(seed.value)
    day = date(1930, 1, 1) + timedelta(days=rng.randrange(75 * 365))
    groups = re.findall(r"\d+", original)
    if re.search(r"[^\W\d_]", original) or len(groups) != 3:
        return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    year_at = next((i for i, g in enumerate(groups) if len(g) == 4), 2)
    order = ("year", "month", "day") if year_at == 0 else ("day", "month", "year")
    parts = iter(zip(order, groups, strict=True))

    def fill(_: re.Match[str]) -> str:
        kind, group = next(parts)
        if kind == "year":
            return str(day.year) if len(group) == 4 else f"{day.year % 100:02d}"
        number = day.day if kind == "day" else day.month
        return f"{number:0{len(group)}d}"

    return re.sub(r"\d+", fill, original)


def _location(original: str, seed: SurrogateSeed, ctx: RedactionContext) -> str:
    return ctx.with_faker(seed.value, lambda f: f.city())


def _format_preserving(original: str, seed: SurrogateSeed, keep_prefix: int = 0) -> str:
    rng = random.Random(seed.value)
    kept = original[:keep_prefix] if original[:keep_prefix].isalpha() else ""
    out = [kept]
    for ch in original[len(kept):]:
        if ch.isdigit():
            out.append(rng.choice(string.digits))
        elif ch.isalpha():
            out.append(rng.choice(string.ascii_uppercase if ch.isupper() else string.ascii_lowercase))
        else:
            out.append(ch)
    return "".join(out)


_SURROGATE_MAKERS: dict[str, Callable[[str, SurrogateSeed, RedactionContext], str]] = {
    "PERSON": _person,
    "STREET_ADDRESS": _street_address,
    "EMAIL_ADDRESS": _email,
    "PHONE_NUMBER": _phone,
    "IP_ADDRESS": _ip_address,
    "DATE_OF_BIRTH": _date_of_birth,
    "LOCATION": _location,
}


# --- applying and reversing ------------------------------------------------------------------------------


class Redactor:
    """Applies each finding's operator to one field's text. Build once per run, reuse for every record."""

    def __init__(self, ctx: RedactionContext) -> None:
        self.ctx = ctx
        self._operators = {name: cls() for name, cls in OPERATORS.items()}

    def redact(self, text: str, findings: Sequence[Finding], spec_for: Callable[[str], OperatorSpec]
               ) -> tuple[str, list[AppliedOperation]]:
        """Replace every finding; returns the new text and, per finding, where its replacement sits in it.

        Findings must not overlap. Replacements are cut from the original offsets, so no offset shifts."""
        ordered = sorted(findings, key=lambda f: (f.start, f.end))
        _check_findings(text, ordered)
        pieces: list[str] = []
        applied: list[AppliedOperation] = []
        cursor = out_len = 0
        for finding in ordered:
            spec = spec_for(finding.entity_type)
            replacement = self._operators[spec.type].apply(
                text[finding.start:finding.end], finding.entity_type, spec, self.ctx)
            pieces.append(text[cursor:finding.start])
            out_len += finding.start - cursor
            pieces.append(replacement)
            applied.append(AppliedOperation(finding.field, finding.start, finding.end, finding.entity_type,
                                            spec.type, out_len, out_len + len(replacement)))
            out_len += len(replacement)
            cursor = finding.end
        pieces.append(text[cursor:])
        return "".join(pieces), applied


def _check_findings(text: str, ordered: Sequence[Finding]) -> None:
    fields = {f.field for f in ordered}
    if len(fields) > 1:
        raise ValueError(f"findings from several fields {sorted(fields)} passed for one text; redact each "
                         f"field with its own findings")
    previous: Finding | None = None
    for finding in ordered:
        where = f"{finding.entity_type} [{finding.start}, {finding.end}) in field {finding.field!r}"
        if not 0 <= finding.start < finding.end <= len(text):
            raise ValueError(f"finding {where} lies outside the text (length {len(text)}) or is empty")
        if not ENTITY_TYPE_RE.fullmatch(finding.entity_type):
            raise ValueError(f"finding {where} has an entity type that is not {ENTITY_TYPE_RE.pattern}")
        if previous is not None and finding.start < previous.end:
            raise ValueError(f"findings overlap: {previous.entity_type} [{previous.start}, {previous.end}) "
                             f"and {where}; resolve overlaps before redacting")
        previous = finding


def deanonymize(text: str, ctx: RedactionContext) -> tuple[str, int]:
    """Reverse <ENC:..> tokens, pseudonym tokens and known surrogates in one left-to-right pass (so a
    restored value is never itself rewritten). placeholder, mask, hash and redact are one-way by design."""
    pattern, surrogates = ctx.reverse_pattern()
    count = 0

    def restore(match: re.Match[str]) -> str:
        nonlocal count
        original: str | None
        if match.group("enc_data") is not None:
            original = _decrypt_token(match, ctx)
        elif match.groupdict().get("surrogate") is not None:
            original = surrogates[match.group("surrogate")]
        elif match.group("hash") is None:
            original = ctx.vault.original_for(match.group(0))
        else:
            original = None
        if original is None:
            return match.group(0)
        count += 1
        return original

    return pattern.sub(restore, text), count


def _decrypt_token(match: re.Match[str], ctx: RedactionContext) -> str:
    data = match.group("enc_data")
    try:
        sealed = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
        plain = ctx.siv.decrypt(sealed, [match.group("enc_type").encode("ascii")])
        return plain.decode("utf-8")
    except (InvalidTag, binascii.Error, ValueError):
        # the message names where the token is, never its content
        raise IntegrityError(f"the encrypted token at offset {match.start()} could not be decrypted: it was "
                             f"made with another key (current key id {ctx.keyring.key_id}) or altered. "
                             f"Fix: deanonymize with the key that encrypted it") from None


def _trie_regex(words: Iterable[str]) -> str:
    """One regex for many literal strings, shared prefixes factored out so matching does not try every
    word at every position; at each branch the longer continuation is tried first."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)
