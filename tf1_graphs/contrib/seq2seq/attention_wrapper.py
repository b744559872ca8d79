"""Attention for decoders: the mechanisms (Luong, Bahdanau, their monotonic forms) and `AttentionWrapper`.

A mechanism is built on the memory (the encoder outputs): rows past `memory_sequence_length`
are zeroed, and `memory_layer` (a bias-free `tf.layers.Dense` named `memory_layer`, made where
the mechanism is constructed) turns them into keys.  Called with a query and its previous
state, it returns the alignments (and the next state, the same alignments), scores past a
sequence's length set to `score_mask_value` (-inf) before `probability_fn`.  The wrapper runs
its cell on `cell_input_fn(inputs, previous attention)`, scores the cell output, mixes the
memory by the alignments into a context, and passes `[cell output, context]` through a
bias-free `attention_layer` when `attention_layer_size` is given.  Variable names, scopes and
defaults are TF 1.15's (`bahdanau_attention/attention_v`, `luong_attention/attention_g`, ...).
TF 1.15's Keras-layer variants (`LuongAttentionV2`, ...) were never exported from
`tf.contrib.seq2seq`; they are not provided.
"""
import collections
import functools
import math

import numpy as np
import tensorflow as tf

from tf1_graphs.contrib._cell_parts import RNNCell, assert_like_rnncell
from tf1_graphs.contrib.seq2seq._shapes import dim, zeros_for
from tf1_graphs.contrib.seq2seq.basic_decoder import is_layer

v1 = tf.compat.v1
nest = tf.nest


class AttentionMechanism:
    """The base every mechanism the `AttentionWrapper` accepts derives from."""

    @property
    def alignments_size(self):
        raise NotImplementedError

    @property
    def state_size(self):
        raise NotImplementedError


class _BaseAttentionMechanism(AttentionMechanism):
    """Keeps the masked memory (`values`), its keys, and the query/memory layers."""

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None, memory_layer=None,
                 check_inner_dims_defined=True, score_mask_value=None, custom_key_value_fn=None, name=None):
        for label, layer in (("query_layer", query_layer), ("memory_layer", memory_layer)):
            if layer is not None and not is_layer(layer):
                raise TypeError("%s is not a Layer: %s" % (label, type(layer).__name__))
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        self.dtype = memory_layer.dtype
        if not callable(probability_fn):
            raise TypeError("probability_fn must be callable, saw type: %s" % type(probability_fn).__name__)
        if score_mask_value is None:
            score_mask_value = tf.as_dtype(memory_layer.dtype).as_numpy_dtype(-np.inf)
        self._probability_fn = lambda score, previous: probability_fn(
            _mask_score(score, memory_sequence_length, score_mask_value), previous)
        with v1.name_scope(name, "BaseAttentionMechanismInit", nest.flatten(memory)):
            self._values = _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined)
            self._keys = self.memory_layer(self._values) if self.memory_layer else self._values
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
            self._batch_size = dim(self._keys, 0)
            self._alignments_size = dim(self._keys, 1)

    @property
    def memory_layer(self):
        return self._memory_layer

    @property
    def query_layer(self):
        return self._query_layer

    @property
    def values(self):
        return self._values

    @property
    def keys(self):
        return self._keys

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def alignments_size(self):
        return self._alignments_size

    @property
    def state_size(self):
        return self._alignments_size

    def initial_alignments(self, batch_size, dtype):
        """Zeros, [batch_size, memory's max_time]."""
        return zeros_for(self._alignments_size, batch_size, dtype)

    def initial_state(self, batch_size, dtype):
        return self.initial_alignments(batch_size, dtype)


class _BaseMonotonicAttentionMechanism(_BaseAttentionMechanism):
    """Monotonic attention starts from a Dirac distribution on the first memory entry."""

    def initial_alignments(self, batch_size, dtype):
        return tf.one_hot(tf.zeros((batch_size,), dtype=tf.int32), self._alignments_size, dtype=dtype)


def _memory_dense(num_units, name, dtype):
    return v1.layers.Dense(num_units, name=name, use_bias=False, dtype=dtype)


