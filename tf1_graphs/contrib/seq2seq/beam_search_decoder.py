"""`BeamSearchDecoder`, `tile_batch` and `gather_tree_from_array`, with TF 1.15's scoring.

Each step adds the step's log-softmax to each beam's log-probability (a finished beam can only
continue with `end_token`, at no cost), scores the candidates, log-prob divided by the GNMT
length penalty ((5 + length) / 6) ** length_penalty_weight, plus, with
`coverage_penalty_weight`, that weight times the sum of log(min(accumulated attention, 1))
over the memory for beams already finished (Wu et al. 2016), and keeps the top `beam_width`
of beam_width * vocab candidates per batch entry.  `finalize` traces each beam back with
`gather_tree`.  The cell state enters and leaves the cell merged to [batch * beam, ...].
"""
import collections

import numpy as np
import tensorflow as tf

from tf1_graphs.contrib._cell_parts import assert_like_rnncell
from tf1_graphs.contrib.seq2seq import decoder
from tf1_graphs.contrib.seq2seq.attention_wrapper import AttentionWrapperState
from tf1_graphs.contrib.seq2seq.basic_decoder import check_output_layer, layer_output_size
from tf1_graphs.contrib.seq2seq.beam_search_ops import gather_tree
from tf1_graphs.contrib.seq2seq.helper import _embedding_fn

v1 = tf.compat.v1
nest = tf.nest


class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState", ("cell_state", "log_probs", "finished", "lengths", "accumulated_attention_probs"))):
    pass


class BeamSearchDecoderOutput(collections.namedtuple(
        "BeamSearchDecoderOutput", ("scores", "predicted_ids", "parent_ids"))):
    pass


class FinalBeamSearchDecoderOutput(collections.namedtuple(
        "FinalBeamDecoderOutput", ["predicted_ids", "beam_search_decoder_output"])):
    """`predicted_ids` [batch, time, beam] traced back; `beam_search_decoder_output` as the steps emitted it."""


def tile_batch(t, multiplier, name=None):
    """Each batch entry repeated `multiplier` times in a row: [a, b] -> [a, a, b, b] (not tf.tile's [a, b, a, b])."""
    flat = nest.flatten(t)
    with v1.name_scope(name, "tile_batch", flat + [multiplier]):
        return nest.map_structure(lambda one: _tile_batch(one, multiplier), t)


def _tile_batch(t, multiplier):
    t = tf.convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    shape = tf.shape(t)
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    tiled = tf.tile(tf.expand_dims(t, 1), tiling)
    tiled = tf.reshape(tiled, tf.concat(([shape[0] * multiplier], shape[1:]), 0))
    static_batch = tf.compat.dimension_value(t.shape[0])
    tiled.set_shape(tf.TensorShape([None if static_batch is None else static_batch * multiplier])
                    .concatenate(t.shape[1:]))
    return tiled


def gather_tree_from_array(t, parent_ids, sequence_length):
    """`t` ([time, batch * beam, ...] or [time, batch, beam, ...]) reordered along the traced-back beams;
    steps past a beam's `sequence_length` keep their own beam."""
    max_time, batch_size, beam_width = (tf.compat.dimension_value(parent_ids.shape[i]) or tf.shape(parent_ids)[i]
                                        for i in range(3))
    beam_ids = tf.tile(tf.range(beam_width)[None, None], [max_time, batch_size, 1])
    max_sequence_lengths = tf.cast(tf.reduce_max(sequence_length, axis=1), tf.int32)
    sorted_beam_ids = gather_tree(step_ids=beam_ids, parent_ids=parent_ids,
                                  max_sequence_lengths=max_sequence_lengths, end_token=beam_width + 1)
    in_bound = tf.transpose(tf.sequence_mask(sequence_length, maxlen=max_time), perm=[2, 0, 1])
    sorted_beam_ids = v1.where(in_bound, x=sorted_beam_ids, y=beam_ids)
    time_ind = tf.tile(tf.reshape(tf.range(max_time), [-1, 1, 1]), [1, batch_size, beam_width])
    batch_ind = tf.transpose(tf.tile(tf.reshape(tf.range(batch_size), [-1, 1, 1]), [1, max_time, beam_width]),
                             perm=[1, 0, 2])
    indices = tf.stack([time_ind, batch_ind, sorted_beam_ids], -1)
    ordered = tf.gather_nd(tf.reshape(t, [max_time, batch_size, beam_width, -1]), indices)
    return tf.reshape(ordered, tf.shape(t))


