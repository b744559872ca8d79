"""The same LSTM, Dense and embedding weights in TF 1.x's layout and in Keras 3's, both ways.

Pure NumPy (no TensorFlow import), so both sides of the parity use the one mapping: the TF 1.x
process writes its variables, the Keras 3 process maps them in and back out.

An LSTM is where the layouts differ:

    TF 1.x BasicLSTMCell                         Keras 3 LSTM
    kernel [in + H, 4H]: rows x, then h    ->    kernel [in, 4H] (the x rows)
                                                 recurrent_kernel [H, 4H] (the h rows)
    column blocks i, j, f, o               ->    column blocks i, f, c, o (c is TF 1.x's j)
    bias [4H], forget_bias added at run    ->    bias [4H] with forget_bias folded into f
    state LSTMStateTuple(c, h)             ->    states [h, c]

The fold is the one lossy step: Keras stores float(b_f + forget_bias), so mapping back gives
b_f to within a unit in the last place of b_f + forget_bias (exact when b_f = 0, as at
initialisation).  Every other weight is only sliced and reordered, so it comes back bit for bit.
"""
import numpy as np

TF1_LSTM_GATES = ("i", "j", "f", "o")   # input, candidate, forget, output
KERAS_LSTM_GATES = ("i", "f", "c", "o")  # input, forget, candidate, output
# Swapping the 2nd and 3rd column blocks turns either order into the other (it is its own inverse).
_SWAP_F_AND_CANDIDATE = (0, 2, 1, 3)
_KERAS_FORGET_BLOCK = KERAS_LSTM_GATES.index("f")
_TF1_FORGET_BLOCK = TF1_LSTM_GATES.index("f")

MAPPING_TABLE = [
    # (TF 1.x variable, Keras 3 weight, how)
    ("basic_lstm_cell/kernel [in + H, 4H], rows 0..in-1", "lstm/kernel [in, 4H]",
     "the x rows; column blocks i, j, f, o -> i, f, c, o"),
    ("basic_lstm_cell/kernel [in + H, 4H], rows in..in+H-1", "lstm/recurrent_kernel [H, 4H]",
     "the h rows; same column reorder"),
    ("basic_lstm_cell/bias [4H] + forget_bias (added at run time)", "lstm/bias [4H]",
     "same reorder; forget_bias added to the f block (Keras adds nothing at run time)"),
    ("LSTMStateTuple(c, h)", "states [h, c]", "same arrays, opposite order"),
    ("dense/kernel, fully_connected/weights, the cookbook's W [in, out]", "dense/kernel [in, out]", "as is"),
    ("dense/bias, fully_connected/biases, the cookbook's b [out]", "dense/bias [out]", "as is"),
    ("the cookbook's embedding_mat [V, E]", "embedding/embeddings [V, E]", "as is"),
    ("tf.train.AdamOptimizer(): lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8, applied as float32",
     "keras.optimizers.Adam(): epsilon 1e-7, hyperparameters in the variable's dtype",
     "Adam(**TF1_ADAM): the float32-rounded values and epsilon 1e-8"),
]


# tf.train.AdamOptimizer() as it updates a variable: its Python floats become float32 tensors
# (the beta powers float32 variables) and are then cast to the variable's dtype, so even a
# float64 model steps with float32-rounded hyperparameters.  Keras casts its Python floats
# directly, and its default epsilon is 1e-7.  `keras.optimizers.Adam(**TF1_ADAM)` steps as TF 1.x did.
TF1_ADAM = {name: float(np.float32(value)) for name, value in
            (("learning_rate", 0.001), ("beta_1", 0.9), ("beta_2", 0.999), ("epsilon", 1e-8))}


def _reorder_blocks(array):
    """The last axis's four gate blocks with the 2nd and 3rd swapped (TF 1.x <-> Keras order)."""
    blocks = np.split(np.asarray(array), 4, axis=-1)
    return np.concatenate([blocks[k] for k in _SWAP_F_AND_CANDIDATE], axis=-1)


def _gate_block(bias, block):
    width = bias.shape[-1] // 4
    return slice(block * width, (block + 1) * width)


def lstm_to_keras(kernel, bias, forget_bias=1.0):
    """TF 1.x (kernel [in + H, 4H], bias [4H]) -> Keras [kernel, recurrent_kernel, bias], ready for set_weights."""
    units = np.shape(bias)[-1] // 4
    inputs = np.shape(kernel)[0] - units
    reordered = _reorder_blocks(kernel)
    keras_bias = _reorder_blocks(bias).copy()
    keras_bias[_gate_block(keras_bias, _KERAS_FORGET_BLOCK)] += keras_bias.dtype.type(forget_bias)
    return [reordered[:inputs], reordered[inputs:], keras_bias]


def lstm_to_tf1(kernel, recurrent_kernel, bias, forget_bias=1.0):
    """Keras (kernel [in, 4H], recurrent_kernel [H, 4H], bias [4H]) -> TF 1.x (kernel [in + H, 4H], bias [4H])."""
    tf1_kernel = _reorder_blocks(np.concatenate([kernel, recurrent_kernel], axis=0))
    tf1_bias = _reorder_blocks(bias).copy()
    tf1_bias[_gate_block(tf1_bias, _TF1_FORGET_BLOCK)] -= tf1_bias.dtype.type(forget_bias)
    return tf1_kernel, tf1_bias


def dense_to_keras(kernel, bias):
    """TF 1.x dense / fully_connected / W, b -> Keras Dense [kernel, bias]: the same arrays
    (both compute x @ kernel + bias with the kernel [in, out])."""
    return [np.asarray(kernel), np.asarray(bias)]


def dense_to_tf1(kernel, bias):
    return np.asarray(kernel), np.asarray(bias)


def embedding_to_keras(embedding_mat):
    """TF 1.x's embedding matrix for `embedding_lookup` -> Keras Embedding [embeddings]: the same [V, E] array."""
    return [np.asarray(embedding_mat)]


def embedding_to_tf1(embeddings):
    return np.asarray(embeddings)


def fold_error_bound(bias, forget_bias=1.0):
    """How far a TF 1.x bias may come back from the fold: one unit in the last place of the
    largest |b + forget_bias| (half a unit when adding it, the rest when taking it off again)."""
    bias = np.asarray(bias)
    return float(np.spacing(np.max(np.abs(bias + bias.dtype.type(forget_bias)))))
