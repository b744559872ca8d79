"""Small contrib.seq2seq graphs, built alike under TF 1.15.5 and under tf1_graphs; records what TF 1.15 gives.

`/work/tf115/bin/python tests/tf115/record_seq2seq.py` (from the repository root) writes
tests/tf115/goldens/seq2seq.json: for each graph, its global variables (names, shapes, in
creation order) and the values of its fetches.  Every builder takes the `tf` module, so the
tests build the very same graphs with `from tf1_graphs import tf`.  No random op decides a
number: variables come from `shape_initializer` (a function of the shape alone) or are zeros,
and the inputs are NumPy's RandomState draws, which are the same in every NumPy version.
"""
import json
import os

import numpy as np

B, T_ENC, T_DEC, D, H, V, W = 2, 5, 4, 3, 4, 6, 3  # batch, memory steps, decoder steps, embedding, units, vocab, beams
ENCODER_LENGTHS = [5, 3]
DECODER_LENGTHS = [4, 2]
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens", "seq2seq.json")


def shape_initializer(tf):
    """Deterministic, varied values from the shape alone (no op seeds involved): a scaled sine ramp,
    large enough that beams end at different steps (so the penalties change the search)."""
    def initializer(shape, dtype=None, partition_info=None):
        shape = [int(s) for s in shape]
        size = int(np.prod(shape)) if shape else 1
        fan_in = shape[0] if shape else 1
        values = 3.0 * np.sin(0.7 * np.arange(size) + 0.3 * size + 1.0) / np.sqrt(fan_in)
        return tf.constant(values.reshape(shape), dtype=dtype or tf.float32)
    return initializer


def inputs():
    """The fed arrays: memory [B, T_ENC, H], decoder inputs [B, T_DEC, D], an embedding [V, D]."""
    rng = np.random.RandomState(7)
    return dict(memory=rng.randn(B, T_ENC, H).astype(np.float32),
                decoder_inputs=rng.randn(B, T_DEC, D).astype(np.float32),
                embedding=rng.randn(V, D).astype(np.float32))


def _mechanisms(tf):
    s2s = tf.contrib.seq2seq
    return {
        "luong": lambda memory, lengths: s2s.LuongAttention(H, memory, memory_sequence_length=lengths),
        "luong_scaled": lambda memory, lengths: s2s.LuongAttention(H, memory, memory_sequence_length=lengths,
                                                                   scale=True),
        "bahdanau": lambda memory, lengths: s2s.BahdanauAttention(H, memory, memory_sequence_length=lengths),
        "bahdanau_normalized": lambda memory, lengths: s2s.BahdanauAttention(
            H, memory, memory_sequence_length=lengths, normalize=True),
        "luong_monotonic": lambda memory, lengths: s2s.LuongMonotonicAttention(
            H, memory, memory_sequence_length=lengths, scale=True, score_bias_init=-0.5, mode="parallel"),
        "bahdanau_monotonic": lambda memory, lengths: s2s.BahdanauMonotonicAttention(
            H, memory, memory_sequence_length=lengths, normalize=True, mode="recursive"),
        "luong_hardmax": lambda memory, lengths: s2s.LuongAttention(
            H, memory, memory_sequence_length=lengths, probability_fn=s2s.hardmax, score_mask_value=-1e4),
    }


def _placeholders(tf, fed):
    return {name: tf.placeholder_with_default(value, [None] + list(value.shape[1:]), name=name)
            for name, value in fed.items() if name != "embedding"}


def attention_training(tf, mechanism, **wrapper_kwargs):
    """An LSTM wrapped with `mechanism`, decoded by a TrainingHelper over fed inputs, impute_finished."""
    s2s = tf.contrib.seq2seq
    fed = inputs()
    given = _placeholders(tf, fed)
    with tf.variable_scope("root", initializer=shape_initializer(tf)):
        mechanisms = [_mechanisms(tf)[m](given["memory"], ENCODER_LENGTHS)
                      for m in (mechanism if isinstance(mechanism, list) else [mechanism])]
        cell = s2s.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(H), mechanisms if isinstance(mechanism, list)
                                    else mechanisms[0], alignment_history=True, **wrapper_kwargs)
        helper = s2s.TrainingHelper(given["decoder_inputs"], DECODER_LENGTHS)
        decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), output_layer=tf.layers.Dense(V))
        outputs, state, lengths = s2s.dynamic_decode(decoder, impute_finished=True)
    history = state.alignment_history
    history = [h.stack() for h in history] if isinstance(history, tuple) else history.stack()
    return dict(rnn_output=outputs.rnn_output, sample_id=outputs.sample_id, lengths=lengths,
                cell_c=state.cell_state.c, attention=state.attention, time=state.time,
                alignments=state.alignments, alignment_history=history)


def greedy(tf, impute_finished, output_time_major=False, maximum_iterations=6):
    """A plain LSTM fed the embedding of its own argmax, from start tokens 1 and 3, ending on token 4
    (the entries end after 5 and 3 steps, so the second one runs on, finished, for two steps)."""
    s2s = tf.contrib.seq2seq
    fed = inputs()
    with tf.variable_scope("root", initializer=shape_initializer(tf)):
        cell = tf.nn.rnn_cell.LSTMCell(H)
        helper = s2s.GreedyEmbeddingHelper(tf.constant(fed["embedding"]), tf.constant([1, 3]), 4)
        decoder = s2s.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), output_layer=tf.layers.Dense(V))
        outputs, state, lengths = s2s.dynamic_decode(decoder, impute_finished=impute_finished,
                                                     output_time_major=output_time_major,
                                                     maximum_iterations=maximum_iterations)
    return dict(rnn_output=outputs.rnn_output, sample_id=outputs.sample_id, lengths=lengths, c=state.c)


