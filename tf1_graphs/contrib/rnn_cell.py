"""Contrib RNN cells of TF 1.15's contrib/rnn/python/ops/rnn_cell.py, with its variable names.

Each cell keeps TF 1.15's signature, defaults, state layout and variable names and shapes, so a
TF 1.15 checkpoint loads one to one.  The layer normalisation several cells apply is
`tf.contrib.layers.layer_norm`'s over the last axis (epsilon 1e-12), on `gamma`/`beta`
variables created under the gate's own scope (`input`, `transform`, `forget`, `output`, `state`).

TF 1.15's module held every contrib cell; here the less-used ones are written in
`more_rnn_cells`, `conv_lstm` and `grid_rnn_cell` and re-exported below, so that
`rnn_cell.GridLSTMCell` and the like resolve as they did.  The parts the cells share
(`_Linear`, the sharded variables, the layer-norm step) are in `_cell_parts`.
"""
import tensorflow as _tf
from tensorflow.python.framework import op_def_registry as _op_def_registry

from tf1_graphs.contrib._cell_parts import (
    FixedSizes, ForwardingWrapper, LayerRNNCell, Linear, LSTMStateTuple, RNNCell, SizedRNNCell,
    assert_like_rnncell, cell_layer_norm, concat_variable, lstm_sizes, static_depth)
from tf1_graphs.contrib.conv_lstm import (  # noqa: F401  (re-exported, as TF 1.15's rnn_cell had them)
    Conv1DLSTMCell, Conv2DLSTMCell, Conv3DLSTMCell, ConvLSTMCell)
from tf1_graphs.contrib.grid_rnn_cell import (  # noqa: F401  (re-exported)
    BidirectionalGridLSTMCell, GridLSTMCell, TimeFreqLSTMCell)
from tf1_graphs.contrib.more_rnn_cells import (  # noqa: F401  (re-exported)
    CFNCell, GLSTMCell, IndRNNCell, IndyGRUCell, IndyLSTMCell, MinimalRNNCell, PhasedLSTMCell,
    SRUCell, WeightNormLSTMCell)

_v1 = _tf.compat.v1
_nest = _tf.nest


class CoupledInputForgetGateLSTMCell(SizedRNNCell):
    """LSTM whose input gate is 1 - forget gate (Greff et al. 2015), optional peepholes and projection.

    Variables: `W` [in + out, 3H] (or `W_0`.. when sharded; columns j, f, o), `B` [3H],
    with peepholes `W_F_diag`, `W_O_diag` [H], with a projection `W_P` [H, num_proj].
    """

    def __init__(self, num_units, use_peepholes=False, initializer=None, num_proj=None, proj_clip=None,
                 num_unit_shards=1, num_proj_shards=1, forget_bias=1.0, state_is_tuple=True,
                 activation=_tf.tanh, reuse=None, layer_norm=False, norm_gain=1.0, norm_shift=0.0):
        super().__init__(_reuse=reuse)
        if not state_is_tuple:
            _v1.logging.warn("%s: Using a concatenated state is slower and will soon be deprecated.  "
                             "Use state_is_tuple=True.", self)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._num_unit_shards = num_unit_shards
        self._num_proj_shards = num_proj_shards
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = activation
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        self._state_size, self._output_size = lstm_sizes(num_units, num_proj, state_is_tuple)

    def call(self, inputs, state):
        num_proj = self._num_proj or self._num_units
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev, m_prev = state[:, :self._num_units], state[:, self._num_units:self._num_units + num_proj]
        dtype = inputs.dtype
        depth = static_depth(inputs)
        weights = concat_variable("W", [depth + num_proj, 3 * self._num_units], dtype,
                                       self._num_unit_shards)
        bias = _v1.get_variable("B", shape=[3 * self._num_units], initializer=_v1.zeros_initializer(),
                                dtype=dtype)
        lstm_matrix = _tf.matmul(_tf.concat([inputs, m_prev], 1), weights)
        if not self._layer_norm:  # the normalisation's shift takes the bias's place
            lstm_matrix = _tf.nn.bias_add(lstm_matrix, bias)
        j, f, o = _tf.split(lstm_matrix, 3, axis=1)
        if self._layer_norm:
            j, f, o = (cell_layer_norm(self._norm_gain, self._norm_shift, gate, name)
                       for gate, name in ((j, "transform"), (f, "forget"), (o, "output")))
        if self._use_peepholes:
            w_f_diag = _v1.get_variable("W_F_diag", shape=[self._num_units], dtype=dtype)
            w_o_diag = _v1.get_variable("W_O_diag", shape=[self._num_units], dtype=dtype)
            f = f + w_f_diag * c_prev
        forget = _tf.sigmoid(f + self._forget_bias)
        c = forget * c_prev + (1 - forget) * self._activation(j)
        if self._layer_norm:
            c = cell_layer_norm(self._norm_gain, self._norm_shift, c, "state")
        if self._use_peepholes:
            o = o + w_o_diag * c
        m = _tf.sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            projection = concat_variable("W_P", [self._num_units, self._num_proj], dtype,
                                              self._num_proj_shards)
            m = _tf.matmul(m, projection)
            if self._proj_clip is not None:
                m = _tf.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else _tf.concat([c, m], 1)
        return m, new_state


