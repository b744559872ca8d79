"""TF 1.15's convolutional LSTM cells (Shi et al. 2015): `ConvLSTMCell` and its 1-D, 2-D
and 3-D forms.

The four gates come from one 'SAME' convolution of `concat([inputs, h], channels)` with
`kernel` [*kernel_shape, in_channels + output_channels, 4 * output_channels] plus `biases`
[4 * output_channels] (zeros), gate order i, j, f, o along the channel axis, forget bias
added at run time.  State `LSTMStateTuple(c, h)`, each [batch, *spatial, output_channels];
with `skip_connection` the output, and so the state's h, also carries the input channels
(as in TF 1.15, which makes such a cell unusable with its own zero state: TF's quirk).
"""
import tensorflow as tf

from tf1_graphs.contrib._cell_parts import LSTMStateTuple, SizedRNNCell, v1

__all__ = ["ConvLSTMCell", "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell"]

_CONV_BY_RANK = {3: tf.nn.conv1d, 4: tf.nn.conv2d, 5: tf.nn.conv3d}


def _conv(args, filter_size, num_features, bias, bias_start=0.0):
    """One 'SAME', stride-1 convolution of the channel-concatenated `args` (TF 1.15's `_conv`)."""
    shapes = [a.get_shape().as_list() for a in args]
    rank = len(shapes[0])
    for shape in shapes:
        if len(shape) not in _CONV_BY_RANK:
            raise ValueError("Conv Linear expects 3D, 4D or 5D arguments: %s" % str(shapes))
        if len(shape) != rank:
            raise ValueError("Conv Linear expects all args to be of same Dimension: %s"
                             % str(shapes))
    in_channels = sum(shape[-1] for shape in shapes)
    dtype = args[0].dtype
    kernel = v1.get_variable("kernel", list(filter_size) + [in_channels, num_features],
                             dtype=dtype)
    joined = args[0] if len(args) == 1 else tf.concat(args, axis=rank - 1)
    strides = 1 if rank == 3 else [1] * rank
    result = _CONV_BY_RANK[rank](joined, kernel, strides, padding="SAME")
    if not bias:
        return result
    return result + v1.get_variable("biases", [num_features], dtype=dtype,
                                    initializer=v1.constant_initializer(bias_start, dtype))


class ConvLSTMCell(SizedRNNCell):
    """Convolutional LSTM over `conv_ndims` spatial dimensions; `input_shape` excludes the
    batch and ends with the channels.  `initializers` is accepted and unused, as in TF 1.15."""

    def __init__(self, conv_ndims, input_shape, output_channels, kernel_shape, use_bias=True,
                 skip_connection=False, forget_bias=1.0, initializers=None,
                 name="conv_lstm_cell"):
        super().__init__(name=name)
        if conv_ndims != len(input_shape) - 1:
            raise ValueError("Invalid input_shape {} for conv_ndims={}.".format(
                input_shape, conv_ndims))
        self._conv_ndims = conv_ndims
        self._input_shape = list(input_shape)
        self._output_channels = output_channels
        self._kernel_shape = list(kernel_shape)
        self._use_bias = use_bias
        self._forget_bias = forget_bias
        self._skip_connection = skip_connection
        total_channels = output_channels + (self._input_shape[-1] if skip_connection else 0)
        spatial = self._input_shape[:-1]
        state_shape = tf.TensorShape(spatial + [output_channels])
        self._state_size = LSTMStateTuple(state_shape, state_shape)
        self._output_size = tf.TensorShape(spatial + [total_channels])

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state, scope=None):
        cell, hidden = state
        gates = _conv([inputs, hidden], self._kernel_shape, 4 * self._output_channels,
                      self._use_bias)
        input_gate, new_input, forget_gate, output_gate = tf.split(
            gates, 4, axis=self._conv_ndims + 1)
        new_cell = (tf.sigmoid(forget_gate + self._forget_bias) * cell
                    + tf.sigmoid(input_gate) * tf.tanh(new_input))
        output = tf.tanh(new_cell) * tf.sigmoid(output_gate)
        if self._skip_connection:
            output = tf.concat([output, inputs], axis=-1)
        return output, LSTMStateTuple(new_cell, output)


class Conv1DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell over one spatial dimension: inputs [batch, width, channels]."""

    def __init__(self, name="conv_1d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=1, name=name, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell over two spatial dimensions: inputs [batch, height, width, channels]."""

    def __init__(self, name="conv_2d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=2, name=name, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
    """ConvLSTMCell over three spatial dimensions: inputs [batch, depth, height, width, channels]."""

    def __init__(self, name="conv_3d_lstm_cell", **kwargs):
        super().__init__(conv_ndims=3, name=name, **kwargs)