def _luong_score(query, keys, scale):
    """query . key for every memory entry ([batch, max_time]), times `scale` when given."""
    depth, key_units = query.shape[-1], keys.shape[-1]
    if depth != key_units:
        raise ValueError(
            "Incompatible or unknown inner dimensions between query and keys.  Query (%s) has units: %s.  "
            "Keys (%s) have units: %s.  Perhaps you need to set num_units to the keys' dimension (%s)?"
            % (query, depth, keys, key_units, key_units))
    score = tf.squeeze(tf.matmul(tf.expand_dims(query, 1), keys, transpose_b=True), [1])
    return score if scale is None else scale * score


def _bahdanau_score(processed_query, keys, attention_v, attention_g=None, attention_b=None):
    """v . tanh(keys + query), with v weight-normalised to g * v / |v| and a bias b when normalized."""
    processed_query = tf.expand_dims(processed_query, 1)
    if attention_g is not None and attention_b is not None:
        normed_v = attention_g * attention_v * tf.math.rsqrt(tf.reduce_sum(tf.square(attention_v)))
        return tf.reduce_sum(normed_v * tf.tanh(keys + processed_query + attention_b), [2])
    return tf.reduce_sum(attention_v * tf.tanh(keys + processed_query), [2])


def _luong_scale(scale, dtype):
    if not scale:
        return None
    return v1.get_variable("attention_g", dtype=dtype, initializer=v1.ones_initializer, shape=())


def _bahdanau_variables(num_units, normalize, dtype):
    """attention_v [num_units], and with `normalize` attention_g (sqrt(1/num_units)) and attention_b (zeros)."""
    attention_v = v1.get_variable("attention_v", [num_units], dtype=dtype)
    if not normalize:
        return attention_v, None, None
    attention_g = v1.get_variable("attention_g", dtype=dtype, shape=(),
                                  initializer=v1.constant_initializer(math.sqrt(1. / num_units)))
    attention_b = v1.get_variable("attention_b", [num_units], dtype=dtype, initializer=v1.zeros_initializer())
    return attention_v, attention_g, attention_b


def _ignore_previous(probability_fn):
    probability_fn = tf.nn.softmax if probability_fn is None else probability_fn
    return lambda score, _: probability_fn(score)