class AttentionCellWrapper(RNNCell):
    """Attention over the cell's last `attn_length` outputs (Cheng et al. 2016, arXiv:1601.06733).

    State: (cell state, attention read [attn_size], window [attn_length * attn_size]), or all
    concatenated when `state_is_tuple=False`.  Variables: `kernel`/`bias` of the input map
    (inputs + attention read -> input_size), `attention/attn_w` [1, 1, attn_size, attn_vec_size],
    `attention/attn_v`, `attention/kernel`/`bias` (query map) and
    `attn_output_projection/kernel`/`bias`.
    """

    def __init__(self, cell, attn_length, attn_size=None, attn_vec_size=None, input_size=None,
                 state_is_tuple=True, reuse=None):
        super().__init__(_reuse=reuse)
        assert_like_rnncell("cell", cell)
        if _nest.is_nested(cell.state_size) and not state_is_tuple:
            raise ValueError("Cell returns tuple of states, but the flag state_is_tuple is not set. "
                             f"State size is: {cell.state_size}")
        if attn_length <= 0:
            raise ValueError(f"attn_length should be greater than zero, got {attn_length}")
        if not state_is_tuple:
            _v1.logging.warn("%s: Using a concatenated state is slower and will soon be deprecated.  "
                             "Use state_is_tuple=True.", self)
        self._state_is_tuple = state_is_tuple
        self._cell = cell
        self._attn_size = cell.output_size if attn_size is None else attn_size
        self._attn_vec_size = self._attn_size if attn_vec_size is None else attn_vec_size
        self._input_size = input_size
        self._attn_length = attn_length
        self._input_map = self._output_map = self._query_map = None

    @property
    def state_size(self):
        size = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return size if self._state_is_tuple else sum(size)

    @property
    def output_size(self):
        return self._attn_size

    def call(self, inputs, state):
        if self._state_is_tuple:
            state, attns, attn_states = state
        else:
            cell_width = self._cell.state_size
            state, attns, attn_states = _tf.split(
                state, [cell_width, self._attn_size, self._attn_size * self._attn_length], axis=1)
        attn_states = _tf.reshape(attn_states, [-1, self._attn_length, self._attn_size])
        input_size = self._input_size or _tf.compat.dimension_value(inputs.shape[1])
        if self._input_map is None:
            self._input_map = Linear([inputs, attns], input_size, True)
        cell_output, new_state = self._cell(self._input_map([inputs, attns]), state)
        query = _tf.concat(_nest.flatten(new_state), 1) if self._state_is_tuple else new_state
        new_attns, new_attn_states = self._attention(query, attn_states)
        with _v1.variable_scope("attn_output_projection"):
            if self._output_map is None:
                self._output_map = Linear([cell_output, new_attns], self._attn_size, True)
            output = self._output_map([cell_output, new_attns])
        window = _tf.reshape(_tf.concat([new_attn_states, output[:, None]], 1),
                             [-1, self._attn_length * self._attn_size])
        new_state = (new_state, new_attns, window)
        return output, (new_state if self._state_is_tuple else _tf.concat(list(new_state), 1))

    def _attention(self, query, attn_states):
        """Bahdanau-style scores over the window; returns (read vector, window minus its oldest step)."""
        with _v1.variable_scope("attention"):
            k = _v1.get_variable("attn_w", [1, 1, self._attn_size, self._attn_vec_size])
            v = _v1.get_variable("attn_v", [self._attn_vec_size])
            hidden = _tf.reshape(attn_states, [-1, self._attn_length, 1, self._attn_size])
            hidden_features = _tf.nn.conv2d(hidden, k, [1, 1, 1, 1], "SAME")
            if self._query_map is None:
                self._query_map = Linear(query, self._attn_vec_size, True)
            y = _tf.reshape(self._query_map(query), [-1, 1, 1, self._attn_vec_size])
            scores = _tf.reduce_sum(v * _tf.tanh(hidden_features + y), [2, 3])
            weights = _tf.nn.softmax(scores)
            read = _tf.reduce_sum(_tf.reshape(weights, [-1, self._attn_length, 1, 1]) * hidden, [1, 2])
            return _tf.reshape(read, [-1, self._attn_size]), attn_states[:, 1:, :]


