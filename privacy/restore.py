"""Re-identification for key holders (`gdprep deanonymize`): reverses encrypt, pseudonym and
surrogate tokens in every scanned field, streaming, in the input's format."""

from __future__ import annotations

from pathlib import Path

from gdprep.policies import Policy
from gdprep.records import Record, RecordReader, RecordWriter, detect_format, set_text


def run_deanonymize(input_path: Path, output_path: Path, policy: Policy, *, reason: str,
                    key_file: Path | None = None, vault_path: Path | None = None,
                    fmt: str | None = None) -> tuple[int, int]:
    """Returns (records written, tokens restored). `reason` is required so the act is accountable;
    the audit ledger (issue 4) records it with the actor."""
    from gdprep.errors import UsageError
    from gdprep.privacy.keys import KeyRing
    from gdprep.privacy.operators import RedactionContext, deanonymize
    from gdprep.privacy.vault import Vault

    if not reason.strip():
        raise UsageError("--reason must say why re-identification is needed")
    if input_path.resolve() == output_path.resolve():
        raise UsageError(f"output {output_path} is the input file; write to a different path")
    keyring = KeyRing.open(key_file=key_file)
    vault = Vault.open(vault_path or Vault.default_path(), keyring)
    ctx = RedactionContext(keyring=keyring, vault=vault)
    # redact's output may have emptied a field or grown it with tokens: neither is bad input here
    reader = RecordReader(input_path, policy.fields, fmt=fmt, max_chars=10 * policy.max_text_chars,
                          require_text=False)
    n_records = n_tokens = 0
    out_format = detect_format(output_path, None) if output_path.suffix else reader.format
    same = out_format == reader.format
    with RecordWriter(output_path, out_format, policy.fields.messages_field,
                      columns=reader.columns if same else None, schema=reader.schema if same else None) as writer:
        for batch in reader.batches():
            rows = []
            for rec in batch:
                assert isinstance(rec, Record), "the reader fails fast on bad records here"
                data = dict(rec.data)
                for name, text in rec.texts:
                    restored, count = deanonymize(text, ctx)
                    if count:  # an untouched value keeps its type (an integer stays an integer)
                        n_tokens += count
                        set_text(data, name, restored)
                rows.append(data)
            writer.write(rows)
            n_records += len(rows)
    return n_records, n_tokens