class LuongAttention(_BaseAttentionMechanism):
    """Multiplicative attention (Luong et al. 2015); `scale=True` multiplies the score by a learned g."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False, probability_fn=None,
                 score_mask_value=None, dtype=None, custom_key_value_fn=None, name="LuongAttention"):
        super().__init__(query_layer=None, memory_layer=_memory_dense(num_units, "memory_layer", dtype or tf.float32),
                         memory=memory, probability_fn=_ignore_previous(probability_fn),
                         memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
                         custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units = num_units
        self._scale = scale
        self._name = name

    def __call__(self, query, state):
        with v1.variable_scope(None, "luong_attention", [query]):
            score = _luong_score(query, self._keys, _luong_scale(self._scale, query.dtype))
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class BahdanauAttention(_BaseAttentionMechanism):
    """Additive attention (Bahdanau et al. 2015); `normalize=True` weight-normalises v (Salimans & Kingma)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False, probability_fn=None,
                 score_mask_value=None, dtype=None, custom_key_value_fn=None, name="BahdanauAttention"):
        dtype = dtype or tf.float32
        super().__init__(query_layer=_memory_dense(num_units, "query_layer", dtype),
                         memory_layer=_memory_dense(num_units, "memory_layer", dtype),
                         memory=memory, probability_fn=_ignore_previous(probability_fn),
                         custom_key_value_fn=custom_key_value_fn, memory_sequence_length=memory_sequence_length,
                         score_mask_value=score_mask_value, name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name

    def __call__(self, query, state):
        with v1.variable_scope(None, "bahdanau_attention", [query]):
            processed_query = self.query_layer(query) if self.query_layer else query
            score = _bahdanau_score(processed_query, self._keys,
                                    *_bahdanau_variables(self._num_units, self._normalize, query.dtype))
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def safe_cumprod(x, *args, **kwargs):
    """cumprod computed as exp(cumsum(log x)), x clipped to [tiny, 1]: no underflow, finite gradients."""
    with v1.name_scope(None, "SafeCumprod", [x]):
        x = tf.convert_to_tensor(x, name="x")
        tiny = np.finfo(x.dtype.as_numpy_dtype).tiny
        return tf.exp(tf.cumsum(tf.math.log(tf.clip_by_value(x, tiny, 1)), *args, **kwargs))


def monotonic_attention(p_choose_i, previous_attention, mode):
    """The monotonic attention distribution from choosing probabilities (Raffel et al. 2017).

    mode 'recursive' scans q[i] = (1 - p[i-1]) q[i-1] + previous[i], attention = p q (exact);
    'parallel' solves that recurrence with cumulative sums and products (clipped, so inexact);
    'hard' expects p in {0, 1} and keeps the first chosen entry at or after the previous one.
    """
    p_choose_i = tf.convert_to_tensor(p_choose_i, name="p_choose_i")
    previous_attention = tf.convert_to_tensor(previous_attention, name="previous_attention")
    if mode == "recursive":
        batch_size = dim(p_choose_i, 0)
        shifted_1mp = tf.concat([tf.ones((batch_size, 1)), 1 - p_choose_i[:, :-1]], 1)
        q = tf.scan(lambda x, yz: tf.reshape(yz[0] * x + yz[1], (batch_size,)),
                    [tf.transpose(shifted_1mp), tf.transpose(previous_attention)], tf.zeros((batch_size,)))
        return p_choose_i * tf.transpose(q)
    if mode == "parallel":
        cumprod_1mp = safe_cumprod(1 - p_choose_i, axis=1, exclusive=True)
        return p_choose_i * cumprod_1mp * tf.cumsum(
            previous_attention / tf.clip_by_value(cumprod_1mp, 1e-10, 1.), axis=1)
    if mode == "hard":
        p_choose_i *= tf.cumsum(previous_attention, axis=1)
        return p_choose_i * tf.math.cumprod(1 - p_choose_i, axis=1, exclusive=True)
    raise ValueError("mode must be 'recursive', 'parallel', or 'hard'.")


def _monotonic_probability_fn(score, previous_alignments, sigmoid_noise, mode, seed=None):
    """Noise before the sigmoid (to push choices towards 0/1), then `monotonic_attention`."""
    if sigmoid_noise > 0:
        score += sigmoid_noise * v1.random_normal(tf.shape(score), dtype=score.dtype, seed=seed)
    p_choose_i = tf.cast(score > 0, score.dtype) if mode == "hard" else tf.sigmoid(score)
    return monotonic_attention(p_choose_i, previous_alignments, mode)


def _score_bias(score_bias_init, dtype):
    return v1.get_variable("attention_score_bias", dtype=dtype, initializer=score_bias_init)


class BahdanauMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """Bahdanau scores plus a learned scalar bias, turned into monotonic attention."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False, score_mask_value=None,
                 sigmoid_noise=0., sigmoid_noise_seed=None, score_bias_init=0., mode="parallel", dtype=None,
                 name="BahdanauMonotonicAttention"):
        dtype = dtype or tf.float32
        probability_fn = functools.partial(_monotonic_probability_fn, sigmoid_noise=sigmoid_noise, mode=mode,
                                           seed=sigmoid_noise_seed)
        super().__init__(query_layer=_memory_dense(num_units, "query_layer", dtype),
                         memory_layer=_memory_dense(num_units, "memory_layer", dtype),
                         memory=memory, probability_fn=probability_fn,
                         memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
                         name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name
        self._score_bias_init = score_bias_init

    def __call__(self, query, state):
        with v1.variable_scope(None, "bahdanau_monotonic_attention", [query]):
            processed_query = self.query_layer(query) if self.query_layer else query
            score = _bahdanau_score(processed_query, self._keys,
                                    *_bahdanau_variables(self._num_units, self._normalize, query.dtype))
            score += _score_bias(self._score_bias_init, processed_query.dtype)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class LuongMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """Luong scores plus a learned scalar bias, turned into monotonic attention."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False, score_mask_value=None,
                 sigmoid_noise=0., sigmoid_noise_seed=None, score_bias_init=0., mode="parallel", dtype=None,
                 name="LuongMonotonicAttention"):
        probability_fn = functools.partial(_monotonic_probability_fn, sigmoid_noise=sigmoid_noise, mode=mode,
                                           seed=sigmoid_noise_seed)
        super().__init__(query_layer=None, memory_layer=_memory_dense(num_units, "memory_layer", dtype or tf.float32),
                         memory=memory, probability_fn=probability_fn,
                         memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
                         name=name)
        self._num_units = num_units
        self._scale = scale
        self._score_bias_init = score_bias_init
        self._name = name

    def __call__(self, query, state):
        with v1.variable_scope(None, "luong_monotonic_attention", [query]):
            score = _luong_score(query, self._keys, _luong_scale(self._scale, query.dtype))
            score += _score_bias(self._score_bias_init, query.dtype)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState",
        ("cell_state", "attention", "time", "alignments", "alignment_history", "attention_state"))):
    """The wrapper's state: the cell's, the last attention, the step, alignments (one per mechanism,
    a tuple when given a list), their history (TensorArrays, when kept) and the mechanisms' states."""

    def clone(self, **kwargs):
        """This state with some fields replaced; a replacing tensor takes the static shape it replaces."""
        def same_shape(old, new):
            if isinstance(old, tf.Tensor) and isinstance(new, tf.Tensor):
                if not old.shape.is_compatible_with(new.shape):
                    raise ValueError("Shapes %s and %s are incompatible" % (old.shape, new.shape))
                new.set_shape(old.shape)
            return new

        return nest.map_structure(same_shape, self, super()._replace(**kwargs))


