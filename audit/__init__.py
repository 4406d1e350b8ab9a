"""Audit stage: the tamper-evident lineage ledger, its verification and exports, and erasure impact."""