def _check_ndims(t):
    if t.shape.ndims is None:
        raise ValueError("Expected tensor (%s) to have known rank, but ndims == None." % t)


def _check_static_batch_beam_maybe(shape, batch_size, beam_width):
    """False (with TF 1.15's warning) when a TensorArray's elements cannot be [batch, beam, ...]."""
    if (batch_size is not None and tf.compat.dimension_value(shape[0]) is not None
            and (shape[0] != batch_size * beam_width
                 or (shape.ndims >= 2 and tf.compat.dimension_value(shape[1]) is not None
                     and (shape[0] != batch_size or shape[1] != beam_width)))):
        v1.logging.warn("TensorArray reordering expects elements to be reshapable to %s which is incompatible "
                        "with the current shape %s. Consider setting reorder_tensor_arrays to False to disable "
                        "TensorArray reordering during the beam search."
                        % (tf.TensorShape([batch_size, beam_width, None]), shape))
        return False
    return True


def _check_batch_beam(t, batch_size, beam_width):
    message = ("TensorArray reordering expects elements to be reshapable to [batch_size, beam_size, -1] which is "
               "incompatible with the dynamic shape of %s elements. Consider setting reorder_tensor_arrays to False "
               "to disable TensorArray reordering during the beam search." % t.name)
    shape = tf.shape(t)
    condition = tf.equal(shape[1], batch_size * beam_width)
    if t.shape.ndims != 2:
        condition = tf.logical_or(condition, tf.logical_and(tf.equal(shape[1], batch_size),
                                                            tf.equal(shape[2], beam_width)))
    return v1.Assert(condition, [message])


