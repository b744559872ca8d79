"""recipes.cells: both `--cell` kinds create the posts' variables (names, shapes), so claims and checkpoints hold for both."""
import pytest

from recipes.cells import CELL_KINDS, lstm_cell
from recipes.tftools import variable_shapes
from tf1_graphs import tf

BATCH, TIME, DEPTH, UNITS = 3, 6, 4, 5


@pytest.mark.parametrize("kind", CELL_KINDS)
def test_every_cell_kind_creates_the_posts_variables(graph, kind):
    tf.nn.dynamic_rnn(lstm_cell(kind, UNITS), tf.zeros([BATCH, TIME, DEPTH]), dtype=tf.float32)
    assert variable_shapes(tf.trainable_variables()) == {
        "rnn/basic_lstm_cell/kernel": [DEPTH + UNITS, 4 * UNITS], "rnn/basic_lstm_cell/bias": [4 * UNITS]}
