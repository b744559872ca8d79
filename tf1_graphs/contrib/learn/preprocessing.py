"""`tf.contrib.learn.preprocessing`: TF 1.15's `VocabularyProcessor`, `ByteProcessor`, `CategoricalProcessor`.

Documents are split by `tokenizer` (runs of letters, digits, `_`, `'` and `-`; an all-capitals
run or a capitalised word before another capital splits off). Id 0 is `<UNK>`, and also the
padding: `transform` yields one int64 vector of `max_document_length` per document,
truncated or padded with 0. Without `min_frequency`, ids follow first appearance; with it,
words seen `min_frequency` times or fewer are dropped and the rest renumbered from 1 by
falling count, ties alphabetically. `save`/`restore` pickle the whole processor (a pickle
written by TF 1.15 names TF's classes and does not load here). `ByteProcessor` maps
documents to their UTF-8 bytes instead; `CategoricalProcessor` maps rows of categories to
ids, a vocabulary per column.
"""
import collections
import math
import pickle
import re
import sys

import numpy as np
import tensorflow as _tf


TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)


def tokenizer(iterator):
    """Each document's list of tokens."""
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class CategoricalVocabulary:
    """Category -> id, `unknown_token` at 0; grows until frozen, then maps the unseen to 0."""

    def __init__(self, unknown_token="<UNK>", support_reverse=True):
        self._unknown_token = unknown_token
        self._mapping = {unknown_token: 0}
        self._support_reverse = support_reverse
        if support_reverse:
            self._reverse_mapping = [unknown_token]
        self._freq = collections.defaultdict(int)
        self._freeze = False

    def __len__(self):
        return len(self._mapping)

    def freeze(self, freeze=True):
        self._freeze = freeze

    def get(self, category):
        if category not in self._mapping:
            if self._freeze:
                return 0
            self._mapping[category] = len(self._mapping)
            if self._support_reverse:
                self._reverse_mapping.append(category)
        return self._mapping[category]

    def add(self, category, count=1):
        category_id = self.get(category)
        if category_id <= 0:
            return
        self._freq[category] += count

    def trim(self, min_frequency, max_frequency=-1):
        """Keep categories seen more than `min_frequency` (and fewer than `max_frequency` if > 0)
        times, renumbered by falling count, ties alphabetically."""
        by_count = sorted(sorted(self._freq.items(), key=lambda x: (isinstance(x[0], str), x[0])),
                          key=lambda x: x[1], reverse=True)
        self._mapping = {self._unknown_token: 0}
        if self._support_reverse:
            self._reverse_mapping = [self._unknown_token]
        kept = []
        for category, count in by_count:
            if max_frequency > 0 and count >= max_frequency:
                continue
            if count <= min_frequency:
                break
            self._mapping[category] = len(kept) + 1
            kept.append((category, count))
            if self._support_reverse:
                self._reverse_mapping.append(category)
        self._freq = dict(kept)

    def reverse(self, class_id):
        if not self._support_reverse:
            raise ValueError("This vocabulary wasn't initialized with support_reverse to support reverse() function.")
        return self._reverse_mapping[class_id]


class VocabularyProcessor:
    """Maps documents to fixed-length id vectors (see the module docstring)."""

    def __init__(self, max_document_length, min_frequency=0, vocabulary=None, tokenizer_fn=None):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn if tokenizer_fn else tokenizer

    def fit(self, raw_documents, unused_y=None):
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        """`fit`, then `transform` (a generator): pass a list, not a one-pass iterator."""
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yields, per document, int64 ids of its first `max_document_length` tokens, 0-padded."""

        for tokens in self._tokenizer(raw_documents):
            word_ids = np.zeros(self.max_document_length, np.int64)
            for idx, token in enumerate(tokens):
                if idx >= self.max_document_length:
                    break
                word_ids[idx] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents):
        """Yields each id vector as words joined by spaces (padding comes back as `<UNK>`)."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename):
        with _tf.io.gfile.GFile(filename, "wb") as f:
            f.write(pickle.dumps(self))

    @classmethod
    def restore(cls, filename):
        with _tf.io.gfile.GFile(filename, "rb") as f:
            return pickle.loads(f.read())

class ByteProcessor:
    """Maps documents to their first `max_document_length` UTF-8 bytes (uint8), 0-padded."""

    def __init__(self, max_document_length):
        self.max_document_length = max_document_length

    def fit(self, x):
        """Nothing to learn."""

    def fit_transform(self, x):
        return self.transform(x)

    def transform(self, x):
        """Yields one uint8 vector of `max_document_length` per document (str or bytes)."""
        for document in x:
            if isinstance(document, str):
                document = document.encode("utf-8")
            head = np.frombuffer(memoryview(document)[:self.max_document_length], dtype=np.uint8)
            yield np.pad(head, (0, self.max_document_length - len(head)), "constant")

    def reverse(self, x):
        """Yields each byte vector as text, trailing zeros dropped ('' if not valid UTF-8)."""
        for data in x:
            document = np.trim_zeros(np.asarray(data).astype(np.int8), trim="b").tobytes()
            try:
                yield document.decode("utf-8")
            except UnicodeDecodeError:
                yield ""


def setup_processor_data_feeder(x):
    """A pandas DataFrame's matrix of values; anything else unchanged (rows to iterate over)."""
    if type(x).__name__ == "DataFrame" and type(x).__module__.startswith("pandas"):
        return x.values
    return x


class CategoricalProcessor:
    """Maps each column of rows of categories to ids, one `CategoricalVocabulary` per column (one
    for all with `share`); NaN is unknown (id 0)."""

    def __init__(self, min_frequency=0, share=False, vocabularies=None):
        self.min_frequency = min_frequency
        self.share = share
        self.vocabularies_ = vocabularies

    def freeze(self, freeze=True):
        for vocab in self.vocabularies_:
            vocab.freeze(freeze)

    def fit(self, x, unused_y=None):
        for row in setup_processor_data_feeder(x):
            if self.vocabularies_ is None:
                shared = CategoricalVocabulary()
                self.vocabularies_ = [shared if self.share else CategoricalVocabulary() for _ in row]
            for idx, value in enumerate(row):
                if not _is_nan(value):
                    self.vocabularies_[idx].add(value)
        if self.min_frequency > 0:
            for vocab in self.vocabularies_:
                vocab.trim(self.min_frequency)
        self.freeze()
        return self

    def fit_transform(self, x, unused_y=None):
        self.fit(x)
        return self.transform(x)

    def transform(self, x):
        """Yields one int64 id vector per row (the vocabularies frozen first)."""
        self.freeze()
        for row in setup_processor_data_feeder(x):
            yield np.array([0 if _is_nan(value) else self.vocabularies_[idx].get(value)
                            for idx, value in enumerate(row)], dtype=np.int64)


def _is_nan(value):
    return isinstance(value, float) and math.isnan(value)


# TF 1.15 spread these names over the submodules `text`, `categorical` and
# `categorical_vocabulary`; each of those names reaches them all here.
text = categorical = categorical_vocabulary = sys.modules[__name__]

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