class _BeamSearch:
    """What both beam search decoders share: the step, the scoring, the back-trace in `finalize`.
    `_setup` takes the embedding, start and end tokens and initial state, at construction
    (`BeamSearchDecoder`) or at `initialize` (`BeamSearchDecoderV2`)."""

    def __init__(self, cell, beam_width, output_layer=None, length_penalty_weight=0.0,
                 coverage_penalty_weight=0.0, reorder_tensor_arrays=True, **kwargs):
        super().__init__(**kwargs)  # first: a Keras layer (the V2 form) tracks the attributes set below
        assert_like_rnncell("cell", cell)
        check_output_layer(output_layer)
        self._cell = cell
        self._output_layer = output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        self._start_tokens = self._end_token = self._batch_size = None
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight

    def _setup(self, start_tokens, end_token, initial_state):
        self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32, name="start_tokens")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32, name="end_token")
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = tf.size(start_tokens)
        self._initial_cell_state = nest.map_structure(self._maybe_split_batch_beams, initial_state,
                                                      self._cell.state_size)
        self._start_tokens = tf.tile(tf.expand_dims(self._start_tokens, 1), [1, self._beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        self._finished = tf.one_hot(tf.zeros([self._batch_size], dtype=tf.int32), depth=self._beam_width,
                                    on_value=False, off_value=True, dtype=tf.bool)

    def _initial_values(self):
        """Only beam 0 starts alive (log-prob 0; the others -inf), so the first step does not repeat beams."""
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        log_probs = tf.one_hot(tf.zeros([self._batch_size], dtype=tf.int32), depth=self._beam_width,
                               on_value=tf.convert_to_tensor(0.0, dtype=dtype),
                               off_value=tf.convert_to_tensor(-np.inf, dtype=dtype), dtype=dtype)
        attention_probs = get_attention_probs(self._initial_cell_state, self._coverage_penalty_weight)
        initial_state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=self._finished,
            lengths=tf.zeros([self._batch_size, self._beam_width], dtype=tf.int64),
            accumulated_attention_probs=() if attention_probs is None else attention_probs)
        return self._finished, self._start_inputs, initial_state

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def tracks_own_finished(self):
        """Beams are reordered at each step, so `dynamic_decode` must not OR its own finished flags in."""
        return True

    @property
    def output_size(self):
        return BeamSearchDecoderOutput(scores=tf.TensorShape([self._beam_width]),
                                       predicted_ids=tf.TensorShape([self._beam_width]),
                                       parent_ids=tf.TensorShape([self._beam_width]))

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(
            scores=nest.map_structure(lambda _: dtype, layer_output_size(self._cell, self._output_layer)),
            predicted_ids=tf.int32, parent_ids=tf.int32)

    def finalize(self, outputs, final_state, sequence_lengths):
        """Trace the beams back (`gather_tree`); with `reorder_tensor_arrays`, reorder the state's TensorArrays too."""
        max_sequence_lengths = tf.cast(tf.reduce_max(final_state.lengths, axis=1), tf.int32)
        predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids,
                                    max_sequence_lengths=max_sequence_lengths, end_token=self._end_token)
        if self._reorder_tensor_arrays:
            final_state = final_state._replace(cell_state=nest.map_structure(
                lambda t: self._maybe_sort_array_beams(t, outputs.parent_ids, final_state.lengths),
                final_state.cell_state))
        return FinalBeamSearchDecoderOutput(beam_search_decoder_output=outputs, predicted_ids=predicted_ids), \
            final_state

    def _merge_batch_beams(self, t, s=None):
        """[batch, beam, ...] -> [batch * beam, ...], keeping the static shape `s` of the rest."""
        s = tf.TensorShape(tf.get_static_value(s)) if isinstance(s, tf.Tensor) else tf.TensorShape(s)
        static_batch = tf.get_static_value(self._batch_size)
        merged = tf.reshape(t, tf.concat(([self._batch_size * self._beam_width], tf.shape(t)[2:]), 0))
        merged.set_shape(tf.TensorShape([None if static_batch is None else static_batch * self._beam_width])
                         .concatenate(s))
        return merged

    def _split_batch_beams(self, t, s=None):
        """[batch * beam, ...] -> [batch, beam, ...]; an untiled state fails here with TF 1.15's hint."""
        s = tf.TensorShape(tf.get_static_value(s)) if isinstance(s, tf.Tensor) else tf.TensorShape(s)
        split = tf.reshape(t, tf.concat(([self._batch_size, self._beam_width], tf.shape(t)[1:]), 0))
        expected = tf.TensorShape([tf.get_static_value(self._batch_size), self._beam_width]).concatenate(s)
        if not split.shape.is_compatible_with(expected):
            raise ValueError("Unexpected behavior when reshaping between beam width and batch size.  The reshaped "
                             "tensor has shape: %s.  We expected it to have shape (batch_size, beam_width, depth) "
                             "== %s.  Perhaps you forgot to create a zero_state with "
                             "batch_size=encoder_batch_size * beam_width?" % (split.shape, expected))
        split.set_shape(expected)
        return split

    def _maybe_split_batch_beams(self, t, s):
        if isinstance(t, tf.TensorArray):
            return t
        _check_ndims(t)
        return self._split_batch_beams(t, s) if t.shape.ndims >= 1 else t

    def _maybe_merge_batch_beams(self, t, s):
        if isinstance(t, tf.TensorArray):
            return t
        _check_ndims(t)
        return self._merge_batch_beams(t, s) if t.shape.ndims >= 2 else t

    def _maybe_sort_array_beams(self, t, parent_ids, sequence_length):
        """A TensorArray of [batch * beam, ...] elements (an alignment history) reordered like the beams."""
        if not isinstance(t, tf.TensorArray):
            return t
        if t.element_shape.ndims is None or t.element_shape.ndims < 1:
            v1.logging.warn("The TensorArray %s in the cell state is not amenable to sorting based on the beam "
                            "search result. For a TensorArray to be sorted, its elements shape must be defined and "
                            "have at least a rank of 1, but saw shape: %s" % (t.handle.name, t.element_shape))
            return t
        if not _check_static_batch_beam_maybe(t.element_shape, tf.get_static_value(self._batch_size),
                                              self._beam_width):
            return t
        t = t.stack()
        with tf.control_dependencies([_check_batch_beam(t, self._batch_size, self._beam_width)]):
            return gather_tree_from_array(t, parent_ids, sequence_length)

    def step(self, time, inputs, state, name=None, training=None):
        with v1.name_scope(name, "BeamSearchDecoderStep", (time, inputs, state)):
            inputs = nest.map_structure(lambda inp: self._merge_batch_beams(inp, s=inp.shape[2:]), inputs)
            cell_state = nest.map_structure(self._maybe_merge_batch_beams, state.cell_state, self._cell.state_size)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)
            cell_outputs = nest.map_structure(lambda out: self._split_batch_beams(out, out.shape[1:]), cell_outputs)
            next_cell_state = nest.map_structure(self._maybe_split_batch_beams, next_cell_state,
                                                 self._cell.state_size)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            output, beam_state = _beam_search_step(
                time=time, logits=cell_outputs, next_cell_state=next_cell_state, beam_state=state,
                batch_size=self._batch_size, beam_width=self._beam_width, end_token=self._end_token,
                length_penalty_weight=self._length_penalty_weight,
                coverage_penalty_weight=self._coverage_penalty_weight)
            finished = beam_state.finished
            next_inputs = tf.cond(tf.reduce_all(finished), lambda: self._start_inputs,
                                  lambda: self._embedding_fn(output.predicted_ids))
        return output, beam_state, next_inputs, finished


