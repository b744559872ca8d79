"""`Decoder` and `dynamic_decode`: one `tf.while_loop` that calls a decoder's `step` until done.

As in TF 1.15: the loop runs under variable scope `decoder` (caching variables on the op's
device), stops when every batch entry is finished or after `maximum_iterations` steps, records
each entry's length as the step it finished at, and with `impute_finished` emits zeros and
carries the state unchanged for entries already finished.  Outputs come back batch major
unless `output_time_major`.  `BaseDecoder` is TF 1.15's Keras-layer form (kept in this
module, never exported from `tf.contrib.seq2seq`): calling it runs `dynamic_decode` with the
decoding options given to its constructor.
"""
import tensorflow as tf
import tf_keras
from tensorflow.python.ops import control_flow_util
from tensorflow.python.ops.rnn import _transpose_batch_time

from tf1_graphs.contrib.seq2seq._shapes import zeros_for

v1 = tf.compat.v1
nest = tf.nest


class Decoder:
    """What `dynamic_decode` drives: `initialize` once, then `step` until `finished`.

    Subclasses give `batch_size`, `output_size` and `output_dtype` (nested like the outputs) and
    may give `finalize(outputs, final_state, sequence_lengths)` and `tracks_own_finished`.
    """

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        raise NotImplementedError

    @property
    def output_dtype(self):
        raise NotImplementedError

    def initialize(self, name=None):
        """`(finished, initial_inputs, initial_state)`."""
        raise NotImplementedError

    def step(self, time, inputs, state, name=None):
        """`(outputs, next_state, next_inputs, finished)`."""
        raise NotImplementedError

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        """True when the decoder reorders its batch entries (beam search) and keeps `finished` itself."""
        return False


class BaseDecoder(tf_keras.layers.Layer):
    """A decoder as a Keras layer: `layer(inputs, initial_state=...)` runs `dynamic_decode`, which
    passes the call's inputs and keywords to `initialize`."""

    def __init__(self, output_time_major=False, impute_finished=False, maximum_iterations=None,
                 parallel_iterations=32, swap_memory=False, **kwargs):
        self.output_time_major = output_time_major
        self.impute_finished = impute_finished
        self.maximum_iterations = maximum_iterations
        self.parallel_iterations = parallel_iterations
        self.swap_memory = swap_memory
        super().__init__(**kwargs)

    def call(self, inputs, initial_state=None, **kwargs):
        return self._decode(inputs, dict(kwargs, initial_state=initial_state))

    def _decode(self, inputs, init_kwargs):
        init_kwargs.pop("training", None)  # tf_keras passes it to a `call` taking **kwargs; `initialize` takes none
        return dynamic_decode(self, output_time_major=self.output_time_major, impute_finished=self.impute_finished,
                              maximum_iterations=self.maximum_iterations,
                              parallel_iterations=self.parallel_iterations, swap_memory=self.swap_memory,
                              decoder_init_input=inputs, decoder_init_kwargs=init_kwargs)

    batch_size = Decoder.batch_size
    output_size = Decoder.output_size
    output_dtype = Decoder.output_dtype
    finalize = Decoder.finalize
    tracks_own_finished = Decoder.tracks_own_finished

    def initialize(self, inputs, initial_state=None, **kwargs):
        """`(finished, initial_inputs, initial_state)`."""
        raise NotImplementedError

    def step(self, time, inputs, state):
        raise NotImplementedError


