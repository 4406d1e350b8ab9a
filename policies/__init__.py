"""Redaction policies: the pydantic schema, the shipped YAML files, loading and canonical hashing."""

from __future__ import annotations

from gdprep.policies.loader import list_policies, load_policy
from gdprep.policies.schema import (
    OPERATOR_TYPES,
    SCHEMA_VERSION,
    EntityRule,
    FieldSpec,
    OperatorSpec,
    Policy,
    ReviewBand,
    SpecialCategoryRule,
)

__all__ = [
    "OPERATOR_TYPES", "SCHEMA_VERSION", "EntityRule", "FieldSpec", "OperatorSpec", "Policy",
    "ReviewBand", "SpecialCategoryRule", "list_policies", "load_policy",
]
