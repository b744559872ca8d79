"""`tf.contrib.rnn`: TF 1.15's export list, core names aliased, the rest rebuilt beside it.

What TF 1.15 re-exported from core is aliased from `tf.compat.v1` (the cells, DropoutWrapper,
ResidualWrapper, DeviceWrapper, static_rnn, static_bidirectional_rnn, static_state_saving_rnn)
or from TensorFlow's own rnn module (transpose_batch_time, best_effort_input_batch_size).  The
contrib pieces live in modules named after TF 1.15's: core_rnn_cell (projection and embedding
wrappers), fused_rnn_cell, lstm_ops, gru_ops and rnn_cell; TF 1.15's rnn_cell module is split
in three here (rnn_cell, more_rnn_cells, grid_rnn_cell, plus conv_lstm) and rnn_cell re-exports
the other parts, so it holds every contrib cell as it did.  The parts the cells share are in
_cell_parts.  The stacked bidirectional runs, TF 1.15's contrib/rnn/python/ops/rnn.py, are
written here.  TF 1.15 pruned this namespace to its documented list, so cells its rnn_cell
module had but did not list (LayerNormLSTMCell, MinimalRNNCell, CFNCell, WeightNormLSTMCell)
are reached, as there, through that module: `tf1_graphs.contrib.rnn_cell`.
"""
import tensorflow as _tf
from tensorflow.python.ops.rnn import _best_effort_input_batch_size as best_effort_input_batch_size
from tensorflow.python.ops.rnn import _transpose_batch_time as transpose_batch_time

from tf1_graphs.contrib._cell_parts import LayerRNNCell
from tf1_graphs.contrib.conv_lstm import Conv1DLSTMCell, Conv2DLSTMCell, Conv3DLSTMCell, ConvLSTMCell
from tf1_graphs.contrib.core_rnn_cell import (EmbeddingWrapper, InputProjectionWrapper,
                                              OutputProjectionWrapper)
from tf1_graphs.contrib.fused_rnn_cell import FusedRNNCell, FusedRNNCellAdaptor, TimeReversedFusedRNN
from tf1_graphs.contrib.grid_rnn_cell import BidirectionalGridLSTMCell, GridLSTMCell, TimeFreqLSTMCell
from tf1_graphs.contrib.gru_ops import GRUBlockCell, GRUBlockCellV2
from tf1_graphs.contrib.lstm_ops import LSTMBlockCell, LSTMBlockFusedCell, LSTMBlockWrapper
from tf1_graphs.contrib.more_rnn_cells import (GLSTMCell, IndRNNCell, IndyGRUCell, IndyLSTMCell,
                                               PhasedLSTMCell, SRUCell)
from tf1_graphs.contrib.rnn_cell import (AttentionCellWrapper, CompiledWrapper,
                                         CoupledInputForgetGateLSTMCell, HighwayWrapper,
                                         IntersectionRNNCell, LayerNormBasicLSTMCell, NASCell,
                                         UGRNNCell)

_v1 = _tf.compat.v1
_cells = _v1.nn.rnn_cell

RNNCell = _cells.RNNCell
BasicRNNCell = _cells.BasicRNNCell
BasicLSTMCell = _cells.BasicLSTMCell
GRUCell = _cells.GRUCell
LSTMCell = _cells.LSTMCell
LSTMStateTuple = _cells.LSTMStateTuple
DropoutWrapper = _cells.DropoutWrapper
MultiRNNCell = _cells.MultiRNNCell
DeviceWrapper = _cells.DeviceWrapper
ResidualWrapper = _cells.ResidualWrapper

static_rnn = _v1.nn.static_rnn
static_state_saving_rnn = _v1.nn.static_state_saving_rnn
static_bidirectional_rnn = _v1.nn.static_bidirectional_rnn


def _check_layer_lists(cells_fw, cells_bw, initial_states_fw, initial_states_bw):
    """TF 1.15's argument checks, shared by both stacked bidirectional runs."""
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for direction, states in (("fw", initial_states_fw), ("bw", initial_states_bw)):
        if states is not None and (not isinstance(states, list) or len(states) != len(cells_fw)):
            raise ValueError(f"initial_states_{direction} must be a list of state tensors (one per layer).")


def _layer_state(states, layer):
    return states[layer] if states else None


def stack_bidirectional_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None, initial_states_bw=None,
                            dtype=None, sequence_length=None, scope=None):
    """Stacked `static_bidirectional_rnn`s: layer k's input is layer k-1's [fw, bw] outputs.

    Layer k runs under `<scope or 'stack_bidirectional_rnn'>/cell_k/`.  Returns (list of
    outputs, tuple of forward final states, tuple of backward final states), one state per layer.
    """
    _check_layer_lists(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer_inputs = inputs
    with _v1.variable_scope(scope or "stack_bidirectional_rnn"):
        for layer, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with _v1.variable_scope(f"cell_{layer}") as cell_scope:
                layer_inputs, state_fw, state_bw = static_bidirectional_rnn(
                    cell_fw, cell_bw, layer_inputs,
                    initial_state_fw=_layer_state(initial_states_fw, layer),
                    initial_state_bw=_layer_state(initial_states_bw, layer),
                    sequence_length=sequence_length, dtype=dtype, scope=cell_scope)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer_inputs, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_dynamic_rnn(cells_fw, cells_bw, inputs, initial_states_fw=None,
                                    initial_states_bw=None, dtype=None, sequence_length=None,
                                    parallel_iterations=None, time_major=False, scope=None,
                                    swap_memory=False):
    """Stacked `bidirectional_dynamic_rnn`s, each layer's fw and bw outputs concatenated on depth.

    Layer k runs under `<scope or 'stack_bidirectional_rnn'>/cell_k/bidirectional_rnn/`.
    Returns (outputs [batch, time, fw + bw depth], forward final states, backward final states).
    """
    _check_layer_lists(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer_inputs = inputs
    with _v1.variable_scope(scope or "stack_bidirectional_rnn"):
        for layer, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            with _v1.variable_scope(f"cell_{layer}"):
                outputs, (state_fw, state_bw) = _v1.nn.bidirectional_dynamic_rnn(
                    cell_fw, cell_bw, layer_inputs,
                    initial_state_fw=_layer_state(initial_states_fw, layer),
                    initial_state_bw=_layer_state(initial_states_bw, layer),
                    sequence_length=sequence_length, parallel_iterations=parallel_iterations,
                    dtype=dtype, swap_memory=swap_memory, time_major=time_major)
                layer_inputs = _tf.concat(outputs, 2)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer_inputs, tuple(states_fw), tuple(states_bw)

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
