"""`tf.contrib`, rebuilt: only the pieces the replicated documents use.

TensorFlow 2 removed `tf.contrib`. The modules here re-implement, with TF 1.15's names,
defaults and semantics, what the documents and their sources call. Anything else is
refused by name, so a pasted post fails on the line that needs it, not somewhere later.
"""
from tf1_graphs.contrib import _cell_copy  # noqa: F401  (deep copies of built cells, for legacy_seq2seq)
from tf1_graphs.contrib import data, framework, layers, learn, legacy_seq2seq, rnn, seq2seq, training
from tf1_graphs.contrib._missing import ContribNotProvided

PROVIDED = ("data", "framework", "layers", "learn", "legacy_seq2seq", "rnn", "seq2seq", "training")


def __getattr__(name):
    raise ContribNotProvided(
        f"tf.contrib.{name} is not provided by tf1_graphs (tf.contrib was removed in TensorFlow 2; "
        f"re-implemented here: {', '.join('tf.contrib.' + p for p in PROVIDED)})"
    )
