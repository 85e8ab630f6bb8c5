"""Scores one message with a fitted TF-IDF + logistic-regression pipeline in about 0.1 ms.

scikit-learn's transform and predict_proba cost a few milliseconds a call in input checks
and sparse-matrix set-up, which is most of the classifier's time when messages come one at a
time. The arithmetic is small: look up each n-gram's column, weight it, normalise, and take
a dot product with the coefficients. This does exactly that, and is checked against
scikit-learn's own probabilities when it is built.

The n-gram vocabulary is kept as sorted numpy arrays of the n-grams' hashes and their columns
instead of scikit-learn's dict: a dict of a hundred thousand n-grams costs about 15 MB, and
every forked server worker ends up with its own copy of it as reference counts touch its pages;
the arrays are a tenth of that and stay shared.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Callable, Dict, List, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline


class CompilationError(ValueError):
    """The pipeline is not of the shape this scorer reproduces exactly."""


class GramIndex:
    """The columns of a vocabulary's n-grams, looked up by hash (Python's string hash, fixed
    for the life of the process and of the workers forked from it)."""

    def __init__(self, vocabulary: Dict[str, int]) -> None:
        hashes = np.fromiter((hash(gram) for gram in vocabulary), np.int64, len(vocabulary))
        columns = np.fromiter(vocabulary.values(), np.int64, len(vocabulary))
        order = np.argsort(hashes)
        self._hashes, self._columns = hashes[order], columns[order]
        if len(self._hashes) and np.any(self._hashes[1:] == self._hashes[:-1]):
            raise CompilationError("two n-grams of the vocabulary share a hash")

    def find(self, grams: List[str]) -> Tuple[np.ndarray, np.ndarray]:
        """The positions in `grams` of those in the vocabulary, and their columns."""
        hashes = np.fromiter((hash(gram) for gram in grams), np.int64, len(grams))
        if not len(self._hashes):
            return np.zeros(0, int), np.zeros(0, int)
        places = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
        known = np.flatnonzero(self._hashes[places] == hashes)
        return known, self._columns[places[known]]


def _analyzer(vectorizer: TfidfVectorizer) -> Callable[[str], List[str]]:
    """The vectorizer's analyzer, built on a copy without its vocabulary, so that the
    analyzer does not keep the dict alive."""
    light = copy.copy(vectorizer)
    for name in ("vocabulary_", "stop_words_"):
        light.__dict__.pop(name, None)
    return light.build_analyzer()


class CompiledTextModel:
    def __init__(self, pipeline: Pipeline) -> None:
        union = pipeline.named_steps["features"]
        classifier = pipeline.named_steps["classifier"]
        if len(classifier.classes_) < 3 or classifier.coef_.shape[0] != len(classifier.classes_):
            raise CompilationError("needs a multinomial model over three or more classes")
        self.classes = [str(name) for name in classifier.classes_]
        self._parts = []
        offset = 0
        for _, vectorizer in union.transformer_list:
            if vectorizer.norm != "l2" or not vectorizer.use_idf:
                raise CompilationError("needs l2-normalised TF-IDF features")
            self._parts.append(
                (_analyzer(vectorizer), GramIndex(vectorizer.vocabulary_), vectorizer.idf_,
                 offset, vectorizer.sublinear_tf)
            )
            offset += len(vectorizer.vocabulary_)
        self._weights = np.ascontiguousarray(classifier.coef_.T)
        self._bias = classifier.intercept_.astype(float)

    def probabilities(self, text: str) -> np.ndarray:
        """Class probabilities in the order of `classes`, as predict_proba gives them."""
        scores = self._bias.copy()
        for analyzer, index, idf, offset, sublinear in self._parts:
            counts = Counter(analyzer(text))
            known, columns = index.find(list(counts))
            if not len(known):
                continue
            values = np.fromiter(counts.values(), float, len(counts))[known]
            if sublinear:
                values = 1.0 + np.log(values)
            values *= idf[columns]
            values /= np.linalg.norm(values)
            scores += values @ self._weights[offset + columns]
        scores -= scores.max()
        exponentials = np.exp(scores)
        return exponentials / exponentials.sum()

    def check_against(self, pipeline: Pipeline, texts: list[str]) -> None:
        """Raises unless this scorer reproduces the pipeline's probabilities on these texts."""
        expected = pipeline.predict_proba(texts)
        actual = np.vstack([self.probabilities(text) for text in texts])
        if not np.allclose(actual, expected, atol=1e-9):
            raise CompilationError("compiled scores differ from scikit-learn's")