class BeamSearchDecoder(_BeamSearch, decoder.Decoder):
    """Beam search over a cell: the initial state must be tiled to batch * beam_width (`tile_batch`)."""

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width, output_layer=None,
                 length_penalty_weight=0.0, coverage_penalty_weight=0.0, reorder_tensor_arrays=True):
        super().__init__(cell, beam_width, output_layer=output_layer, length_penalty_weight=length_penalty_weight,
                         coverage_penalty_weight=coverage_penalty_weight,
                         reorder_tensor_arrays=reorder_tensor_arrays)
        self._embedding_fn = _embedding_fn(embedding)
        self._setup(start_tokens, end_token, initial_state)

    def initialize(self, name=None):
        return self._initial_values()


class BeamSearchDecoderV2(_BeamSearch, decoder.BaseDecoder):
    """TF 1.15's Keras-layer form (not exported from `tf.contrib.seq2seq`):
    `layer(embedding, start_tokens=, end_token=, initial_state=)` decodes."""

    def __init__(self, cell, beam_width, embedding_fn=None, output_layer=None, length_penalty_weight=0.0,
                 coverage_penalty_weight=0.0, reorder_tensor_arrays=True, **kwargs):
        super().__init__(cell, beam_width, output_layer=output_layer, length_penalty_weight=length_penalty_weight,
                         coverage_penalty_weight=coverage_penalty_weight,
                         reorder_tensor_arrays=reorder_tensor_arrays, **kwargs)
        if embedding_fn is not None and not callable(embedding_fn):
            raise ValueError("embedding_fn is expected to be a callable, got %s" % type(embedding_fn))
        self._embedding_fn = embedding_fn

    def initialize(self, embedding, start_tokens, end_token, initial_state):
        if embedding is not None and self._embedding_fn is not None:
            raise ValueError("embedding and embedding_fn cannot be provided at same time")
        if embedding is not None:
            self._embedding_fn = _embedding_fn(embedding)
        self._setup(start_tokens, end_token, initial_state)
        return self._initial_values()

    def call(self, embedding, start_tokens, end_token, initial_state, **kwargs):
        return self._decode(embedding, dict(kwargs, start_tokens=start_tokens, end_token=end_token,
                                            initial_state=initial_state))


