"""The entity types gdprep detects. Their one list lives with the policies (`gdprep.policies.entities`), which
validate against it; the privacy stage reads the same objects through this module."""

from gdprep.policies.entities import ENGINE_LANGUAGE, ENTITY_TYPES, NATIONAL_ID_TYPES

__all__ = ["ENGINE_LANGUAGE", "ENTITY_TYPES", "NATIONAL_ID_TYPES"]
