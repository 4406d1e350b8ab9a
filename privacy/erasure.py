"""The privacy stage's part of an erasure (GDPR Art. 17): the normal forms a subject's identifier may take,
and removing from the pseudonym vault every entry issued for the subject's records or holding the identifier."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from gdprep.privacy.subjects import identifier_candidates, normalise_identifier


def subject_forms(subject: str) -> set[str]:
    """The identifier as typed by a person, in every normal form the subject index may hold it."""
    return identifier_candidates(subject)


def forget_subject(forms: Collection[str], vault_keys: Collection[str], *, key_file: Path | None = None,
                   vault_path: Path | None = None) -> int:
    """Remove from the vault every pseudonym or surrogate issued under `vault_keys` (the subject's records,
    their name too) and any entry of the identifier itself; returns how many entries were removed."""
    from gdprep.privacy.keys import KeyRing
    from gdprep.privacy.vault import Vault

    vault_file = vault_path or Vault.default_path()
    if not vault_file.exists():
        return 0
    vault = Vault.open(vault_file, KeyRing.open(key_file=key_file))
    lookups = set(vault_keys)
    shredded = vault.forget_where(lambda lookup, e: lookup in lookups
                                  or normalise_identifier(e.entity_type, e.original) in forms)
    if shredded:
        vault.save()
    return shredded
