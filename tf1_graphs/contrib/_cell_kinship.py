"""A MultiRNNCell lists the weights of its cells whichever of the two legacy cell families made them.

TF 1.15 had one RNNCell class.  Here a TF 1.x program can make cells of two: tf-keras' legacy
cells (`tf.nn.rnn_cell`, and every contrib cell, built on them) and TensorFlow's own
(`tensorflow.python.ops.rnn_cell`, which programs import directly).  Each family's
`MultiRNNCell` gathers `trainable_weights` only from cells of its own Keras, so a stack of
contrib cells in TensorFlow's own MultiRNNCell reported no variables at all (TF 1.15's
rnn_cell_test, testIndyLSTMCell).  Both MultiRNNCells here gather from cells of either family.
"""
from tensorflow.python.keras.engine import base_layer as _tf_own_base
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl as _tf_own_cells
from tf_keras.src.engine import base_layer as _tf_keras_base
from tf_keras.src.layers.rnn import legacy_cells as _tf_keras_cells

_LAYERS = (_tf_keras_base.Layer, _tf_own_base.Layer)


def _gathered(cells, attribute):
    return [weight for cell in cells if isinstance(cell, _LAYERS) for weight in getattr(cell, attribute)]


def _trainable_weights(self):
    return _gathered(self._cells, "trainable_weights") if self.trainable else []


def _non_trainable_weights(self):
    frozen = [] if self.trainable else _gathered(self._cells, "trainable_weights")
    return frozen + _gathered(self._cells, "non_trainable_weights")


for _multi in (_tf_keras_cells.MultiRNNCell, _tf_own_cells.MultiRNNCell):
    _multi.trainable_weights = property(_trainable_weights)
    _multi.non_trainable_weights = property(_non_trainable_weights)