def _prepare_memory(memory, memory_sequence_length, check_inner_dims_defined):
    """The memory as tensors, rows past each sequence's length zeroed."""
    memory = nest.map_structure(lambda m: tf.convert_to_tensor(m, name="memory"), memory)
    if memory_sequence_length is not None:
        memory_sequence_length = tf.convert_to_tensor(memory_sequence_length, name="memory_sequence_length")
    if check_inner_dims_defined:
        for m in nest.flatten(memory):
            if not m.shape[2:].is_fully_defined():
                raise ValueError("Expected memory %s to have fully defined inner dims, but saw shape: %s"
                                 % (m.name, m.shape))
    if memory_sequence_length is None:
        return memory
    first = nest.flatten(memory)[0]
    mask = tf.sequence_mask(memory_sequence_length, maxlen=tf.shape(first)[1], dtype=first.dtype)

    def masked(m):
        rank = m.shape.ndims if m.shape.ndims is not None else tf.rank(m)
        extra_ones = tf.ones(rank - 2, dtype=tf.int32)
        return m * tf.reshape(mask, tf.concat((tf.shape(mask), extra_ones), 0))

    return nest.map_structure(masked, memory)


def _mask_score(score, memory_sequence_length, score_mask_value):
    """`score_mask_value` past each sequence's length (lengths must be positive, as TF 1.15 asserted)."""
    if memory_sequence_length is None:
        return score
    message = "All values in memory_sequence_length must be greater than zero."
    with tf.control_dependencies([v1.assert_positive(memory_sequence_length, message=message)]):
        mask = tf.sequence_mask(memory_sequence_length, maxlen=tf.shape(score)[1])
    return v1.where(mask, score, score_mask_value * tf.ones_like(score))


def hardmax(logits, name=None):
    """One-hot vectors at each row's largest logit, in the logits' dtype."""
    with v1.name_scope(name, "Hardmax", [logits]):
        logits = tf.convert_to_tensor(logits, name="logits")
        depth = tf.compat.dimension_value(logits.shape[-1])
        depth = tf.shape(logits)[-1] if depth is None else depth
        return tf.one_hot(tf.argmax(logits, -1), depth, dtype=logits.dtype)


