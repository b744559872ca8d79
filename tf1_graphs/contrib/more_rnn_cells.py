"""The less-used cells of TF 1.15's `tf.contrib.rnn`, with TF 1.15's signatures and variables.

Each cell keeps TF 1.15's constructor defaults, variable names and shapes (so a TF 1.15
checkpoint maps one to one), state layout and gate order; the equations are written out
in each `call`.  The grid and convolutional cells live in `grid_rnn_cell` and `conv_lstm`;
`rnn_cell` re-exports all three modules' cells, as TF 1.15's rnn_cell module held them.
"""
import tensorflow as tf
import tf_keras

from tf1_graphs.contrib._cell_parts import (
    FixedSizes, LayerRNNCell, Linear, LSTMStateTuple, SizedRNNCell, batch_size, lstm_sizes,
    static_depth, v1)

__all__ = ["PhasedLSTMCell", "GLSTMCell", "SRUCell", "IndRNNCell", "IndyGRUCell",
           "IndyLSTMCell", "MinimalRNNCell", "CFNCell", "WeightNormLSTMCell"]


def _build_depth(inputs_shape):
    """The input depth a LayerRNNCell's `build` sizes its variables with."""
    depth = tf.compat.dimension_value(tf.TensorShape(inputs_shape)[-1])
    if depth is None:
        raise ValueError("Expected inputs.shape[-1] to be known, saw shape: %s" % inputs_shape)
    return depth


def _uniform_plus_minus_one(dtype):
    """The recurrent weights of the Ind* cells start U[-1, 1), as in TF 1.15."""
    return v1.random_uniform_initializer(minval=-1, maxval=1, dtype=dtype)


def _random_exp_initializer(minval, maxval, seed=None, dtype=tf.float32):
    """exp(U[log minval, log maxval)): PhasedLSTMCell's periods, spread over decades."""
    def initializer(shape, dtype=dtype, partition_info=None):
        del partition_info
        return tf.exp(v1.random_uniform(shape, tf.math.log(minval), tf.math.log(maxval),
                                        dtype, seed=seed))
    return initializer


class PhasedLSTMCell(SizedRNNCell):
    """Phased LSTM (Neil et al. 2016): an LSTM whose units update only in an open phase of
    their own period.  `inputs` is a pair `(time [batch, 1], features [batch, depth])`.

    As in TF 1.15 the cycle ratio is computed in float32, so the features must be float32."""

    def __init__(self, num_units, use_peepholes=False, leak=0.001, ratio_on=0.1,
                 trainable_ratio_on=True, period_init_min=1.0, period_init_max=1000.0,
                 reuse=None):
        super().__init__(_reuse=reuse, autocast=False)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._leak = leak
        self._ratio_on = ratio_on
        self._trainable_ratio_on = trainable_ratio_on
        self._period_init_min = period_init_min
        self._period_init_max = period_init_max
        self._linears = {}
        self._state_size, self._output_size = lstm_sizes(num_units)

    def _linear(self, scope, args, size):
        """One of the three `_Linear`s, made on its first use in its `scope`."""
        if scope not in self._linears:
            self._linears[scope] = Linear(args, size, True)
        return self._linears[scope](args)

    @staticmethod
    def _mod(x, y):
        """x mod y whose gradient with respect to x is that of x."""
        return tf.stop_gradient(tf.math.floormod(x, y) - x) + x

    def _cycle_ratio(self, time, phase, period):
        phase = tf.cast(phase, time.dtype)
        period = tf.cast(period, time.dtype)
        return tf.cast(self._mod(time - phase, period) / period, tf.float32)

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        c_prev, h_prev = state
        time, x = inputs
        peep_c = [c_prev] if self._use_peepholes else []
        # each gate's activation (and the split) inside its scope: TF 1.15's op names and order
        with v1.variable_scope("mask_gates"):
            mask_gates = tf.sigmoid(self._linear("mask_gates", [x, h_prev] + peep_c,
                                                 2 * self._num_units))
            input_gate, forget_gate = tf.split(mask_gates, 2, axis=1)
        with v1.variable_scope("new_input"):
            new_input = tf.tanh(self._linear("new_input", [x, h_prev], self._num_units))
        new_c = c_prev * forget_gate + input_gate * new_input
        peep_new_c = [new_c] if self._use_peepholes else []
        with v1.variable_scope("output_gate"):
            output_gate = tf.sigmoid(self._linear("output_gate", [x, h_prev] + peep_new_c,
                                                  self._num_units))
        new_h = tf.tanh(new_c) * output_gate

        period = v1.get_variable(
            "period", [self._num_units],
            initializer=_random_exp_initializer(self._period_init_min, self._period_init_max))
        phase = v1.get_variable(
            "phase", [self._num_units],
            initializer=v1.random_uniform_initializer(0., period.initial_value))
        ratio_on = v1.get_variable(
            "ratio_on", [self._num_units], initializer=v1.constant_initializer(self._ratio_on),
            trainable=self._trainable_ratio_on)

        cycle_ratio = self._cycle_ratio(time, phase, period)
        k_up = 2 * cycle_ratio / ratio_on
        k_down = 2 - k_up
        k_closed = self._leak * cycle_ratio
        k = tf.where(cycle_ratio < ratio_on, k_down, k_closed)
        k = tf.where(cycle_ratio < 0.5 * ratio_on, k_up, k)

        new_c = k * new_c + (1 - k) * c_prev
        new_h = k * new_h + (1 - k) * h_prev
        return new_h, LSTMStateTuple(new_c, new_h)


