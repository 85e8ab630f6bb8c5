"""The word-by-word counting must give exactly scikit-learn's own char_wb features."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.components.char_grams import WordwiseCharVectorizer
from bot.components.learned_risk import load_corpus

ROOT = Path(__file__).resolve().parents[3]

ODD_TEXTS = [
    "",
    "a",
    "I  I\tI\nI",
    "Mamografía  con   calcificaciones\t\tBIOPSIA",
    "no sé qué hacer... ¿es cáncer? ¡¡ayuda!!",
    "😟😟 scared 😟",
    "x y z xy yz xyz",
    "ＦＵＬＬ width and naïve café",
    "the the the the the",
    " leading and trailing  ",
]


def assert_same_features(settings: Dict[str, Any], fit: List[str], transform: List[str]) -> None:
    theirs, ours = TfidfVectorizer(**settings), WordwiseCharVectorizer(**settings)
    theirs_fitted, ours_fitted = theirs.fit_transform(fit), ours.fit_transform(fit)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert np.array_equal(ours.idf_, theirs.idf_)
    for mine, reference in ((ours_fitted, theirs_fitted),
                            (ours.transform(transform), theirs.transform(transform))):
        assert mine.shape == reference.shape
        assert np.array_equal(mine.indptr, reference.indptr)
        assert np.array_equal(mine.indices, reference.indices)
        assert np.array_equal(mine.data, reference.data)


@pytest.mark.parametrize("settings", [
    {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True},
    {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True,
     "strip_accents": "unicode", "min_df": 2},
    {"analyzer": "char_wb", "ngram_range": (1, 3), "lowercase": False},
])
def test_odd_texts_get_scikit_learns_features(settings: Dict[str, Any]) -> None:
    assert_same_features(settings, ODD_TEXTS, ["unseen wørds", "", "calcificaciones BIOPSIA"])


def test_the_writers_corpus_gets_scikit_learns_features() -> None:
    texts = load_corpus(ROOT / "data" / "writers").texts
    assert_same_features(
        {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True,
         "strip_accents": "unicode", "min_df": 5},
        texts[::7], texts[3::50],
    )


def test_other_analyzers_are_refused() -> None:
    with pytest.raises(ValueError, match="char_wb"):
        WordwiseCharVectorizer(analyzer="word").fit(["some words"])
