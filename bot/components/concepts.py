"""Turns the spaCy EntityRuler's matches into Rasa entities with normalised values."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.tokens import Doc

# The name Rasa's extractors record on their entities: this module's component class name.
EXTRACTOR = "ConceptExtractor"


def concept_entities(doc: Doc | None) -> List[Dict[str, Any]]:
    """The concepts the pipeline's EntityRuler found, as Rasa entities."""
    return [
        {
            "entity": ent.label_,
            "value": ent.ent_id_,
            "start": ent.start_char,
            "end": ent.end_char,
            "confidence_entity": 1.0,
            "extractor": EXTRACTOR,
        }
        for ent in (doc.ents if doc is not None else ())
    ]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class ConceptExtractor(GraphComponent, EntityExtractorMixin):
    """Entities carry the concept id ("biospy" gives procedure=biopsy), not the typed words."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ConceptExtractor:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = concept_entities(message.get(SPACY_DOCS[TEXT]))
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