def beam_search(tf, length_penalty_weight=0.0, coverage_penalty_weight=0.0, mechanism="luong", end_token=2):
    """Beam search over an attention LSTM, the memory and encoder lengths tiled by `tile_batch`."""
    s2s = tf.contrib.seq2seq
    fed = inputs()
    given = _placeholders(tf, fed)
    with tf.variable_scope("root", initializer=shape_initializer(tf)):
        memory = s2s.tile_batch(given["memory"], W)
        lengths = s2s.tile_batch(tf.constant(ENCODER_LENGTHS), W)
        cell = s2s.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(H), _mechanisms(tf)[mechanism](memory, lengths),
                                    attention_layer_size=H)
        decoder = s2s.BeamSearchDecoder(cell, tf.constant(fed["embedding"]), tf.fill([B], 1), end_token,
                                        cell.zero_state(B * W, tf.float32), W, output_layer=tf.layers.Dense(V),
                                        length_penalty_weight=length_penalty_weight,
                                        coverage_penalty_weight=coverage_penalty_weight)
        outputs, state, lengths = s2s.dynamic_decode(decoder, maximum_iterations=7)
    steps = outputs.beam_search_decoder_output
    return dict(predicted_ids=outputs.predicted_ids, scores=steps.scores, step_ids=steps.predicted_ids,
                parent_ids=steps.parent_ids, lengths=lengths, beam_lengths=state.lengths,
                log_probs=state.log_probs)


def gather_tree_inputs():
    """Random step ids [6 steps, 5 entries, 4 beams] in 0..5 and parent ids in 0..3."""
    rng = np.random.RandomState(3)
    return (rng.randint(0, 6, size=(6, 5, 4)).astype(np.int32), rng.randint(0, 4, size=(6, 5, 4)).astype(np.int32))


def gather_tree_cases(tf):
    """gather_tree on random paths: end tokens inside, lengths 0, short, full and past max_time."""
    step_ids, parent_ids = gather_tree_inputs()
    return dict(
        random=tf.contrib.seq2seq.gather_tree(step_ids, parent_ids, [0, 2, 4, 6, 9], 5),
        no_end=tf.contrib.seq2seq.gather_tree(step_ids, parent_ids, [6, 6, 3, 1, 6], 11))


def monotonic_cases(tf):
    """monotonic_attention in its three modes, safe_cumprod and hardmax on fixed arrays."""
    s2s = tf.contrib.seq2seq
    rng = np.random.RandomState(5)
    p = rng.uniform(size=(3, 6)).astype(np.float32)
    previous = np.abs(rng.randn(3, 6)).astype(np.float32)
    previous /= previous.sum(1, keepdims=True)
    hard_p = (rng.uniform(size=(3, 6)) > 0.5).astype(np.float32)
    dirac = np.eye(6, dtype=np.float32)[[0, 2, 4]]
    return dict(recursive=s2s.monotonic_attention(p, previous, "recursive"),
                parallel=s2s.monotonic_attention(p, previous, "parallel"),
                hard=s2s.monotonic_attention(hard_p, dirac, "hard"),
                safe_cumprod=s2s.safe_cumprod(p, axis=1, exclusive=True),
                hardmax=s2s.hardmax(rng.randn(3, 5).astype(np.float32)))


def builders(tf):
    """{key: function that builds one graph in the default graph and returns its fetches}."""
    found = {f"attention_{m}": (lambda m=m: attention_training(tf, m, attention_layer_size=5))
             for m in _mechanisms(tf)}
    found.update({
        "attention_no_layer": lambda: attention_training(tf, "luong"),
        "attention_cell_output": lambda: attention_training(tf, "bahdanau", attention_layer_size=5,
                                                            output_attention=False),
        "attention_multi": lambda: attention_training(tf, ["luong", "bahdanau"], attention_layer_size=[3, 5]),
        "greedy": lambda: greedy(tf, impute_finished=False),
        "greedy_imputed_time_major": lambda: greedy(tf, impute_finished=True, output_time_major=True),
        "beam_search": lambda: beam_search(tf),
        "beam_search_length_penalty": lambda: beam_search(tf, length_penalty_weight=0.8),
        "beam_search_coverage_penalty": lambda: beam_search(tf, length_penalty_weight=0.5,
                                                            coverage_penalty_weight=0.4, mechanism="bahdanau",
                                                            end_token=5),
        "gather_tree": lambda: gather_tree_cases(tf),
        "monotonic": lambda: monotonic_cases(tf),
    })
    return found


def run(tf, build):
    """(variables [[name, shape], ...], fetched values as nested lists) of `build` in a fresh graph."""
    with tf.Graph().as_default():
        fetches = build()
        variables = [[v.op.name, v.shape.as_list()] for v in tf.global_variables()]
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            values = session.run(fetches)
    return variables, tf.nest.map_structure(lambda a: np.asarray(a).tolist(), values)


if __name__ == "__main__":
    import tensorflow

    record = {"tensorflow": tensorflow.__version__}
    for key, build in builders(tensorflow).items():
        variables, values = run(tensorflow, build)
        record[key] = {"variables": variables, "values": values}
    os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
    with open(GOLDEN, "w") as f:
        json.dump(record, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {GOLDEN}: {len(record) - 1} graphs, {os.path.getsize(GOLDEN)} bytes")
