"""Builds the project's spaCy pipeline from code, since no pretrained English package installs here.

Blank English, spaCy's rule-based sentencizer, lookup lemmas from spacy-lookups-data, and an
EntityRuler holding the article's vocabulary with lay synonyms and misspellings. Run as a
module to write it to disk: `python -m bot.nlp.pipeline build/spacy/en_calcifications`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRuler

from bot.nlp.vocabulary import concepts

DEFAULT_OUTPUT = Path("build/spacy/en_calcifications")


def build_pipeline() -> Language:
    """A fresh pipeline: tokenizer, sentencizer, lookup lemmatizer, entity ruler."""
    nlp = spacy.blank("en")
    # Sentences bound the scope of context rules and let long messages be read question by question.
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe(
        "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
    )
    if not isinstance(ruler, EntityRuler):
        raise TypeError("spaCy's entity_ruler factory made no EntityRuler")
    nlp.initialize()
    ruler.add_patterns(
        [
            {"label": concept.label, "pattern": phrase, "id": concept.id}
            for concept in concepts()
            for phrase in concept.phrases
        ]
    )
    nlp.meta["name"] = "calcifications"
    nlp.meta["description"] = "Blank English, lookup lemmas, breast-calcification vocabulary"
    return nlp


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(output)
    print(f"spaCy pipeline written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
