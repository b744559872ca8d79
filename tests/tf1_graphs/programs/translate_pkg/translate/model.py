"""A sequence model whose module imports a contrib piece tf1_graphs does not have, and never uses it."""
from tensorflow.contrib.layers import sparse_column_with_hash_bucket  # noqa: F401  (the missing piece)
from tensorflow.contrib.rnn import BasicLSTMCell


def build_cell(units):
    return BasicLSTMCell(units)
