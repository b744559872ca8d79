"""Fused RNN cells: objects that run a whole time-major sequence in one call (TF 1.15's contract).

`cell(inputs, initial_state=None, dtype=None, sequence_length=None, scope=None)` takes a
[time, batch, depth] tensor or a list of [batch, depth] tensors and answers in the same form.
`FusedRNNCellAdaptor` gives any RNNCell that contract; `TimeReversedFusedRNN` runs a fused cell
backwards in time (each sequence reversed within its own length).
"""
import abc

import tensorflow as _tf

_v1 = _tf.compat.v1


class FusedRNNCell(abc.ABC):
    """A whole recurrent network over time in one call."""

    @abc.abstractmethod
    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
        """Returns (outputs, final state); outputs a tensor or a list, as the inputs were."""


class FusedRNNCellAdaptor(FusedRNNCell):
    """An RNNCell run by `dynamic_rnn` (time-major) or `static_rnn`."""

    def __init__(self, cell, use_dynamic_rnn=False):
        self._cell = cell
        self._use_dynamic_rnn = use_dynamic_rnn

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
        is_list = isinstance(inputs, list)
        if self._use_dynamic_rnn:
            outputs, state = _v1.nn.dynamic_rnn(
                self._cell, _tf.stack(inputs) if is_list else inputs, sequence_length=sequence_length,
                initial_state=initial_state, dtype=dtype, time_major=True, scope=scope)
            return (_tf.unstack(outputs) if is_list else outputs), state
        outputs, state = _v1.nn.static_rnn(
            self._cell, inputs if is_list else _tf.unstack(inputs), initial_state=initial_state,
            dtype=dtype, sequence_length=sequence_length, scope=scope)
        return (outputs if is_list else _tf.stack(outputs)), state


class TimeReversedFusedRNN(FusedRNNCell):
    """Runs `cell` on the time-reversed inputs and reverses its outputs back."""

    def __init__(self, cell):
        self._cell = cell

    @staticmethod
    def _reverse(sequence, lengths):
        if isinstance(sequence, list):
            return list(reversed(sequence))  # a list has no per-sequence lengths to honour
        if lengths is None:
            return _tf.reverse(sequence, [0])
        return _tf.reverse_sequence(sequence, lengths, seq_axis=0, batch_axis=1)

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
        outputs, state = self._cell(self._reverse(inputs, sequence_length), initial_state=initial_state,
                                    dtype=dtype, sequence_length=sequence_length, scope=scope)
        return self._reverse(outputs, sequence_length), state