def dynamic_decode(decoder, output_time_major=False, impute_finished=False, maximum_iterations=None,
                   parallel_iterations=32, swap_memory=False, scope=None, **kwargs):
    """`(final_outputs, final_state, final_sequence_lengths)` of running `decoder` to the end.

    For a `BaseDecoder`, `decoder_init_input` and `decoder_init_kwargs` go to its `initialize`."""
    if not isinstance(decoder, (Decoder, BaseDecoder)):
        raise TypeError("Expected decoder to be type Decoder, but saw: %s" % type(decoder))
    with v1.variable_scope(scope, "decoder") as varscope:
        if not tf.executing_eagerly() and not _inside_while_loop() and varscope.caching_device is None:
            varscope.set_caching_device(lambda op: op.device)
        if maximum_iterations is not None:
            maximum_iterations = tf.convert_to_tensor(maximum_iterations, dtype=tf.int32,
                                                      name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")

        if isinstance(decoder, Decoder):
            initial_finished, initial_inputs, initial_state = decoder.initialize()
        else:
            initial_finished, initial_inputs, initial_state = decoder.initialize(
                kwargs.pop("decoder_init_input", None), **kwargs.pop("decoder_init_kwargs", {}))
        zero_outputs = nest.map_structure(lambda size, dtype: zeros_for(size, decoder.batch_size, dtype),
                                          decoder.output_size, decoder.output_dtype)
        if maximum_iterations is not None:
            initial_finished = tf.logical_or(initial_finished, 0 >= maximum_iterations)
        initial_lengths = tf.zeros_like(initial_finished, dtype=tf.int32)

        def output_array(size, dtype):
            """TF 1.15 gave an element shape only to outputs whose size is a TensorShape of rank >= 1."""
            element_shape = None
            if isinstance(size, tf.TensorShape) and size.ndims != 0:
                batch = tf.get_static_value(tf.convert_to_tensor(decoder.batch_size, name="batch_size"))
                element_shape = tf.TensorShape([batch]).concatenate(size)
            return tf.TensorArray(dtype=dtype, size=0, dynamic_size=True, element_shape=element_shape)

        def condition(time, outputs_ta, state, inputs, finished, lengths):
            return tf.logical_not(tf.reduce_all(finished))

        def body(time, outputs_ta, state, inputs, finished, lengths):
            outputs, decoder_state, next_inputs, decoder_finished = decoder.step(time, inputs, state)
            next_finished = (decoder_finished if decoder.tracks_own_finished
                             else tf.logical_or(decoder_finished, finished))
            next_lengths = v1.where(tf.logical_not(finished), tf.fill(tf.shape(lengths), time + 1), lengths)
            nest.assert_same_structure(state, decoder_state)
            nest.assert_same_structure(outputs_ta, outputs)
            nest.assert_same_structure(inputs, next_inputs)
            if impute_finished:
                outputs = nest.map_structure(lambda out, zero: v1.where(finished, zero, out),
                                             outputs, zero_outputs)
                decoder_state = nest.map_structure(
                    lambda new, old: _keep_finished(finished, new, old), decoder_state, state)
            outputs_ta = nest.map_structure(lambda ta, out: ta.write(time, out), outputs_ta, outputs)
            return time + 1, outputs_ta, decoder_state, next_inputs, next_finished, next_lengths

        loop_vars = (tf.constant(0, dtype=tf.int32),
                     nest.map_structure(output_array, decoder.output_size, decoder.output_dtype),
                     initial_state, initial_inputs, initial_finished, initial_lengths)
        _, outputs_ta, final_state, _, _, final_lengths = v1.while_loop(
            condition, body, loop_vars, parallel_iterations=parallel_iterations,
            maximum_iterations=maximum_iterations, swap_memory=swap_memory)

        final_outputs = nest.map_structure(lambda ta: ta.stack(), outputs_ta)
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state, final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = nest.map_structure(_transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths


def _keep_finished(finished, new, old):
    """The old state for finished entries; TensorArrays and scalars (the time) pass through."""
    if isinstance(old, tf.TensorArray):
        return new
    new.set_shape(old.shape)
    return new if new.shape.ndims == 0 else v1.where(finished, old, new)


def _inside_while_loop():
    context = tf.compat.v1.get_default_graph()._get_control_flow_context()  # noqa: SLF001
    return control_flow_util.GetContainingWhileContext(context) is not None

