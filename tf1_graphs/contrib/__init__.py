"""`tf.contrib`, rebuilt: the parts TF 1.x programs about recurrent networks use.

TensorFlow 2 removed `tf.contrib`.  The modules here re-implement, with TF 1.15's names,
defaults, variable names and semantics: all of `rnn` (every cell, wrapper and run TF 1.15
exported there; the cells in `rnn_cell`, `more_rnn_cells`, `grid_rnn_cell`, `conv_lstm`,
`core_rnn_cell`, `lstm_ops`, `gru_ops`, `fused_rnn_cell`, on the shared `_cell_parts`), all of
`legacy_seq2seq`, all of `seq2seq` (attention, decoders, helpers, beam search), all of `crf`,
`cudnn_rnn`'s CPU cells, the `layers` functions with their initializers, regularizers,
embedding lookups and `optimize_loss`, `framework` (arg scopes, variables, global step, nest),
`learn.preprocessing`'s processors and `learn.ModeKeys`, `training.HParams`, and the `data`
names that moved to `tf.data.experimental`.  Anything else, in this package or in one
of its modules, is refused by name, so a pasted program fails on the line that needs it, not
somewhere later.
"""
from tf1_graphs import _runtime  # noqa: F401  (graph mode before any contrib module touches TensorFlow)
from tf1_graphs.contrib import _cell_copy  # noqa: F401  (deep copies of built cells, for legacy_seq2seq)
from tf1_graphs.contrib import _cell_kinship  # noqa: F401  (MultiRNNCell weights across both cell families)
from tf1_graphs.contrib import crf, cudnn_rnn, data, framework, layers, learn, legacy_seq2seq, rnn, seq2seq, training
from tf1_graphs.refusals import ContribNotProvided, missing_attribute  # noqa: F401  (ContribNotProvided: for callers)

PROVIDED = ("crf", "cudnn_rnn", "data", "framework", "layers", "learn", "legacy_seq2seq", "rnn", "seq2seq", "training")


def __getattr__(name):
    raise missing_attribute("tf.contrib", name, why=(
        " (tf.contrib was removed in TensorFlow 2; "
        f"re-implemented here: {', '.join('tf.contrib.' + p for p in PROVIDED)})"))