class HighwayWrapper(ForwardingWrapper):
    """output = input * carry + cell output * transform (Srivastava et al. 2015).

    `carry = sigmoid(x @ carry_w + carry_b)`; transform is `1 - carry` when coupled, else its own
    `transform_w`/`transform_b` (bias initialised to -carry_bias_init).  The variables are
    created in the scope the wrapper is called in, beside the cell's own scope.
    """

    def __init__(self, cell, couple_carry_transform_gates=True, carry_bias_init=1.0):
        super().__init__(cell)
        self._couple_carry_transform_gates = couple_carry_transform_gates
        self._carry_bias_init = carry_bias_init

    def _gate(self, inp, name, bias_init):
        depth = _tf.compat.dimension_value(inp.shape.with_rank(2)[1])
        weight = _v1.get_variable(f"{name}_w", [depth, depth])
        bias = _v1.get_variable(f"{name}_b", [depth], initializer=_v1.constant_initializer(bias_init))
        return _tf.sigmoid(_v1.nn.xw_plus_b(inp, weight, bias))

    def _highway(self, inp, out):
        carry = self._gate(inp, "carry", self._carry_bias_init)
        if self._couple_carry_transform_gates:
            transform = 1 - carry
        else:
            transform = self._gate(inp, "transform", -self._carry_bias_init)
        return inp * carry + out * transform

    def __call__(self, inputs, state, scope=None):
        outputs, new_state = self._cell(inputs, state, scope=scope)
        _nest.assert_same_structure(inputs, outputs)
        _nest.map_structure(lambda inp, out: inp.shape.assert_is_compatible_with(out.shape), inputs, outputs)
        return _nest.map_structure(self._highway, inputs, outputs), new_state


