"""Re-identification for key holders: reverses encrypt, pseudonym and surrogate tokens in every scanned field.
`gdprep deanonymize` streams a whole file in its format; the service's review pages restore chosen records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gdprep.policies import Policy
from gdprep.privacy.keys import KeyRing
from gdprep.privacy.operators import RedactionContext, deanonymize
from gdprep.privacy.vault import Vault
from gdprep.record_writers import RecordWriter
from gdprep.records import Record, RecordReader, detect_format, set_text


class Restorer:
    """Restores the reversible tokens of records, with the master key and the pseudonym vault."""

    def __init__(self, keyring: KeyRing, vault: Vault) -> None:
        self._ctx = RedactionContext(keyring=keyring, vault=vault)

    @classmethod
    def open(cls, key_file: Path | None = None, vault_path: Path | None = None) -> Restorer:
        """With the key from `key_file` (else the usual sources) and the vault at `vault_path` (else the default)."""
        keyring = KeyRing.open(key_file=key_file)
        return cls(keyring, Vault.open(vault_path or Vault.default_path(), keyring))

    def restore(self, record: Record) -> tuple[dict[str, Any], int]:
        """The record's data with its tokens restored, and how many were."""
        data = dict(record.data)
        restored_tokens = 0
        for name, text in record.texts:
            restored, count = deanonymize(text, self._ctx)
            if count:  # an untouched value keeps its type (an integer stays an integer)
                restored_tokens += count
                set_text(data, name, restored)
        return data, restored_tokens


def redacted_reader(path: Path, policy: Policy, fmt: str | None = None) -> RecordReader:
    """A reader of redact's output: it may have emptied a field or grown it with tokens, neither is bad input."""
    return RecordReader(path, policy.fields, fmt=fmt, max_chars=10 * policy.max_text_chars, require_text=False)


def run_deanonymize(input_path: Path, output_path: Path, policy: Policy, *, reason: str,
                    key_file: Path | None = None, vault_path: Path | None = None,
                    fmt: str | None = None) -> tuple[int, int]:
    """Returns (records written, tokens restored). `reason` is required so the act is accountable; the
    caller records it in the audit ledger with the actor (`gdprep.service.stages.deanonymise`)."""
    from gdprep.errors import UsageError

    if not reason.strip():
        raise UsageError("--reason must say why re-identification is needed")
    if input_path.resolve() == output_path.resolve():
        raise UsageError(f"output {output_path} is the input file; write to a different path")
    restorer = Restorer.open(key_file=key_file, vault_path=vault_path)
    reader = redacted_reader(input_path, policy, fmt)
    n_records = n_tokens = 0
    out_format = detect_format(output_path, None) if output_path.suffix else reader.format
    same = out_format == reader.format
    with RecordWriter(output_path, out_format, policy.fields.messages_field,
                      columns=reader.columns if same else None, schema=reader.schema if same else None) as writer:
        for batch in reader.batches():
            rows = []
            for rec in batch:
                assert isinstance(rec, Record), "the reader fails fast on bad records here"
                data, count = restorer.restore(rec)
                n_tokens += count
                rows.append(data)
            writer.write(rows)
            n_records += len(rows)
    return n_records, n_tokens
