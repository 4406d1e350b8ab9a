"""Audit stage: the tamper-evident lineage ledger (issue 4)."""