class LayerNormBasicLSTMCell(SizedRNNCell):
    """BasicLSTMCell with layer normalisation on every gate and the cell, and recurrent dropout.

    Variables: `kernel` [in + H, 4H] (gates i, j, f, o); `bias` [4H] only without layer norm;
    with it, `input|transform|forget|output|state/gamma|beta` [H].  Dropout (Semeniuta et al.
    2016) applies to the candidate g = activation(j) when `dropout_keep_prob` is a tensor or < 1.
    """

    def __init__(self, num_units, forget_bias=1.0, input_size=None, activation=_tf.tanh, layer_norm=True,
                 norm_gain=1.0, norm_shift=0.0, dropout_keep_prob=1.0, dropout_prob_seed=None, reuse=None):
        super().__init__(_reuse=reuse)
        if input_size is not None:
            _v1.logging.warn("%s: The input_size parameter is deprecated.", self)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        self._state_size, self._output_size = lstm_sizes(num_units)

    def _norm(self, inp, scope, dtype):
        return cell_layer_norm(self._norm_gain, self._norm_shift, inp, scope, dtype=dtype)

    def _linear(self, args):
        out_size = 4 * self._num_units
        weights = _v1.get_variable("kernel", [_tf.compat.dimension_value(args.shape[-1]), out_size], dtype=args.dtype)
        out = _tf.matmul(args, weights)
        if not self._layer_norm:
            out = _tf.nn.bias_add(out, _v1.get_variable("bias", [out_size], dtype=args.dtype))
        return out

    def call(self, inputs, state):
        c, h = state
        args = _tf.concat([inputs, h], 1)
        dtype = args.dtype
        i, j, f, o = _tf.split(self._linear(args), 4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(gate, name, dtype) for gate, name in
                          ((i, "input"), (j, "transform"), (f, "forget"), (o, "output")))
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = _v1.nn.dropout(g, self._keep_prob, seed=self._seed)
        new_c = c * _tf.sigmoid(f + self._forget_bias) + _tf.sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * _tf.sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class NASCell(FixedSizes, LayerRNNCell):
    """The recurrent cell found by Neural Architecture Search (Zoph and Le, ICLR 2017).

    Variables: `recurrent_kernel` [out, 8H], `kernel` [in, 8H], `bias` [8H] only with
    `use_bias`, `projection_weights` [H, num_proj] with a projection.  State (c, m) as LSTMs.
    """

    _NAS_BASE = 8

    def __init__(self, num_units, num_proj=None, use_bias=False, reuse=None, **kwargs):
        super().__init__(_reuse=reuse, **kwargs)
        self._num_units = num_units
        self._num_proj = num_proj
        self._use_bias = use_bias
        self._state_size, self._output_size = lstm_sizes(num_units, num_proj)

    def build(self, inputs_shape):
        input_size = _tf.compat.dimension_value(_tf.TensorShape(inputs_shape).with_rank(2)[1])
        if input_size is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        width = self._NAS_BASE * self._num_units
        self.recurrent_kernel = self.add_variable("recurrent_kernel", [self._output_size, width])
        self.kernel = self.add_variable("kernel", [input_size, width])
        if self._use_bias:
            self.bias = self.add_variable("bias", shape=[width], initializer=_v1.zeros_initializer)
        if self._num_proj is not None:
            self.projection_weights = self.add_variable("projection_weights", [self._num_units, self._num_proj])
        self.built = True

    def call(self, inputs, state):
        c_prev, m_prev = state
        m_matrix = _tf.matmul(m_prev, self.recurrent_kernel)
        if self._use_bias:
            m_matrix = _tf.nn.bias_add(m_matrix, self.bias)
        m = _tf.split(m_matrix, self._NAS_BASE, axis=1)
        x = _tf.split(_tf.matmul(inputs, self.kernel), self._NAS_BASE, axis=1)
        sigmoid, tanh, relu = _tf.sigmoid, _tf.tanh, _tf.nn.relu
        layer1 = (sigmoid(x[0] + m[0]), relu(x[1] + m[1]), sigmoid(x[2] + m[2]), relu(x[3] * m[3]),
                  tanh(x[4] + m[4]), sigmoid(x[5] + m[5]), tanh(x[6] + m[6]), sigmoid(x[7] + m[7]))
        l2_0 = tanh(tanh(layer1[0] * layer1[1]) + c_prev)  # the cell is injected here
        l2_1 = tanh(layer1[2] + layer1[3])
        l2_2 = tanh(layer1[4] * layer1[5])
        l2_3 = sigmoid(layer1[6] + layer1[7])
        new_c = l2_0 * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3))
        if self._num_proj is not None:
            new_m = _tf.matmul(new_m, self.projection_weights)
        return new_m, LSTMStateTuple(new_c, new_m)


class LayerNormLSTMCell(SizedRNNCell):
    """LSTMCell (peepholes, cell clip, projection) with layer normalisation before the nonlinearities.

    Variables: `kernel` [in + out, 4H] and `bias` [4H] (created but not added under layer
    norm), `w_f_diag`, `w_i_diag`, `w_o_diag` with peepholes, `projection/kernel` [H, num_proj].
    """

    def __init__(self, num_units, use_peepholes=False, cell_clip=None, initializer=None, num_proj=None,
                 proj_clip=None, forget_bias=1.0, activation=None, layer_norm=False, norm_gain=1.0,
                 norm_shift=0.0, reuse=None):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = num_proj
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._activation = activation or _tf.tanh
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        self._state_size, self._output_size = lstm_sizes(num_units, num_proj)

    def call(self, inputs, state):
        c_prev, m_prev = state
        dtype = inputs.dtype
        static_depth(inputs)
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            lstm_matrix = Linear([inputs, m_prev], 4 * self._num_units, True)(
                [inputs, m_prev], add_bias=not self._layer_norm)
            i, j, f, o = _tf.split(lstm_matrix, 4, axis=1)
            if self._layer_norm:
                i, j, f, o = (cell_layer_norm(self._norm_gain, self._norm_shift, gate, name) for gate, name in
                              ((i, "input"), (j, "transform"), (f, "forget"), (o, "output")))
            if self._use_peepholes:
                w_f_diag = _v1.get_variable("w_f_diag", shape=[self._num_units], dtype=dtype)
                w_i_diag = _v1.get_variable("w_i_diag", shape=[self._num_units], dtype=dtype)
                w_o_diag = _v1.get_variable("w_o_diag", shape=[self._num_units], dtype=dtype)
                f = f + w_f_diag * c_prev
                i = i + w_i_diag * c_prev
            c = _tf.sigmoid(f + self._forget_bias) * c_prev + _tf.sigmoid(i) * self._activation(j)
            if self._layer_norm:
                c = cell_layer_norm(self._norm_gain, self._norm_shift, c, "state")
            if self._cell_clip is not None:
                c = _tf.clip_by_value(c, -self._cell_clip, self._cell_clip)
            if self._use_peepholes:
                o = o + w_o_diag * c
            m = _tf.sigmoid(o) * self._activation(c)
            if self._num_proj is not None:
                with _v1.variable_scope("projection"):
                    m = Linear(m, self._num_proj, False)(m)
                if self._proj_clip is not None:
                    m = _tf.clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, LSTMStateTuple(c, m)


