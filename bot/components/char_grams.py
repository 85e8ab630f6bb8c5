"""Word-boundary character n-grams (scikit-learn's `char_wb`), counted once per distinct word.

`char_wb` takes each whitespace-separated word on its own, so a message's n-gram counts are
the sum, over its words, of each word's n-grams times how often the word occurs. scikit-learn
slices and looks up every n-gram of every word of every message in Python: 16 million of them
over the writers' corpus, most of a learned risk model's training time, which is a benchmark
target. Here a message is a row of word counts, each distinct word a row of n-gram counts, and
the messages' n-gram counts their product, one sparse matrix multiplication. The n-grams, the
counts and all that scikit-learn does after counting (sorted columns, min_df, idf, norms) are
exactly its own; tests/bot/components/test_char_grams.py compares the two. It replaces one
private method of scikit-learn 1.1 (`_count_vocab`, pinned in requirements.lock), so that test
is what tells whether a newer scikit-learn still fits.
"""

from __future__ import annotations

from typing import Dict, Iterable, Tuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


class WordwiseCharVectorizer(TfidfVectorizer):
    """A TfidfVectorizer with analyzer "char_wb" whose counting goes word by word (its
    settings stay scikit-learn's own, so that pipelines can clone and inspect it)."""

    def _count_vocab(self, raw_documents: Iterable[str],
                     fixed_vocab: bool) -> Tuple[Dict[str, int], sp.csr_matrix]:
        if self.analyzer != "char_wb":
            raise ValueError(f"{type(self).__name__} counts char_wb n-grams, not {self.analyzer!r}")
        preprocess = self.build_preprocessor()
        words: Dict[str, int] = {}
        rows, columns = [], []
        documents = 0
        for row, document in enumerate(raw_documents):
            for word in preprocess(self.decode(document)).split():
                rows.append(row)
                columns.append(words.setdefault(word, len(words)))
            documents = row + 1
        word_counts = sp.csr_matrix(
            (np.ones(len(rows), np.int64), (rows, columns)), shape=(documents, len(words))
        )
        vocabulary: Dict[str, int] = self.vocabulary_ if fixed_vocab else {}
        word_rows, gram_columns = [], []
        for word, row in words.items():
            for gram in self._char_wb_ngrams(word):
                column = (vocabulary.get(gram) if fixed_vocab
                          else vocabulary.setdefault(gram, len(vocabulary)))
                if column is not None:
                    word_rows.append(row)
                    gram_columns.append(column)
        if not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        gram_counts = sp.csr_matrix(
            (np.ones(len(word_rows), np.int64), (word_rows, gram_columns)),
            shape=(len(words), len(vocabulary)),
        )
        counts = (word_counts @ gram_counts).tocsr().astype(self.dtype)
        counts.eliminate_zeros()
        counts.sort_indices()
        return vocabulary, counts
