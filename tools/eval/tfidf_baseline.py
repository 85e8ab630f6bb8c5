"""Baseline (a): the label of the nearest training example by TF-IDF cosine similarity.

The simplest thing a FAQ bot could do with the same training data; the assistant has to beat it
to justify its pipeline. Scikit-learn defaults (lower-cased word unigrams), no tuning.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.eval.metrics import NONE


def nearest_labels(
    train_texts: Sequence[str], train_labels: Sequence[str], test_texts: Sequence[str]
) -> list[str]:
    """For each test text, the label of the most similar training text.

    A text sharing no word with any training example has no nearest neighbour: NONE, which is
    scored as wrong rather than as an arbitrary first label.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import linear_kernel

    if len(train_texts) != len(train_labels) or not train_texts:
        raise ValueError("need as many labels as training texts, and at least one")
    vectorizer = TfidfVectorizer()
    train = vectorizer.fit_transform(train_texts)
    if not test_texts:
        return []
    # Rows are L2-normalised, so the dot product is the cosine similarity.
    similarity = linear_kernel(vectorizer.transform(test_texts), train)
    best = similarity.argmax(axis=1)
    return [
        train_labels[int(index)] if similarity[row, index] > 0 else NONE
        for row, index in enumerate(best)
    ]