class _GatedRNNCell(SizedRNNCell):
    """What UGRNN and +RNN share: one [batch, num_units] state, an initializer for their weights, a forget bias."""

    def __init__(self, num_units, initializer, forget_bias, reuse):
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._state_size = self._output_size = num_units


class UGRNNCell(_GatedRNNCell):
    """Update-gate RNN (Collins et al., ICLR 2017): h' = g * h + (1 - g) * activation(c).

    One `kernel` [in + H, 2H] and `bias` [2H]; columns g (gate, + forget_bias) then c.
    """

    def __init__(self, num_units, initializer=None, forget_bias=1.0, activation=_tf.tanh, reuse=None):
        super().__init__(num_units, initializer, forget_bias, reuse)
        self._activation = activation
        self._linear = None

    def call(self, inputs, state):
        static_depth(inputs)
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            cell_inputs = _tf.concat([inputs, state], 1)
            if self._linear is None:
                self._linear = Linear(cell_inputs, 2 * self._num_units, True)
            g_act, c_act = _tf.split(self._linear(cell_inputs), 2, axis=1)
            g = _tf.sigmoid(g_act + self._forget_bias)
            new_state = g * state + (1.0 - g) * self._activation(c_act)
        return new_state, new_state


class IntersectionRNNCell(_GatedRNNCell):
    """Intersection RNN (+RNN, Collins et al., ICLR 2017): gated through time and through depth.

    `kernel` [in + H, 4H] / `bias` columns: gh, h, gy, y.  The depth path needs input size H:
    a first layer sets `num_in_proj` and gets `in_projection/kernel`/`bias` [in, H].
    Returns (y, h).
    """

    def __init__(self, num_units, num_in_proj=None, initializer=None, forget_bias=1.0,
                 y_activation=_tf.nn.relu, reuse=None):
        super().__init__(num_units, initializer, forget_bias, reuse)
        self._num_input_proj = num_in_proj
        self._y_activation = y_activation
        self._in_projection = self._linear = None

    def call(self, inputs, state):
        depth = static_depth(inputs)
        n = self._num_units
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            if depth != n:
                if not self._num_input_proj:
                    raise ValueError("Must have input size == output size for Intersection RNN. To fix, "
                                     "num_in_proj should be set to num_units at cell init.")
                with _v1.variable_scope("in_projection"):
                    if self._in_projection is None:
                        self._in_projection = Linear(inputs, n, True)
                    inputs = self._in_projection(inputs)
            cell_inputs = _tf.concat([inputs, state], 1)
            if self._linear is None:
                self._linear = Linear(cell_inputs, 4 * n, True)
            gh_act, h_act, gy_act, y_act = _tf.split(self._linear(cell_inputs), 4, axis=1)
            gh = _tf.sigmoid(gh_act + self._forget_bias)
            gy = _tf.sigmoid(gy_act + self._forget_bias)
            new_state = gh * state + (1.0 - gh) * _tf.tanh(h_act)  # through time
            new_y = gy * inputs + (1.0 - gy) * self._y_activation(y_act)  # through depth
        return new_y, new_state


class CompiledWrapper(ForwardingWrapper):
    """Builds the cell's step inside an XLA JIT scope (stateful ops left out unless asked)."""

    def __init__(self, cell, compile_stateful=False):
        super().__init__(cell)
        self._compile_stateful = compile_stateful

    def __call__(self, inputs, state, scope=None):
        if self._compile_stateful:
            compile_ops = True
        else:
            def compile_ops(node_def):
                return not _op_def_registry.get(node_def.op).is_stateful
        with _tf.xla.experimental.jit_scope(compile_ops=compile_ops):
            return self._cell(inputs, state, scope=scope)

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
