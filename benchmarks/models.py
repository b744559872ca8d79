"""The documents' own models, built by their post modules, with the LSTM run four ways, for timing.

Document 002's asker model (`build_asker_model`) runs its LSTM with `dynamic_rnn` and
document 001's `LSTMModel` with `rnn_decoder`'s static unroll.  Each takes the function that
runs the LSTM as one optional `rnn` argument, the post's own by default: the smallest hook
that lets the benchmarks time the very graphs the recipes train (embedding, readout, loss,
clipping, Adam: nothing copied here), while the posts still read as the posts.  The kinds:

- dynamic_rnn: `dynamic_rnn(BasicLSTMCell)`, document 002's way (the baseline);
- rnn_decoder: `rnn_decoder`'s static unroll of BasicLSTMCell, document 001's way;
- block: `dynamic_rnn(LSTMBlockCell)`, the posts' own `--cell block`;
- fused: one `LSTMBlockFusedCell` kernel for the whole sequence, which no post has.

Each way is written once, batch-major (`run(cell, inputs, initial_state)`), then put in the
calling form of each post: 001 hands a list of steps (so its other kinds stack and unstack
them, a copy per step that the matmuls dwarf; its rnn_decoder kind is the post untouched),
002 a [batch, time, 1] tensor.  The sine model runs in float32 for every kind, the one dtype
all the kernels have, so its form takes the dtype from the inputs and not from the post's
`data_type` (float64 for the basic cell); it trains on the post's zero input.
"""
import dataclasses
import functools
from collections import namedtuple

import numpy as np

from recipes.d001_shakespeare import post as shakespeare_post
from recipes.d001_shakespeare.recipe import FullConfig as ShakespeareConfig
from recipes.d002_feedback import post as feedback_post
from recipes.d002_feedback.recipe import QuickConfig as FeedbackConfig
from recipes.tftools import new_session
from tf1_graphs import seeded_graph, tf

SINE = FeedbackConfig()             # the asker's model and training, as the recipe runs them
SHAKESPEARE = ShakespeareConfig()   # the cookbook's own sizes
COOKBOOK_VOCAB = 8009               # the vocabulary size of the recorded cookbook run


def dynamic(cell, inputs, initial_state):
    return tf.nn.dynamic_rnn(cell, inputs, initial_state=initial_state)


def static(cell, inputs, initial_state):
    outputs, state = tf.contrib.legacy_seq2seq.rnn_decoder(tf.unstack(inputs, axis=1), initial_state, cell)
    return tf.stack(outputs, axis=1), state


def fused(cell, inputs, initial_state):
    """One BlockLSTM kernel over the sequence; it makes its own variables (forget_bias 1.0, the posts'),
    so only `cell`'s size is used."""
    outputs, state = tf.contrib.rnn.LSTMBlockFusedCell(cell.output_size)(
        tf.transpose(inputs, [1, 0, 2]), initial_state=initial_state)
    return tf.transpose(outputs, [1, 0, 2]), state


RNN_KINDS = {"dynamic_rnn": ("basic", dynamic), "rnn_decoder": ("basic", static),
             "block": ("block", dynamic), "fused": ("basic", fused)}  # kind: (the post's --cell, run)


def in_dynamic_rnn_form(run):
    """`run` called as document 002 calls dynamic_rnn; the post's dtype gives way to the inputs'."""
    def rnn(inputs, cell, dtype):
        return run(cell, inputs, cell.zero_state(tf.shape(inputs)[0], inputs.dtype))
    return rnn


def in_rnn_decoder_form(run):
    """`run` called as document 001 calls rnn_decoder, for a training model (no loop function)."""
    def rnn(steps, initial_state, cell, loop_function=None):
        if loop_function is not None:
            raise ValueError("only rnn_decoder feeds outputs back: build inference models the post's way")
        outputs, state = run(cell, tf.stack(steps, axis=1), initial_state)
        return tf.unstack(outputs, axis=1), state
    return rnn


TrainingStep = namedtuple("TrainingStep", "session model feed")


def _started(graph, model, feed):
    session = new_session(graph)
    with graph.as_default():
        session.run(tf.global_variables_initializer())
    return TrainingStep(session, model, feed)


def sine_training_step(kind, seed=0, config=SINE):
    """Document 002's asker model, its LSTM run the `kind` way, in float32; fed nothing (the post's zero input)."""
    cell, run = RNN_KINDS[kind]
    config = dataclasses.replace(config, cell=cell)
    builder = functools.partial(feedback_post.build_asker_model, rnn=in_dynamic_rnn_form(run))
    graph, model = feedback_post.build(builder, config, feedback_post.sine_data(config.n_samples, tf.float32), seed)
    return _started(graph, model, {})


def shakespeare_training_step(kind, seed=0, config=SHAKESPEARE, vocab_size=COOKBOOK_VOCAB):
    """Document 001's training model (the cookbook's sizes), its LSTM run the `kind` way, and a feed of random words.

    `rnn_decoder` is the post's own model untouched; the other kinds swap its `rnn`.
    """
    cell, run = RNN_KINDS[kind]
    hook = {} if kind == "rnn_decoder" else {"rnn": in_rnn_decoder_form(run)}
    with seeded_graph(seed) as graph:
        model = shakespeare_post.LSTMModel(dataclasses.replace(config, cell=cell), vocab_size, **hook)
    words = np.random.default_rng(seed).integers(0, vocab_size, size=(model.batch_size, model.seq_len))
    return _started(graph, model, {model.x_data: words, model.y_output: np.roll(words, -1, axis=1)})


def shakespeare_step_flops(config=SHAKESPEARE, vocab_size=COOKBOOK_VOCAB):
    """Floating-point operations of one training step's matrix multiplies (forward and backward).

    Per token: the LSTM's [x, h] @ kernel (2 (embedding + H) 4H) and the projection h @ W (2 H V);
    the backward pass costs two such products for each forward one.  Element-wise work,
    the embedding gather and Adam are left out: this is the part a matmul ceiling bounds.
    """
    units = config.rnn_size
    per_token = 2 * (config.embedding_size + units) * 4 * units + 2 * units * vocab_size
    return 3 * config.batch_size * config.training_seq_len * per_token