class GLSTMCell(SizedRNNCell):
    """Group LSTM (Kuchaiev & Ginsburg 2017): input and recurrent output are split into
    `number_of_groups` slices, each with its own gate matrix `group<k>/kernel` (no bias);
    the four gates are then joined and get the biases `bias_i`, `bias_j`, `bias_f`, `bias_o`."""

    def __init__(self, num_units, initializer=None, num_proj=None, number_of_groups=1,
                 forget_bias=1.0, activation=tf.tanh, reuse=None):
        super().__init__(_reuse=reuse)
        if num_units % number_of_groups != 0:
            raise ValueError("num_units must be divisible by number_of_groups")
        if num_proj and num_proj % number_of_groups != 0:
            raise ValueError("num_proj must be divisible by number_of_groups")
        self._num_units = num_units
        self._initializer = initializer
        self._num_proj = num_proj
        self._forget_bias = forget_bias
        self._activation = activation
        self._number_of_groups = number_of_groups
        self._group_shape = [(num_proj or num_units) // number_of_groups,
                             num_units // number_of_groups]
        self._state_size, self._output_size = lstm_sizes(num_units, num_proj)
        self._group_linears = [None] * number_of_groups
        self._projection = None

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        c_prev, m_prev = state
        input_size = tf.compat.dimension_value(inputs.shape[1])
        if input_size is None:
            raise ValueError("input size must be statically known")
        if input_size % self._number_of_groups != 0:
            raise ValueError("input size (%d) must be divisible by number_of_groups (%d)"
                             % (input_size, self._number_of_groups))
        input_group = input_size // self._number_of_groups
        rows = batch_size(inputs)
        dtype = inputs.dtype
        gate_parts = []
        with v1.variable_scope(v1.get_variable_scope(), initializer=self._initializer):
            for k in range(self._number_of_groups):
                with v1.variable_scope("group%d" % k):
                    group_in = tf.concat([
                        tf.slice(inputs, [0, k * input_group], [rows, input_group]),
                        tf.slice(m_prev, [0, k * self._group_shape[0]],
                                 [rows, self._group_shape[0]])], axis=1)
                    if self._group_linears[k] is None:
                        self._group_linears[k] = Linear(group_in, 4 * self._group_shape[1],
                                                        False)
                    gate_parts.append(tf.split(self._group_linears[k](group_in), 4, 1))
            i, j, f, o = (
                tf.nn.bias_add(tf.concat([part[g] for part in gate_parts], axis=1),
                               v1.get_variable("bias_" + name, [self._num_units], dtype=dtype,
                                               initializer=v1.constant_initializer(0.0, dtype)))
                for g, name in enumerate("ijfo"))
        c = tf.sigmoid(f + self._forget_bias) * c_prev + tf.sigmoid(i) * tf.tanh(j)
        m = tf.sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            with v1.variable_scope("projection"):
                if self._projection is None:
                    self._projection = Linear(m, self._num_proj, False)
                m = self._projection(m)
        return m, LSTMStateTuple(c, m)


class _ElementwiseRecurrentCell(FixedSizes, LayerRNNCell):
    """What SRU and the Ind* cells share in TF 1.15: rank-2 inputs, `num_units` wide output
    and state, tanh unless another activation is given."""

    def __init__(self, num_units, activation, reuse, name, **kwargs):
        super().__init__(_reuse=reuse, name=name, **kwargs)
        self.input_spec = tf_keras.layers.InputSpec(ndim=2)
        self._num_units = num_units
        self._activation = activation or tf.tanh
        self._state_size = self._output_size = num_units


class SRUCell(_ElementwiseRecurrentCell):
    """Simple Recurrent Unit (Lei et al. 2017): no recurrent matrix, the state enters only
    elementwise.  `kernel` [depth, 4H] gives x~, f, r, and a highway term; `bias` [2H] is
    added to f and r only.  State and output differ: the state is c, the output h."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, **kwargs):
        super().__init__(num_units, activation, reuse, name, **kwargs)

    def build(self, inputs_shape):
        depth = _build_depth(inputs_shape)
        self._kernel = self.add_weight("kernel", shape=[depth, 4 * self._num_units])
        self._bias = self.add_weight("bias", shape=[2 * self._num_units],
                                     initializer=v1.zeros_initializer)
        self.built = True

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        x_bar, f_pre, r_pre, x_highway = tf.split(tf.matmul(inputs, self._kernel), 4, axis=1)
        f, r = tf.split(tf.sigmoid(tf.nn.bias_add(tf.concat([f_pre, r_pre], 1), self._bias)),
                        2, axis=1)
        c = f * state + (1.0 - f) * x_bar
        h = r * self._activation(c) + (1.0 - r) * x_highway
        return h, c


class IndRNNCell(_ElementwiseRecurrentCell):
    """Independently recurrent network (Li et al. 2018): h' = act(x W + u * h + b), where
    the recurrent weight `kernel_u` [1, H] is a vector, one weight per unit."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype=dtype)

    def build(self, inputs_shape):
        depth = _build_depth(inputs_shape)
        self._kernel_w = self.add_weight("kernel_w", shape=[depth, self._num_units])
        self._kernel_u = self.add_weight("kernel_u", shape=[1, self._num_units],
                                         initializer=_uniform_plus_minus_one(self.dtype))
        self._bias = self.add_weight("bias", shape=[self._num_units],
                                     initializer=v1.zeros_initializer(dtype=self.dtype))
        self.built = True

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        pre = tf.nn.bias_add(tf.matmul(inputs, self._kernel_w) + state * self._kernel_u,
                             self._bias)
        output = self._activation(pre)
        return output, output


class IndyGRUCell(_ElementwiseRecurrentCell):
    """GRU whose recurrent matrices are diagonal (Gonnet & Deselaers 2017): the state
    enters every gate elementwise.  Gates r, u; the gate bias starts at 1."""

    def __init__(self, num_units, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype=dtype)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, inputs_shape):
        depth = _build_depth(inputs_shape)
        units = self._num_units
        self._gate_kernel_w = self.add_weight(
            "gates/kernel_w", shape=[depth, 2 * units], initializer=self._kernel_initializer)
        self._gate_kernel_u = self.add_weight(
            "gates/kernel_u", shape=[1, 2 * units],
            initializer=_uniform_plus_minus_one(self.dtype))
        self._gate_bias = self.add_weight(
            "gates/bias", shape=[2 * units],
            initializer=self._bias_initializer or v1.constant_initializer(1.0, self.dtype))
        self._candidate_kernel_w = self.add_weight(
            "candidate/kernel", shape=[depth, units], initializer=self._kernel_initializer)
        self._candidate_kernel_u = self.add_weight(
            "candidate/kernel_u", shape=[1, units],
            initializer=_uniform_plus_minus_one(self.dtype))
        self._candidate_bias = self.add_weight(
            "candidate/bias", shape=[units],
            initializer=self._bias_initializer or v1.zeros_initializer(dtype=self.dtype))
        self.built = True

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        gate_pre = (tf.matmul(inputs, self._gate_kernel_w)
                    + tf.tile(state, [1, 2]) * self._gate_kernel_u)
        r, u = tf.split(tf.sigmoid(tf.nn.bias_add(gate_pre, self._gate_bias)), 2, axis=1)
        r_state = r * state  # before the matmul, and the activation before the blend: TF 1.15's op order
        candidate = tf.nn.bias_add(
            tf.matmul(inputs, self._candidate_kernel_w) + r_state * self._candidate_kernel_u,
            self._candidate_bias)
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class IndyLSTMCell(_ElementwiseRecurrentCell):
    """LSTM whose recurrent matrix is diagonal (Gonnet & Deselaers 2017): gates i, j, f, o
    from x W + tile(h) * u + b, `forget_bias` added at run time."""

    def __init__(self, num_units, forget_bias=1.0, activation=None, reuse=None,
                 kernel_initializer=None, bias_initializer=None, name=None, dtype=None):
        super().__init__(num_units, activation, reuse, name, dtype=dtype)
        self._forget_bias = forget_bias
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer
        self._state_size = lstm_sizes(num_units)[0]

    def build(self, inputs_shape):
        depth = _build_depth(inputs_shape)
        units = 4 * self._num_units
        self._kernel_w = self.add_weight("kernel_w", shape=[depth, units],
                                         initializer=self._kernel_initializer)
        self._kernel_u = self.add_weight("kernel_u", shape=[1, units],
                                         initializer=_uniform_plus_minus_one(self.dtype))
        self._bias = self.add_weight(
            "bias", shape=[units],
            initializer=self._bias_initializer or v1.zeros_initializer(dtype=self.dtype))
        self.built = True

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        c, h = state
        one = tf.constant(1, dtype=tf.int32)  # the split axis as a tensor made first: TF 1.15's op order
        pre = tf.nn.bias_add(
            tf.matmul(inputs, self._kernel_w) + tf.tile(h, [1, 4]) * self._kernel_u, self._bias)
        i, j, f, o = tf.split(pre, 4, axis=one)
        new_c = (c * tf.sigmoid(f + tf.constant(self._forget_bias, dtype=f.dtype))
                 + tf.sigmoid(i) * self._activation(j))
        new_h = self._activation(new_c) * tf.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class _KerasStyleGatedCell(FixedSizes, LayerRNNCell):
    """What MinimalRNNCell and CFNCell share in TF 1.15: Keras-style `units`, activation and
    initializers given by name or object, rank-2 inputs."""

    def __init__(self, units, activation="tanh", kernel_initializer="glorot_uniform",
                 bias_initializer="ones", name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.input_spec = tf_keras.layers.InputSpec(ndim=2)
        self.units = units
        self.activation = tf_keras.activations.get(activation)
        self.kernel_initializer = tf_keras.initializers.get(kernel_initializer)
        self.bias_initializer = tf_keras.initializers.get(bias_initializer)
        self._state_size = self._output_size = units


class MinimalRNNCell(_KerasStyleGatedCell):
    """MinimalRNN (Chen 2017): z = act(x W_x); u = sigmoid([z, h] [U; V] + b);
    h' = u * h + (1 - u) * z.  One `kernel` [depth + 2 units, units] holds W_x, U and V."""

    def build(self, inputs_shape):
        depth = _build_depth(inputs_shape)
        self.kernel = self.add_weight(name="kernel", shape=[depth + 2 * self.units, self.units],
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(name="bias", shape=[self.units],
                                    initializer=self.bias_initializer)
        self.built = True

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        depth = static_depth(inputs)
        feedforward_weight, gate_weight = tf.split(self.kernel, [depth, 2 * self.units], axis=0)
        feedforward = self.activation(tf.matmul(inputs, feedforward_weight))
        u = tf.sigmoid(tf.nn.bias_add(tf.matmul(tf.concat([feedforward, state], 1), gate_weight),
                                      self.bias))
        new_h = u * state + (1 - u) * feedforward
        return new_h, new_h


class CFNCell(_KerasStyleGatedCell):
    """Chaos-free network (Laurent & von Brecht 2016): theta, eta = sigmoid(h U + x V + b);
    h' = theta * act(h) + (1 - eta) * act(x W).  `kernel` [depth, 3 units] holds V then W,
    `recurrent_kernel` [units, 2 units] holds U."""

    def build(self, inputs_shape):
        depth = _build_depth(inputs_shape)
        self.kernel = self.add_weight(shape=[depth, 3 * self.units], name="kernel",
                                      initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(shape=[self.units, 2 * self.units],
                                                name="recurrent_kernel",
                                                initializer=self.kernel_initializer)
        self.bias = self.add_weight(shape=[2 * self.units], name="bias",
                                    initializer=self.bias_initializer)
        self.built = True

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        static_depth(inputs)
        v, w = tf.split(self.kernel, [2 * self.units, self.units], axis=1)
        gates = tf.sigmoid(tf.nn.bias_add(
            tf.matmul(state, self.recurrent_kernel) + tf.matmul(inputs, v), self.bias))
        theta, eta = tf.split(gates, 2, axis=1)
        new_h = theta * self.activation(state) + (1 - eta) * self.activation(tf.matmul(inputs, w))
        return new_h, new_h


class WeightNormLSTMCell(SizedRNNCell):
    """LSTMCell with weight normalisation (Salimans & Kingma 2016): each input block of the
    kernel is normalised column-wise and scaled by its own gain `norm_<k>`.  Variables
    live under an inner scope `wn_lstm_cell`; gate order i, j, f, o."""

    def __init__(self, num_units, norm=True, use_peepholes=False, cell_clip=None,
                 initializer=None, num_proj=None, proj_clip=None, forget_bias=1,
                 activation=None, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._norm = norm
        self._initializer = initializer
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._activation = activation or tf.tanh
        self._forget_bias = forget_bias
        self._state_size, self._output_size = lstm_sizes(num_units, num_proj)

    def _linear(self, args, output_size, bias):
        """concat(args) @ kernel (+ bias), the kernel's row block for args[k] normalised
        and scaled by `norm_k` when `norm` is set.  The normalised kernel is built outside
        any loop (control_dependencies(None)), once per step as in TF 1.15."""
        depths = [static_depth(a) for a in args]
        dtype = args[0].dtype
        kernel = v1.get_variable("kernel", [sum(depths), output_size], dtype=dtype)
        if self._norm:
            with tf.control_dependencies(None):
                starts = [sum(depths[:k]) for k in range(len(depths))]
                kernel = tf.concat([
                    tf.nn.l2_normalize(kernel[start:start + depth, :], axis=0)
                    * v1.get_variable("norm_%d" % k, [output_size], dtype=dtype)
                    for k, (start, depth) in enumerate(zip(starts, depths))], axis=0)
        joined = args[0] if len(args) == 1 else tf.concat(args, 1)
        result = tf.matmul(joined, kernel)
        if not bias:
            return result
        return tf.nn.bias_add(result, v1.get_variable(
            "bias", [output_size], dtype=dtype, initializer=v1.constant_initializer(0.0, dtype)))

    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        static_depth(inputs)
        units, sigmoid = self._num_units, tf.sigmoid
        dtype = inputs.dtype
        c, h = state
        with v1.variable_scope("wn_lstm_cell", initializer=self._initializer):
            i, j, f, o = tf.split(self._linear([inputs, h], 4 * units, bias=True), 4, axis=1)
            if self._use_peepholes:
                w_f_diag = v1.get_variable("w_f_diag", shape=[units], dtype=dtype)
                w_i_diag = v1.get_variable("w_i_diag", shape=[units], dtype=dtype)
                w_o_diag = v1.get_variable("w_o_diag", shape=[units], dtype=dtype)
                new_c = (c * sigmoid(f + self._forget_bias + w_f_diag * c)
                         + sigmoid(i + w_i_diag * c) * self._activation(j))
            else:
                new_c = c * sigmoid(f + self._forget_bias) + sigmoid(i) * self._activation(j)
            if self._cell_clip is not None:
                new_c = tf.clip_by_value(new_c, -self._cell_clip, self._cell_clip)
            out_gate = o + w_o_diag * new_c if self._use_peepholes else o
            new_h = sigmoid(out_gate) * self._activation(new_c)
            if self._num_proj is not None:
                with v1.variable_scope("projection"):
                    new_h = self._linear([new_h], self._num_proj, bias=False)
                if self._proj_clip is not None:
                    new_h = tf.clip_by_value(new_h, -self._proj_clip, self._proj_clip)
            return new_h, LSTMStateTuple(new_c, new_h)
