"""Scores one message with a fitted TF-IDF + logistic-regression pipeline in about 0.1 ms, and
keeps the model in a plain numpy file.

scikit-learn's transform and predict_proba cost a few milliseconds a call in input checks
and sparse-matrix set-up, which is most of the classifier's time when messages come one at a
time. The arithmetic is small: look up each n-gram's column, weight it, normalise, and take
a dot product with the coefficients. This does exactly that, and is checked against
scikit-learn's own probabilities when it is built.

The model is stored as arrays (`np.savez`, loaded without pickle) rather than as the pickled
pipeline: loading scikit-learn's vocabulary dicts left about 10 MB of freed but fragmented
heap in each server process, and a pickle runs code when it is loaded. The n-grams are looked
up by hash in sorted numpy arrays instead of a dict, which stay shared between the forked
server workers where a dict's pages would be copied into each one.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

# Only these settings shape the n-grams a vectorizer reads from a text.
ANALYZER_SETTINGS = ("input", "encoding", "decode_error", "strip_accents", "lowercase",
                     "token_pattern", "ngram_range", "analyzer")
# Settings that would call code the stored file cannot carry.
UNSUPPORTED_SETTINGS = ("preprocessor", "tokenizer", "stop_words")
# Ends each n-gram in the stored text; no n-gram of a vocabulary may contain it.
SEPARATOR = "\x00"
# How many texts the build compares with scikit-learn: enough to catch a wrong copy, few
# enough not to slow training.
CHECKED_TEXTS = 200
FORMAT = 1
# How far its probabilities may be from scikit-learn's (its weights are single precision).
TOLERANCE = 1e-6


class CompilationError(ValueError):
    """The pipeline is not of the shape this scorer reproduces exactly."""


class GramIndex:
    """The columns of a vocabulary's n-grams, looked up by hash (Python's string hash, fixed
    for the life of the process and of the workers forked from it)."""

    def __init__(self, grams: str, count: int) -> None:
        hashes = np.empty(count, np.int64)
        start = 0
        for column in range(count):
            end = grams.index(SEPARATOR, start)
            hashes[column] = hash(grams[start:end])
            start = end + 1
        order = np.argsort(hashes)
        # int32 columns: half the memory of argsort's int64, and no vocabulary comes near 2**31.
        self._hashes, self._columns = hashes[order], order.astype(np.int32)
        if count and np.any(self._hashes[1:] == self._hashes[:-1]):
            raise CompilationError("two n-grams of the vocabulary share a hash")

    def find(self, grams: List[str]) -> Tuple[np.ndarray, np.ndarray]:
        """The positions in `grams` of those in the vocabulary, and their columns."""
        hashes = np.fromiter((hash(gram) for gram in grams), np.int64, len(grams))
        if not len(self._hashes):
            return np.zeros(0, int), np.zeros(0, int)
        places = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
        known = np.flatnonzero(self._hashes[places] == hashes)
        return known, self._columns[places[known]]


@dataclass
class Part:
    """One vectorizer of the feature union: how it reads a text and its n-grams' weights.

    `grams` (the vocabulary as text) is needed only to save the part: a loaded part keeps
    just the hash index built from it (about 1.5 MB less per server over the three models).
    """

    settings: Dict[str, Any]
    grams: str | None
    idf: np.ndarray
    sublinear: bool

    def __post_init__(self) -> None:
        # Single precision, as the weights: an idf needs no more than seven digits.
        self.idf = np.asarray(self.idf, np.float32)
        self.analyzer: Callable[[str], List[str]] = CountVectorizer(
            **{**self.settings, "ngram_range": tuple(self.settings["ngram_range"])}
        ).build_analyzer()
        self.index = GramIndex(self.grams or "", len(self.idf))

    @classmethod
    def loaded(cls, settings: Dict[str, Any], grams: str, idf: np.ndarray,
               sublinear: bool) -> Part:
        part = cls(settings, grams, idf, sublinear)
        part.grams = None
        return part

    @classmethod
    def from_vectorizer(cls, vectorizer: TfidfVectorizer) -> Part:
        if vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise CompilationError("needs l2-normalised TF-IDF features")
        settings = vectorizer.get_params()
        if any(settings[name] is not None for name in UNSUPPORTED_SETTINGS):
            raise CompilationError(f"cannot store any of {UNSUPPORTED_SETTINGS}")
        by_column = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        if any(SEPARATOR in gram for gram in by_column):
            raise CompilationError("an n-gram contains the separator")
        return cls({name: settings[name] for name in ANALYZER_SETTINGS},
                   "".join(gram + SEPARATOR for gram in by_column),
                   vectorizer.idf_, bool(vectorizer.sublinear_tf))


class CompiledTextModel:
    def __init__(self, classes: List[str], parts: List[Part], weights: np.ndarray,
                 bias: np.ndarray) -> None:
        if len(classes) < 3:
            raise CompilationError("needs a multinomial model over three or more classes")
        columns = sum(len(part.idf) for part in parts)
        if weights.shape != (columns, len(classes)):
            raise CompilationError(f"weights of shape {weights.shape} do not fit {columns} "
                                   f"n-grams and {len(classes)} classes")
        self.classes = classes
        self._parts = parts
        self._offsets = np.cumsum([0] + [len(part.idf) for part in parts])[:-1]
        # Single precision: half the memory of the largest array, and probabilities within
        # 1e-6 of scikit-learn's double-precision ones, far below any threshold's margin.
        self._weights = np.ascontiguousarray(weights, dtype=np.float32)
        self._bias = np.asarray(bias, float)

    @classmethod
    def fit(cls, pipeline: Pipeline, texts: List[str], labels: List[str]) -> CompiledTextModel:
        """Fits the pipeline and compiles it, checked against scikit-learn's own scores.

        BLAS runs on one thread: lbfgs's vector steps are too small to share, and two BLAS
        threads spinning for the machine's two cores made the fit about half as slow again."""
        with threadpool_limits(limits=1):
            pipeline.fit(texts, labels)
        compiled = cls.from_pipeline(pipeline)
        compiled.check_against(pipeline, texts)
        return compiled

    @classmethod
    def from_pipeline(cls, pipeline: Pipeline) -> CompiledTextModel:
        classifier = pipeline.named_steps["classifier"]
        parts = [Part.from_vectorizer(vectorizer)
                 for _, vectorizer in pipeline.named_steps["features"].transformer_list]
        return cls([str(name) for name in classifier.classes_], parts, classifier.coef_.T,
                   classifier.intercept_)

    def probabilities(self, text: str) -> np.ndarray:
        """Class probabilities in the order of `classes`, as predict_proba gives them."""
        scores = self._bias.copy()
        for part, offset in zip(self._parts, self._offsets, strict=True):
            counts = Counter(part.analyzer(text))
            known, columns = part.index.find(list(counts))
            if not len(known):
                continue
            values = np.fromiter(counts.values(), float, len(counts))[known]
            if part.sublinear:
                values = 1.0 + np.log(values)
            values *= part.idf[columns]
            values /= np.linalg.norm(values)
            scores += values @ self._weights[offset + columns]
        scores -= scores.max()
        exponentials = np.exp(scores)
        return exponentials / exponentials.sum()

    def check_against(self, pipeline: Pipeline, texts: List[str]) -> None:
        """Raises unless this scorer reproduces the pipeline's probabilities on texts spread
        over the list."""
        sample = texts[:: max(1, len(texts) // CHECKED_TEXTS)]
        expected = pipeline.predict_proba(sample)
        actual = np.vstack([self.probabilities(text) for text in sample])
        if not np.allclose(actual, expected, rtol=0, atol=TOLERANCE):
            raise CompilationError("compiled scores differ from scikit-learn's")

    def save(self, path: Path) -> None:
        if any(part.grams is None for part in self._parts):
            raise CompilationError("a loaded model keeps no vocabulary text to save")
        meta = {"format": FORMAT, "parts": [{"settings": part.settings,
                                              "sublinear": part.sublinear}
                                             for part in self._parts]}
        arrays = {"meta": np.array(json.dumps(meta)), "classes": np.array(self.classes),
                  "weights": self._weights, "bias": self._bias}
        for number, part in enumerate(self._parts):
            arrays[f"grams{number}"] = np.frombuffer(str(part.grams).encode("utf-8"), np.uint8)
            arrays[f"idf{number}"] = part.idf
        with path.open("wb") as file:
            np.savez(file, **arrays)

    @classmethod
    def load(cls, path: Path) -> CompiledTextModel:
        try:
            with np.load(path, allow_pickle=False) as stored:
                meta = json.loads(str(stored["meta"]))
                if meta.get("format") != FORMAT:
                    raise CompilationError(f"{path}: stored in format {meta.get('format')}, "
                                           f"this code reads format {FORMAT}; train again")
                parts = [Part.loaded(entry["settings"],
                                     stored[f"grams{number}"].tobytes().decode("utf-8"),
                                     stored[f"idf{number}"], entry["sublinear"])
                         for number, entry in enumerate(meta["parts"])]
                return cls([str(name) for name in stored["classes"]], parts, stored["weights"],
                           stored["bias"])
        except CompilationError:
            raise
        except (KeyError, TypeError, ValueError, EOFError, zipfile.BadZipFile) as error:
            # A missing array or setting, a cut-off file, or one that is not arrays at all.
            raise CompilationError(f"{path}: not a stored text model ({error!r})") from error