def _compute_attention(attention_mechanism, cell_output, attention_state, attention_layer):
    """(attention, alignments, next mechanism state): the context, through `attention_layer` if any."""
    alignments, next_attention_state = attention_mechanism(cell_output, state=attention_state)
    context = tf.squeeze(tf.matmul(tf.expand_dims(alignments, 1), attention_mechanism.values), [1])
    if attention_layer is not None:
        return attention_layer(tf.concat([cell_output, context], 1)), alignments, next_attention_state
    return context, alignments, next_attention_state


class AttentionWrapper(RNNCell):
    """Wraps a cell with one attention mechanism, or a list of them (their attentions concatenated).

    With a `BeamSearchDecoder`, tile the memory, its lengths and the encoder state with
    `tile_batch` and ask `zero_state` for batch_size * beam_width.
    """

    def __init__(self, cell, attention_mechanism, attention_layer_size=None, alignment_history=False,
                 cell_input_fn=None, output_attention=True, initial_cell_state=None, name=None,
                 attention_layer=None, attention_fn=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        assert_like_rnncell("cell", cell)
        self._is_multi = isinstance(attention_mechanism, (list, tuple))
        mechanisms = tuple(attention_mechanism) if self._is_multi else (attention_mechanism,)
        for mechanism in mechanisms:
            if not isinstance(mechanism, AttentionMechanism):
                raise TypeError(
                    ("attention_mechanism must contain only instances of AttentionMechanism, saw type: %s"
                     if self._is_multi else
                     "attention_mechanism must be an AttentionMechanism or list of multiple AttentionMechanism "
                     "instances, saw type: %s") % type(mechanism).__name__)
        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: tf.concat([inputs, attention], -1)  # noqa: E731
        elif not callable(cell_input_fn):
            raise TypeError("cell_input_fn must be callable, saw type: %s" % type(cell_input_fn).__name__)
        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be set")

        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size, (list, tuple))
                          else (attention_layer_size,))
            if len(sizes) != len(mechanisms):
                raise ValueError("If provided, attention_layer_size must contain exactly one integer per "
                                 "attention_mechanism, saw: %d vs %d" % (len(sizes), len(mechanisms)))
            self._attention_layers = tuple(
                v1.layers.Dense(size, name="attention_layer", use_bias=False, dtype=mechanism.dtype)
                for size, mechanism in zip(sizes, mechanisms))
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            self._attention_layers = tuple(attention_layer if isinstance(attention_layer, (list, tuple))
                                           else (attention_layer,))
            if len(self._attention_layers) != len(mechanisms):
                raise ValueError("If provided, attention_layer must contain exactly one layer per "
                                 "attention_mechanism, saw: %d vs %d" % (len(self._attention_layers), len(mechanisms)))
            self._attention_layer_size = sum(
                tf.compat.dimension_value(layer.compute_output_shape(
                    [None, cell.output_size + tf.compat.dimension_value(mechanism.values.shape[-1])])[-1])
                for layer, mechanism in zip(self._attention_layers, mechanisms))
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(tf.compat.dimension_value(m.values.shape[-1]) for m in mechanisms)

        self._attention_fn = _compute_attention if attention_fn is None else attention_fn
        self._cell = cell
        self._attention_mechanisms = mechanisms
        self._cell_input_fn = cell_input_fn
        self._output_attention = output_attention
        self._alignment_history = alignment_history
        with v1.name_scope(name, "AttentionWrapperInit"):
            self._initial_cell_state = None
            if initial_cell_state is not None:
                last = nest.flatten(initial_cell_state)[-1]
                message = ("When constructing AttentionWrapper %s: " % self._base_name +
                           "Non-matching batch sizes between the memory (encoder output) and initial_cell_state.  "
                           "Are you using the BeamSearchDecoder?  You may need to tile your initial state via the "
                           "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width.")
                with tf.control_dependencies(self._batch_size_checks(dim(last, 0), message)):
                    self._initial_cell_state = nest.map_structure(
                        lambda s: tf.identity(s, name="check_initial_cell_state"), initial_cell_state)

    def _batch_size_checks(self, batch_size, error_message):
        return [v1.assert_equal(batch_size, mechanism.batch_size, message=error_message)
                for mechanism in self._attention_mechanisms]

    def _item_or_tuple(self, seq):
        """A tuple when the mechanisms came as a list, else the single item."""
        seq = tuple(seq)
        return seq if self._is_multi else seq[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        mechanisms = self._attention_mechanisms
        return AttentionWrapperState(
            cell_state=self._cell.state_size,
            time=tf.TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in mechanisms),
            attention_state=self._item_or_tuple(m.state_size for m in mechanisms),
            alignment_history=self._item_or_tuple(m.alignments_size if self._alignment_history else ()
                                                  for m in mechanisms))

    def zero_state(self, batch_size, dtype):
        """The initial state: `initial_cell_state` (or the cell's zero state), zero attention,
        the mechanisms' initial alignments, empty histories."""
        with v1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._initial_cell_state is not None:
                cell_state = self._initial_cell_state
            else:
                cell_state = _cell_zero_state(self._cell, batch_size, dtype)
            message = ("When calling zero_state of AttentionWrapper %s: " % self._base_name +
                       "Non-matching batch sizes between the memory (encoder output) and the requested batch size.  "
                       "Are you using the BeamSearchDecoder?  If so, make sure your encoder output has been tiled "
                       "to beam_width via tf.contrib.seq2seq.tile_batch, and the batch_size= argument passed to "
                       "zero_state is batch_size * beam_width.")
            with tf.control_dependencies(self._batch_size_checks(batch_size, message)):
                cell_state = nest.map_structure(lambda s: tf.identity(s, name="checked_cell_state"), cell_state)
            alignments = [m.initial_alignments(batch_size, dtype) for m in self._attention_mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state,
                time=tf.zeros([], dtype=tf.int32),
                attention=zeros_for(self._attention_layer_size, batch_size, dtype),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(m.initial_state(batch_size, dtype)
                                                    for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(
                    tf.TensorArray(dtype, size=0, dynamic_size=True, element_shape=a.shape)
                    if self._alignment_history else () for a in alignments))

    def call(self, inputs, state):
        """cell on [inputs, previous attention], then each mechanism on the cell output."""
        if not isinstance(state, AttentionWrapperState):
            raise TypeError("Expected state to be instance of AttentionWrapperState. Received type %s instead."
                            % type(state))
        cell_output, next_cell_state = self._cell(self._cell_input_fn(inputs, state.attention), state.cell_state)
        message = ("When applying AttentionWrapper %s: " % self.name +
                   "Non-matching batch sizes between the memory (encoder output) and the query (decoder output).  "
                   "Are you using the BeamSearchDecoder?  You may need to tile your memory input via the "
                   "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width.")
        with tf.control_dependencies(self._batch_size_checks(dim(cell_output, 0), message)):
            cell_output = tf.identity(cell_output, name="checked_cell_output")
        if self._is_multi:
            previous_states, previous_histories = state.attention_state, state.alignment_history
        else:
            previous_states, previous_histories = [state.attention_state], [state.alignment_history]

        attentions, alignments, attention_states, histories = [], [], [], []
        for i, mechanism in enumerate(self._attention_mechanisms):
            attention, alignment, next_attention_state = self._attention_fn(
                mechanism, cell_output, previous_states[i],
                self._attention_layers[i] if self._attention_layers else None)
            attentions.append(attention)
            alignments.append(alignment)
            attention_states.append(next_attention_state)
            histories.append(previous_histories[i].write(state.time, alignment) if self._alignment_history else ())

        attention = tf.concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(attention_states),
            alignments=self._item_or_tuple(alignments),
            alignment_history=self._item_or_tuple(histories))
        return (attention if self._output_attention else cell_output), next_state


def _cell_zero_state(cell, batch_size, dtype):
    """The cell's initial state; TF 1.15 asked `get_initial_state`, which cells without one lack."""
    if hasattr(cell, "get_initial_state"):
        return cell.get_initial_state(batch_size=batch_size, dtype=dtype)
    return cell.zero_state(batch_size, dtype)
