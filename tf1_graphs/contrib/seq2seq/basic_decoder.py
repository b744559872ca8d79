"""`BasicDecoder`: each step runs the cell, then the optional output layer, then asks the helper
for sample ids and next inputs; its outputs are `BasicDecoderOutput(rnn_output, sample_id)`."""
import collections

import tensorflow as tf

from tf1_graphs.contrib._cell_parts import assert_like_rnncell
from tf1_graphs.contrib.seq2seq import decoder
from tf1_graphs.contrib.seq2seq.helper import Helper

v1 = tf.compat.v1
nest = tf.nest


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput", ("rnn_output", "sample_id"))):
    pass


def is_layer(layer):
    """A Keras or `tf.layers` layer of any flavour (tf_keras', TensorFlow's own): TF 1.15 asked for a Layer."""
    return callable(layer) and hasattr(layer, "compute_output_shape")


def check_output_layer(output_layer):
    if output_layer is not None and not is_layer(output_layer):
        raise TypeError("output_layer must be a Layer, received: %s" % type(output_layer))


def layer_output_size(cell, output_layer):
    """The per-entry size of the cell's output after `output_layer` (the cell's own without one)."""
    size = cell.output_size
    if output_layer is None:
        return size
    with_batch = nest.map_structure(lambda s: tf.TensorShape([None]).concatenate(s), size)
    return nest.map_structure(lambda s: tf.TensorShape(s)[1:], output_layer.compute_output_shape(with_batch))


class BasicDecoder(decoder.Decoder):
    """A cell, a `Helper`, the initial state and an optional output layer (applied before sampling)."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        assert_like_rnncell("cell", cell)
        if not isinstance(helper, Helper):
            raise TypeError("helper must be a Helper, received: %s" % type(helper))
        check_output_layer(output_layer)
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=layer_output_size(self._cell, self._output_layer),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(nest.map_structure(lambda _: dtype, layer_output_size(self._cell, self._output_layer)),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with v1.name_scope(name, "BasicDecoderStep", (time, inputs, state)):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished
