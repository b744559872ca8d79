"""`tf.contrib.legacy_seq2seq`, all of it: the static decoders, the seq2seq models, the losses.

Semantics, variable names and shapes of TF 1.15 (a TF 1.15 checkpoint maps one to one).
`rnn_decoder` unrolls over a Python list and, given a `loop_function`, feeds step i > 0
from the previous output instead of the list; the losses take lists of [batch, classes]
logits and [batch] labels.  The models deep-copy the cell for their encoder; for a cell
that is already built see `_cell_copy`.  A `feed_previous` given as a boolean tensor builds
the decoder twice, greedy first, and picks one with `tf.cond`, sharing the variables.
The models wrap cells in `core_rnn_cell`'s EmbeddingWrapper and OutputProjectionWrapper, and
the attention's affine maps are `_cell_parts.Linear` (TF 1.15's `_Linear`), as in TF 1.15.
"""
import copy

import tensorflow as _tf
from tensorflow.python.keras.layers.legacy_rnn import rnn_cell_impl as _tf_own_cells

from tf1_graphs.contrib._cell_parts import Linear, RNNCell
from tf1_graphs.contrib.core_rnn_cell import EmbeddingWrapper, OutputProjectionWrapper

_v1 = _tf.compat.v1
# TF 1.15 had one RNNCell class; a TF 1.x program here can make cells of two: tf-keras' legacy
# cells (tf.nn.rnn_cell, and every contrib cell) and TensorFlow's own (tensorflow.python.ops.rnn_cell).
_RNN_CELL_CLASSES = (RNNCell, _tf_own_cells.RNNCell)


def _extract_argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """A loop function for greedy decoding: embed the argmax of the (projected) previous output."""

    def loop_function(previous, _):
        if output_projection is not None:
            previous = _v1.nn.xw_plus_b(previous, output_projection[0], output_projection[1])
        embedded = _tf.nn.embedding_lookup(embedding, _tf.argmax(previous, 1))
        return embedded if update_embedding else _tf.stop_gradient(embedded)

    return loop_function


def _check_output_projection(output_projection, num_symbols, dtype):
    weights = _tf.convert_to_tensor(output_projection[0], dtype=dtype)
    weights.shape.assert_is_compatible_with([None, num_symbols])
    biases = _tf.convert_to_tensor(output_projection[1], dtype=dtype)
    biases.shape.assert_is_compatible_with([num_symbols])


def _decode_on_condition(feed_previous, decode):
    """`decode(feed_previous_bool)` built twice, greedy first (it makes the variables, the
    other reuses them), chosen at run time by the boolean tensor `feed_previous`."""
    structure = {}

    def branch(greedy):
        with _v1.variable_scope(_v1.get_variable_scope(), reuse=None if greedy else True):
            outputs, state = decode(greedy)
        structure["outputs"], structure["state"] = len(outputs), state
        return list(outputs) + _tf.nest.flatten(state)

    chosen = _v1.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    count = structure["outputs"]
    return chosen[:count], _tf.nest.pack_sequence_as(structure["state"], chosen[count:])


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """Static unroll of `cell` over the list `decoder_inputs`; returns (outputs, final state).

    With `loop_function`, only `decoder_inputs[0]` is read: step i > 0 gets
    `loop_function(previous_output, i)`, built in scope `loop_function` with reuse.
    """
    with _v1.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        for step, given_input in enumerate(decoder_inputs):
            step_input = given_input
            if loop_function is not None and outputs:
                with _v1.variable_scope("loop_function", reuse=True):
                    step_input = loop_function(outputs[-1], step)
            if step > 0:
                _v1.get_variable_scope().reuse_variables()
            output, state = cell(step_input, state)
            outputs.append(output)
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=_tf.float32, scope=None):
    """A static encoder (a copy of `cell`, under `rnn`), then `rnn_decoder` from its final state."""
    with _v1.variable_scope(scope or "basic_rnn_seq2seq"):
        _, encoder_state = _v1.nn.static_rnn(copy.deepcopy(cell), encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, encoder_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None,
                     dtype=_tf.float32, scope=None):
    """Encoder and decoder are one cell with one set of variables, all in `scope`."""
    with _v1.variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, encoder_state = _v1.nn.static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        _v1.get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, encoder_state, cell, loop_function=loop_function,
                           scope=scope)


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                          output_projection=None, feed_previous=False,
                          update_embedding_for_previous=True, scope=None):
    """`rnn_decoder` over the ids' rows of a new `embedding` [num_symbols, embedding_size];
    with `feed_previous`, each step after the first embeds the argmax of the last output."""
    with _v1.variable_scope(scope or "embedding_rnn_decoder") as scope:
        if output_projection is not None:
            _check_output_projection(output_projection, num_symbols, scope.dtype)
        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection, update_embedding_for_previous) if feed_previous else None
        embedded = (_tf.nn.embedding_lookup(embedding, ids) for ids in decoder_inputs)
        return rnn_decoder(embedded, initial_state, cell, loop_function=loop_function)


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                          num_decoder_symbols, embedding_size, output_projection=None,
                          feed_previous=False, dtype=None, scope=None):
    """An embedding encoder (a copy of `cell`), then `embedding_rnn_decoder` on `cell`,
    projected to `num_decoder_symbols` unless `output_projection` is given."""
    with _v1.variable_scope(scope or "embedding_rnn_seq2seq") as scope:
        if dtype is not None:
            scope.set_dtype(dtype)
        else:
            dtype = scope.dtype
        encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                         embedding_size=embedding_size)
        _, encoder_state = _v1.nn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)

        def decode(greedy, update_embedding_for_previous=True):
            return embedding_rnn_decoder(
                decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                output_projection=output_projection, feed_previous=greedy,
                update_embedding_for_previous=update_embedding_for_previous)

        if isinstance(feed_previous, bool):
            return decode(feed_previous)
        return _decode_on_condition(feed_previous, lambda greedy: decode(greedy, False))


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols, embedding_size,
                               num_decoder_symbols=None, output_projection=None,
                               feed_previous=False, dtype=None, scope=None):
    """`tied_rnn_seq2seq` on one shared `embedding` [num_symbols, embedding_size] for both sides;
    the outputs are over the first `num_decoder_symbols` symbols (default: all of them)."""
    with _v1.variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        if output_projection is not None:
            _check_output_projection(output_projection, num_symbols, dtype)
        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        embedded_encoder = [_tf.nn.embedding_lookup(embedding, ids) for ids in encoder_inputs]
        embedded_decoder = [_tf.nn.embedding_lookup(embedding, ids) for ids in decoder_inputs]
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols or num_symbols)

        def decode(greedy, update_embedding=True):
            loop_function = _extract_argmax_and_embed(
                embedding, output_projection, update_embedding) if greedy else None
            return tied_rnn_seq2seq(embedded_encoder, embedded_decoder, cell,
                                    loop_function=loop_function, dtype=dtype)

        if isinstance(feed_previous, bool):
            return decode(feed_previous)
        return _decode_on_condition(feed_previous, lambda greedy: decode(greedy, False))


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None,
                      num_heads=1, loop_function=None, dtype=None, scope=None,
                      initial_state_attention=False):
    """`rnn_decoder` with content attention over `attention_states` [batch, length, size].

    Per head a, with hidden states h_j: features W_a h_j (`AttnW_a`, a 1x1 convolution);
    for a query q (the cell state, flattened), s_j = v_a . tanh(W_a h_j + U_a q + b_a)
    (`AttnV_a`, `Attention_a/kernel|bias`), weights softmax(s), read d_a = sum_j w_j h_j.
    Each step: x = linear([input] + reads) (`kernel|bias`), the cell on x, new reads from
    its state, output = linear([cell output] + reads) (`AttnOutputProjection`).  The first
    reads are zeros, or from `initial_state` with `initial_state_attention`.
    """
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    if _tf.compat.dimension_value(attention_states.shape[2]) is None:
        raise ValueError(f"Shape[2] of attention_states must be known: {attention_states.shape}")
    if output_size is None:
        output_size = cell.output_size

    with _v1.variable_scope(scope or "attention_decoder", dtype=dtype) as scope:
        dtype = scope.dtype
        batch_size = _tf.shape(decoder_inputs[0])[0]
        attn_length = _tf.compat.dimension_value(attention_states.shape[1])
        if attn_length is None:
            attn_length = _tf.shape(attention_states)[1]
        attn_size = _tf.compat.dimension_value(attention_states.shape[2])
        hidden = _tf.reshape(attention_states, [-1, attn_length, 1, attn_size])
        hidden_features, attention_vectors = [], []
        for head in range(num_heads):
            features_kernel = _v1.get_variable(f"AttnW_{head}", [1, 1, attn_size, attn_size], dtype=dtype)
            hidden_features.append(_tf.nn.conv2d(hidden, features_kernel, [1, 1, 1, 1], "SAME"))
            attention_vectors.append(_v1.get_variable(f"AttnV_{head}", [attn_size], dtype=dtype))

        def attention(query):
            query_parts = _tf.nest.flatten(query)
            for part in query_parts:
                assert part.shape.rank in (None, 2)
            query = _tf.concat(query_parts, 1) if len(query_parts) > 1 else query_parts[0]
            reads = []
            for head in range(num_heads):
                with _v1.variable_scope(f"Attention_{head}"):
                    projected = Linear(query, attn_size, True)(query)
                    projected = _tf.cast(_tf.reshape(projected, [-1, 1, 1, attn_size]), dtype)
                    scores = _tf.reduce_sum(
                        attention_vectors[head] * _tf.tanh(hidden_features[head] + projected), [2, 3])
                    weights = _tf.cast(_tf.nn.softmax(_tf.cast(scores, _tf.float32)), dtype)
                    read = _tf.reduce_sum(_tf.reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                    reads.append(_tf.reshape(read, [-1, attn_size]))
            return reads

        reads = [_tf.zeros(_tf.stack([batch_size, attn_size]), dtype=dtype) for _ in range(num_heads)]
        for read in reads:
            read.set_shape([None, attn_size])
        if initial_state_attention:
            reads = attention(initial_state)
        state, outputs, previous = initial_state, [], None
        for step, step_input in enumerate(decoder_inputs):
            if step > 0:
                _v1.get_variable_scope().reuse_variables()
            if loop_function is not None and previous is not None:
                with _v1.variable_scope("loop_function", reuse=True):
                    step_input = loop_function(previous, step)
            input_size = _tf.compat.dimension_value(step_input.shape.with_rank(2)[1])
            if input_size is None:
                raise ValueError(f"Could not infer input size from input: {step_input.name}")
            merged = [_tf.cast(t, dtype) for t in [step_input] + reads]
            cell_output, state = cell(Linear(merged, input_size, True)(merged), state)
            if step == 0 and initial_state_attention:
                with _v1.variable_scope(_v1.get_variable_scope(), reuse=True):
                    reads = attention(state)
            else:
                reads = attention(state)
            with _v1.variable_scope("AttnOutputProjection"):
                merged = [_tf.cast(cell_output, dtype)] + reads
                output = Linear(merged, output_size, True)(merged)
            if loop_function is not None:
                previous = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell, num_symbols,
                                embedding_size, num_heads=1, output_size=None,
                                output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """`attention_decoder` over the ids' rows of a new `embedding`; `feed_previous` as in
    `embedding_rnn_decoder`."""
    if output_size is None:
        output_size = cell.output_size
    if output_projection is not None:
        biases = _tf.convert_to_tensor(output_projection[1], dtype=dtype)
        biases.shape.assert_is_compatible_with([num_symbols])
    with _v1.variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = _extract_argmax_and_embed(
            embedding, output_projection, update_embedding_for_previous) if feed_previous else None
        embedded = [_tf.nn.embedding_lookup(embedding, ids) for ids in decoder_inputs]
        return attention_decoder(embedded, initial_state, attention_states, cell,
                                 output_size=output_size, num_heads=num_heads,
                                 loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                                num_decoder_symbols, embedding_size, encoder_cell=None,
                                num_heads=1, output_projection=None, feed_previous=False,
                                dtype=None, scope=None, initial_state_attention=False):
    """An embedding encoder (`encoder_cell`, default a copy of `cell`) whose outputs are attended
    by `embedding_attention_decoder` on `cell`, projected to `num_decoder_symbols` unless
    `output_projection` is given."""
    with _v1.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        if encoder_cell is None:
            encoder_cell = copy.deepcopy(cell)
        encoder_cell = EmbeddingWrapper(encoder_cell,
                                         embedding_classes=num_encoder_symbols,
                                         embedding_size=embedding_size)
        encoder_outputs, encoder_state = _v1.nn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        attention_states = _tf.concat(
            [_tf.reshape(output, [-1, 1, cell.output_size]) for output in encoder_outputs], 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def decode(greedy, update_embedding_for_previous=True):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
                embedding_size, num_heads=num_heads, output_size=output_size,
                output_projection=output_projection, feed_previous=greedy,
                update_embedding_for_previous=update_embedding_for_previous,
                initial_state_attention=initial_state_attention)

        if isinstance(feed_previous, bool):
            return decode(feed_previous)
        return _decode_on_condition(feed_previous, lambda greedy: decode(greedy, False))


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict,
                         num_encoder_symbols, num_decoder_symbols_dict, embedding_size,
                         feed_previous=False, dtype=None, scope=None):
    """One embedding encoder, one `embedding_rnn_decoder` per name (multi-task), each under
    `one2many_decoder_<name>` and projected to its own number of symbols.

    Returns (outputs by name, final states by name).
    """
    if not isinstance(enc_cell, _RNN_CELL_CLASSES):
        raise TypeError(f"enc_cell is not an RNNCell: {type(enc_cell)}")
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, _RNN_CELL_CLASSES):
            raise TypeError(f"dec_cell is not an RNNCell: {type(dec_cell)}")

    outputs_dict, state_dict = {}, {}
    with _v1.variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        encoder_cell = EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                         embedding_size=embedding_size)
        _, encoder_state = _v1.nn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with _v1.variable_scope(f"one2many_decoder_{name}"):
                dec_cell = OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                def decode(greedy, inputs=decoder_inputs, cell=dec_cell, symbols=num_decoder_symbols):
                    return embedding_rnn_decoder(inputs, encoder_state, cell, symbols,
                                                 embedding_size, feed_previous=greedy)

                if isinstance(feed_previous, bool):
                    outputs, state = decode(feed_previous)
                else:
                    outputs, state = _decode_on_condition(feed_previous, decode)
            outputs_dict[name], state_dict[name] = outputs, state
    return outputs_dict, state_dict


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """Weighted cross-entropy summed over the list; divided by the weight total if averaging.

    Returns a [batch] vector.  The 1e-12 keeps an all-zero weight row from dividing by zero.
    """
    if not len(logits) == len(targets) == len(weights):
        raise ValueError(
            "Lengths of logits, weights, and targets must be the same "
            f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with _v1.name_scope(name, "sequence_loss_by_example", list(logits) + list(targets) + list(weights)):
        per_step = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                target = _tf.reshape(target, [-1])
                crossent = _tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            per_step.append(crossent * weight)
        log_perps = _tf.add_n(per_step)
        if average_across_timesteps:
            log_perps /= _tf.add_n(weights) + 1e-12
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """The sum over the batch of `sequence_loss_by_example`, divided by the batch size if asked."""
    with _v1.name_scope(name, "sequence_loss", list(logits) + list(targets) + list(weights)):
        cost = _tf.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            cost /= _tf.cast(_tf.shape(targets[0])[0], cost.dtype)
    return cost


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """`seq2seq` built once per bucket (input length, output length) on the leading inputs,
    the first bucket making the variables and the others reusing them.

    Returns (outputs per bucket, loss per bucket): `sequence_loss` scalars, or with
    `per_example_loss` the [batch] vectors of `sequence_loss_by_example`.
    """
    largest_input, largest_output = buckets[-1]
    if len(encoder_inputs) < largest_input:
        raise ValueError(f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least "
                         f"that of last bucket ({largest_input}).")
    if len(targets) < largest_output:
        raise ValueError(f"Length of targets ({len(targets)}) must be at least that of last"
                         f"bucket ({largest_output}).")
    if len(weights) < largest_output:
        raise ValueError(f"Length of weights ({len(weights)}) must be at least that of last"
                         f"bucket ({largest_output}).")

    loss = sequence_loss_by_example if per_example_loss else sequence_loss
    all_inputs = list(encoder_inputs) + list(decoder_inputs) + list(targets) + list(weights)
    outputs, losses = [], []
    with _v1.name_scope(name, "model_with_buckets", all_inputs):
        for index, (input_length, output_length) in enumerate(buckets):
            with _v1.variable_scope(_v1.get_variable_scope(), reuse=True if index > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:input_length],
                                            decoder_inputs[:output_length])
                outputs.append(bucket_outputs)
                losses.append(loss(bucket_outputs, targets[:output_length], weights[:output_length],
                                   softmax_loss_function=softmax_loss_function))
    return outputs, losses

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
