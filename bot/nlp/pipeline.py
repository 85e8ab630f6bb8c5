"""Builds the project's spaCy pipelines from code, since no pretrained package installs here.

Blank English (or Spanish), spaCy's rule-based sentencizer, lookup lemmas from
spacy-lookups-data, and an EntityRuler holding the article's vocabulary with lay synonyms and
misspellings. Run as a module to write one to disk:
`python -m bot.nlp.pipeline build/spacy/en_calcifications [en|es]`.

The Spanish pipeline reads text folded to lower case without accents (`vocabulary.fold`), as
patients type on a phone. Its lemma table keeps only the forms of lemmas that the Spanish
training data and vocabulary use: the full table holds 490,000 forms and adds about 150 MB to
every server process, while a form whose lemma the classifier never saw adds nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

import spacy
import yaml
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import EntityRuler, Lemmatizer
from spacy.util import load_language_data, registry

from bot.contract import ENGLISH, SPANISH
from bot.nlp.vocabulary import concepts, fold

DEFAULT_OUTPUT = Path("build/spacy/en_calcifications")
SPANISH_TRAINING_DIR = Path(__file__).parents[2] / "data" / "nlu" / "es"


def build_pipeline(language: str = ENGLISH) -> Language:
    """A fresh pipeline: tokenizer, sentencizer, lookup lemmatizer, entity ruler."""
    nlp = spacy.blank(language)
    # Sentences bound the scope of context rules and let long messages be read question by question.
    nlp.add_pipe("sentencizer")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe(
        "entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True}
    )
    if not isinstance(ruler, EntityRuler) or not isinstance(lemmatizer, Lemmatizer):
        raise TypeError("spaCy's factories made no EntityRuler or Lemmatizer")
    nlp.initialize()
    if language == SPANISH:
        lemmatizer.lookups = _folded_lemmas(_spanish_words(nlp))
    ruler.add_patterns(
        [
            {"label": concept.label, "pattern": phrase, "id": concept.id}
            for concept in concepts(language)
            for phrase in concept.phrases
        ]
    )
    nlp.meta["name"] = "calcifications"
    nlp.meta["description"] = f"Blank {language}, lookup lemmas, breast-calcification vocabulary"
    return nlp


def _spanish_words(nlp: Language) -> set[str]:
    """Every folded word of the Spanish training examples and vocabulary."""
    texts = [phrase for concept in concepts(SPANISH) for phrase in concept.phrases]
    for path in sorted(SPANISH_TRAINING_DIR.glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            texts += [line[2:] for line in entry["examples"].splitlines() if line.strip()]
    return {token.text for text in texts for token in nlp.tokenizer(fold(text))}


def _folded_lemmas(words: Iterable[str]) -> Lookups:
    """spacy-lookups-data's Spanish lemma table cut down to the lemmas of `words`, with forms
    and lemmas folded."""
    full = load_language_data(registry.lookups.get(SPANISH)["lemma_lookup"])
    if not isinstance(full, dict):
        raise TypeError("spacy-lookups-data's Spanish lemma table is not a mapping")
    folded: dict[str, str] = {}
    for form, lemma in full.items():
        folded.setdefault(fold(form), fold(lemma))
    wanted = {folded.get(word, word) for word in words}
    lookups = Lookups()
    lookups.add_table(
        "lemma_lookup", {form: lemma for form, lemma in folded.items() if lemma in wanted}
    )
    return lookups


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    language = argv[2] if len(argv) > 2 else ENGLISH
    output.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline(language).to_disk(output)
    print(f"spaCy pipeline ({language}) written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