def _beam_search_step(time, logits, next_cell_state, beam_state, batch_size, beam_width, end_token,
                      length_penalty_weight, coverage_penalty_weight):
    """One step: extend every beam by every word, score, keep the best `beam_width` per batch entry."""
    static_batch_size = tf.get_static_value(batch_size)
    previously_finished = beam_state.finished
    not_finished = tf.logical_not(previously_finished)

    step_log_probs = _mask_probs(tf.nn.log_softmax(logits), end_token, previously_finished)
    total_probs = tf.expand_dims(beam_state.log_probs, 2) + step_log_probs

    vocab_size = tf.compat.dimension_value(logits.shape[-1]) or tf.shape(logits)[-1]
    lengths_to_add = tf.one_hot(indices=tf.fill([batch_size, beam_width], end_token), depth=vocab_size,
                                on_value=tf.constant(0, tf.int64), off_value=tf.constant(1, tf.int64), dtype=tf.int64)
    lengths_to_add *= tf.expand_dims(tf.cast(not_finished, tf.int64), 2)
    new_prediction_lengths = lengths_to_add + tf.expand_dims(beam_state.lengths, 2)

    accumulated_attention_probs = None
    attention_probs = get_attention_probs(next_cell_state, coverage_penalty_weight)
    if attention_probs is not None:
        attention_probs *= tf.expand_dims(tf.cast(not_finished, tf.float32), 2)
        accumulated_attention_probs = beam_state.accumulated_attention_probs + attention_probs

    scores = _get_scores(log_probs=total_probs, sequence_lengths=new_prediction_lengths,
                         length_penalty_weight=length_penalty_weight,
                         coverage_penalty_weight=coverage_penalty_weight, finished=previously_finished,
                         accumulated_attention_probs=accumulated_attention_probs)

    scores_flat = tf.reshape(scores, [batch_size, -1])
    next_beam_scores, word_indices = tf.nn.top_k(
        scores_flat, k=tf.convert_to_tensor(beam_width, dtype=tf.int32, name="beam_width"))
    next_beam_scores.set_shape([static_batch_size, beam_width])
    word_indices.set_shape([static_batch_size, beam_width])

    def gather(values, gather_shape, name=None):
        """`values` reordered to follow each surviving beam's parent."""
        return _tensor_gather_helper(gather_indices=next_beam_ids, gather_from=values, batch_size=batch_size,
                                     range_size=beam_width, gather_shape=gather_shape, name=name)

    next_beam_probs = _tensor_gather_helper(gather_indices=word_indices, gather_from=total_probs,
                                            batch_size=batch_size, range_size=beam_width * vocab_size,
                                            gather_shape=[-1], name="next_beam_probs")
    next_word_ids = tf.cast(tf.math.floormod(word_indices, vocab_size, name="next_beam_word_ids"), tf.int32)
    next_beam_ids = tf.cast(tf.truediv(word_indices, vocab_size), tf.int32, name="next_beam_parent_ids")

    previously_finished = gather(previously_finished, [-1])
    next_finished = tf.logical_or(previously_finished, tf.equal(next_word_ids, end_token), name="next_beam_finished")
    next_prediction_len = gather(beam_state.lengths, [-1]) + tf.cast(tf.logical_not(previously_finished), tf.int64)
    next_accumulated_attention_probs = ()
    if accumulated_attention_probs is not None:
        next_accumulated_attention_probs = gather(accumulated_attention_probs, [batch_size * beam_width, -1],
                                                  name="next_accumulated_attention_probs")
    next_cell_state = nest.map_structure(
        lambda values: _maybe_tensor_gather_helper(next_beam_ids, values, batch_size, beam_width,
                                                   [batch_size * beam_width, -1]),
        next_cell_state)

    next_state = BeamSearchDecoderState(cell_state=next_cell_state, log_probs=next_beam_probs,
                                        lengths=next_prediction_len, finished=next_finished,
                                        accumulated_attention_probs=next_accumulated_attention_probs)
    output = BeamSearchDecoderOutput(scores=next_beam_scores, predicted_ids=next_word_ids, parent_ids=next_beam_ids)
    return output, next_state


def get_attention_probs(next_cell_state, coverage_penalty_weight):
    """The alignments of the attention wrappers in the state (averaged over several), for the
    coverage penalty; None when the penalty is off."""
    if coverage_penalty_weight == 0.0:
        return None
    if isinstance(next_cell_state, AttentionWrapperState):
        per_layer = [attention_probs_from_attn_state(next_cell_state)]
    elif isinstance(next_cell_state, tuple):
        per_layer = [attention_probs_from_attn_state(s) for s in next_cell_state
                     if isinstance(s, AttentionWrapperState)]
    else:
        per_layer = []
    if not per_layer:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")
    if len(per_layer) == 1:
        return per_layer[0]
    return tf.reduce_mean(tf.concat([tf.expand_dims(p, -1) for p in per_layer], -1), -1)


