"""The explicit recognizer registry: name -> class. Nothing is discovered by import side effects."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, RecognizerRegistry

from gdprep.privacy.entities import ENTITY_TYPES
from gdprep.privacy.recognizers.address import ADDRESS_RECOGNIZERS
from gdprep.privacy.recognizers.banking import BANKING_RECOGNIZERS
from gdprep.privacy.recognizers.dob import DOB_RECOGNIZERS
from gdprep.privacy.recognizers.documents import DOCUMENT_RECOGNIZERS
from gdprep.privacy.recognizers.eu_ids import EU_ID_RECOGNIZERS
from gdprep.privacy.recognizers.gazetteer import GAZETTEER_RECOGNIZERS
from gdprep.privacy.recognizers.ids_baltic import BALTIC_RECOGNIZERS
from gdprep.privacy.recognizers.ids_central import CENTRAL_RECOGNIZERS
from gdprep.privacy.recognizers.ids_nordic import NORDIC_RECOGNIZERS
from gdprep.privacy.recognizers.ids_south import SOUTH_RECOGNIZERS
from gdprep.privacy.recognizers.ids_west import WEST_RECOGNIZERS
from gdprep.privacy.recognizers.network import NETWORK_RECOGNIZERS
from gdprep.privacy.recognizers.organisations import ORGANISATION_RECOGNIZERS
from gdprep.privacy.recognizers.person import PERSON_RECOGNIZERS
from gdprep.privacy.recognizers.phone import PhoneRecognizer
from gdprep.privacy.recognizers.scripts import SCRIPT_RECOGNIZERS
from gdprep.privacy.recognizers.tabular import TABULAR_RECOGNIZERS
from gdprep.privacy.recognizers.uk import UK_RECOGNIZERS

RECOGNIZERS: dict[str, type[EntityRecognizer]] = {}


def register_recognizer(cls: type[EntityRecognizer]) -> type[EntityRecognizer]:
    """Add a recognizer class under its class name; duplicates and unknown entity types are errors."""
    name = cls.__name__
    if name in RECOGNIZERS:
        raise ValueError(f"recognizer {name} is registered twice")
    entity = getattr(cls, "ENTITY", None)
    if entity is not None and entity not in ENTITY_TYPES:
        raise ValueError(f"recognizer {name} reports unknown entity type {entity!r}")
    RECOGNIZERS[name] = cls
    return cls


for _group in (UK_RECOGNIZERS, (PhoneRecognizer,), EU_ID_RECOGNIZERS, NORDIC_RECOGNIZERS, BALTIC_RECOGNIZERS,
               CENTRAL_RECOGNIZERS, SOUTH_RECOGNIZERS, WEST_RECOGNIZERS, DOCUMENT_RECOGNIZERS,
               ORGANISATION_RECOGNIZERS, BANKING_RECOGNIZERS, NETWORK_RECOGNIZERS, ADDRESS_RECOGNIZERS,
               PERSON_RECOGNIZERS, SCRIPT_RECOGNIZERS, GAZETTEER_RECOGNIZERS, DOB_RECOGNIZERS, TABULAR_RECOGNIZERS):
    for _cls in _group:
        register_recognizer(_cls)


def build_recognizers(entity_types: set[str] | None = None) -> list[EntityRecognizer]:
    """Instantiate every registered recognizer (that reports one of `entity_types`, when given)."""
    built = []
    for cls in RECOGNIZERS.values():
        recognizer = cls()  # type: ignore[call-arg]  # registered classes take no arguments
        if entity_types is None or set(recognizer.supported_entities) & entity_types:
            built.append(recognizer)
    return built


class FixedRegistry(RecognizerRegistry):
    """Presidio's registry for a recognizer set that does not change after start-up. Presidio looks the
    recognizers up again for every text (entities x recognizers comparisons, some 3,600 for the shipped
    policies); here each distinct request is answered once and then from memory."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._answers: dict[tuple[str, tuple[str, ...] | None, bool], list[EntityRecognizer]] = {}

    def add_recognizer(self, recognizer: EntityRecognizer) -> None:
        self._answers.clear()
        super().add_recognizer(recognizer)

    def remove_recognizer(self, recognizer_name: str, language: str | None = None) -> None:
        self._answers.clear()
        super().remove_recognizer(recognizer_name, language)

    def get_recognizers(self, language: str, entities: list[str] | None = None, all_fields: bool = False,
                        ad_hoc_recognizers: list[EntityRecognizer] | None = None) -> list[EntityRecognizer]:
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        key = (language, None if entities is None else tuple(entities), all_fields)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = list(super().get_recognizers(language, entities, all_fields))
        return list(answer)
