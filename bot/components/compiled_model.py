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
from dataclasses import InitVar, dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

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
    """The n-grams' hashes (Python's string hash, fixed for the life of the process and of the
    workers forked from it), sorted: a gram's column is its hash's place. The part that owns
    the index keeps its columns in that order, so no array of columns is needed beside it."""

    def __init__(self, sorted_hashes: np.ndarray) -> None:
        if np.any(sorted_hashes[1:] == sorted_hashes[:-1]):
            raise CompilationError("two n-grams of the vocabulary share a hash")
        self._hashes = sorted_hashes

    def find(self, grams: List[str]) -> Tuple[np.ndarray, np.ndarray]:
        """The positions in `grams` of those in the vocabulary, and their columns."""
        hashes = np.fromiter((hash(gram) for gram in grams), np.int64, len(grams))
        if not len(self._hashes):
            return np.zeros(0, int), np.zeros(0, int)
        places = np.minimum(np.searchsorted(self._hashes, hashes), len(self._hashes) - 1)
        known = np.flatnonzero(self._hashes[places] == hashes)
        return known, places[known]


def _each_gram(grams: str) -> Iterator[str]:
    """The n-grams of a vocabulary stored as text, each ended by the separator."""
    start = 0
    while start < len(grams):
        end = grams.index(SEPARATOR, start)
        yield grams[start:end]
        start = end + 1


@dataclass
class Part:
    """One vectorizer of the feature union: how it reads a text, its n-grams' idf and their
    rows of the classifier's weights, all in the order of its hash index.

    `grams` (the vocabulary as text) is needed only to save the part: a loaded part keeps
    just the hash index built from it (about 1.5 MB less per server over the three models).
    """

    settings: Dict[str, Any]
    grams: str | None
    idf: np.ndarray
    weights: np.ndarray
    sublinear: bool
    keep_grams: InitVar[bool] = True

    def __post_init__(self, keep_grams: bool) -> None:
        self.analyzer: Callable[[str], List[str]] = CountVectorizer(
            **{**self.settings, "ngram_range": tuple(self.settings["ngram_range"])}
        ).build_analyzer()
        text = self.grams or ""
        count = text.count(SEPARATOR)
        if count != len(self.idf) or len(self.weights) != len(self.idf):
            raise CompilationError(f"{count} n-grams, {len(self.idf)} idf values and "
                                   f"{len(self.weights)} rows of weights do not fit")
        # One n-gram at a time: a list of them all would leave a server's heap fragmented.
        hashes = np.fromiter((hash(gram) for gram in _each_gram(text)), np.int64, count)
        order = np.argsort(hashes)
        self.index = GramIndex(hashes[order])
        # Single precision: half the memory of the largest array, and probabilities within
        # 1e-6 of scikit-learn's double-precision ones, far below any threshold's margin.
        self.idf = np.asarray(self.idf, np.float32)[order]
        self.weights = np.ascontiguousarray(self.weights[order], dtype=np.float32)
        if keep_grams:
            grams = list(_each_gram(text))
            self.grams = "".join(grams[column] + SEPARATOR for column in order)
        else:
            self.grams = None

    @classmethod
    def from_vectorizer(cls, vectorizer: TfidfVectorizer, weights: np.ndarray) -> Part:
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
                   vectorizer.idf_, weights, bool(vectorizer.sublinear_tf))


def split_rows(weights: np.ndarray, sizes: List[int], classes: int) -> List[np.ndarray]:
    """The classifier's weights (a row per n-gram of all parts, a column per class), cut into
    each part's rows."""
    if weights.shape != (sum(sizes), classes):
        raise CompilationError(f"weights of shape {weights.shape} do not fit {sum(sizes)} "
                               f"n-grams and {classes} classes")
    return np.split(weights, np.cumsum(sizes)[:-1])


class CompiledTextModel:
    def __init__(self, classes: List[str], parts: List[Part], bias: np.ndarray) -> None:
        if len(classes) < 3:
            raise CompilationError("needs a multinomial model over three or more classes")
        if any(part.weights.shape[1:] != (len(classes),) for part in parts):
            raise CompilationError(f"weights do not fit {len(classes)} classes")
        self.classes = classes
        self._parts = parts
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
        vectorizers = [vectorizer for _, vectorizer
                       in pipeline.named_steps["features"].transformer_list]
        classes = [str(name) for name in classifier.classes_]
        rows = split_rows(classifier.coef_.T, [len(v.vocabulary_) for v in vectorizers],
                          len(classes))
        parts = [Part.from_vectorizer(vectorizer, weights)
                 for vectorizer, weights in zip(vectorizers, rows, strict=True)]
        return cls(classes, parts, classifier.intercept_)

    def probabilities(self, text: str) -> np.ndarray:
        """Class probabilities in the order of `classes`, as predict_proba gives them."""
        scores = self._bias.copy()
        for part in self._parts:
            counts = Counter(part.analyzer(text))
            known, columns = part.index.find(list(counts))
            if not len(known):
                continue
            values = np.fromiter(counts.values(), float, len(counts))[known]
            if part.sublinear:
                values = 1.0 + np.log(values)
            values *= part.idf[columns]
            values /= np.linalg.norm(values)
            scores += values @ part.weights[columns]
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
                  "weights": np.concatenate([part.weights for part in self._parts]),
                  "bias": self._bias}
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
                classes = [str(name) for name in stored["classes"]]
                idf = [stored[f"idf{number}"] for number in range(len(meta["parts"]))]
                rows = split_rows(stored["weights"], [len(values) for values in idf],
                                  len(classes))
                parts = [Part(entry["settings"],
                              stored[f"grams{number}"].tobytes().decode("utf-8"),
                              idf[number], rows[number], entry["sublinear"], keep_grams=False)
                         for number, entry in enumerate(meta["parts"])]
                return cls(classes, parts, stored["bias"])
        except CompilationError:
            raise
        except (KeyError, TypeError, ValueError, EOFError, zipfile.BadZipFile) as error:
            # A missing array or setting, a cut-off file, or one that is not arrays at all.
            raise CompilationError(f"{path}: not a stored text model ({error!r})") from error