def attention_probs_from_attn_state(attention_state):
    """One wrapper's alignments, averaged over its mechanisms when it has several."""
    probs = attention_state.alignments
    if isinstance(probs, tuple):
        probs = tf.reduce_mean(tf.concat([tf.expand_dims(p, -1) for p in probs], -1), -1)
    return probs


def _get_scores(log_probs, sequence_lengths, length_penalty_weight, coverage_penalty_weight, finished,
                accumulated_attention_probs):
    scores = log_probs / tf.cast(_length_penalty(sequence_lengths, length_penalty_weight), dtype=log_probs.dtype)
    coverage_penalty_weight = tf.convert_to_tensor(coverage_penalty_weight, name="coverage_penalty_weight")
    if coverage_penalty_weight.shape.ndims != 0:
        raise ValueError("coverage_penalty_weight should be a scalar, but saw shape: %s" % coverage_penalty_weight.shape)
    if tf.get_static_value(coverage_penalty_weight) == 0.0:
        return scores
    if accumulated_attention_probs is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty is disabled.")
    accumulated = v1.where(tf.equal(accumulated_attention_probs, 0.0), tf.ones_like(accumulated_attention_probs),
                           accumulated_attention_probs)
    coverage_penalty = tf.reduce_sum(tf.math.log(tf.minimum(accumulated, 1.0)), 2)
    coverage_penalty *= tf.cast(finished, tf.float32)  # TF 1.15 applied it to beams finished before this step
    return scores + tf.expand_dims(coverage_penalty * coverage_penalty_weight, 2)


def _length_penalty(sequence_lengths, penalty_factor):
    """((5 + length) / 6) ** penalty_factor (Wu et al. 2016); 1 when the factor is a static 0."""
    penalty_factor = tf.convert_to_tensor(penalty_factor, name="penalty_factor")
    penalty_factor.set_shape(())
    static_penalty = tf.get_static_value(penalty_factor)
    if static_penalty is not None and static_penalty == 0:
        return 1.0
    return tf.math.divide((5. + tf.cast(sequence_lengths, tf.float32)) ** penalty_factor,
                          (5. + 1.) ** penalty_factor)


def _mask_probs(probs, eos_token, finished):
    """Finished beams: 0 for `eos_token`, the dtype's lowest value for every other word."""
    vocab_size = tf.shape(probs)[2]
    finished_row = tf.one_hot(eos_token, vocab_size, dtype=probs.dtype,
                              on_value=tf.convert_to_tensor(0., dtype=probs.dtype), off_value=probs.dtype.min)
    finished_probs = tf.tile(tf.reshape(finished_row, [1, 1, -1]), tf.concat([tf.shape(finished), [1]], 0))
    finished_mask = tf.tile(tf.expand_dims(finished, 2), [1, 1, vocab_size])
    return v1.where(finished_mask, finished_probs, probs)


def _maybe_tensor_gather_helper(gather_indices, gather_from, batch_size, range_size, gather_shape):
    """Gather along the beams, leaving TensorArrays and tensors of lower rank than `gather_shape` as they are."""
    if isinstance(gather_from, tf.TensorArray):
        return gather_from
    _check_ndims(gather_from)
    if gather_from.shape.ndims < len(gather_shape):
        return gather_from
    return _tensor_gather_helper(gather_indices, gather_from, batch_size, range_size, gather_shape)


def _tensor_gather_helper(gather_indices, gather_from, batch_size, range_size, gather_shape, name=None):
    """`gather_from[b, gather_indices[b, k]]` for every b, k, through one flat gather."""
    with v1.name_scope(name, "tensor_gather_helper"):
        offsets = tf.expand_dims(tf.range(batch_size) * range_size, 1)
        flat_indices = tf.reshape(gather_indices + offsets, [-1])
        output = tf.gather(tf.reshape(gather_from, gather_shape), flat_indices)
        final_shape = tf.shape(gather_from)[:1 + len(gather_shape)]
        output = tf.reshape(output, final_shape, name="output")
        output.set_shape(tf.TensorShape([tf.get_static_value(batch_size)])
                         .concatenate(gather_from.shape[1:1 + len(gather_shape)]))
        return output
