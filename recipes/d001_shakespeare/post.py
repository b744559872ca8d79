"""The cookbook's Shakespeare word LSTM (document 001): one model class, built twice, sharing variables.

The training model (batch 100, 50 steps) creates every variable; the inference model
(batch 1, 1 step) is built again under `variable_scope(get_variable_scope(), reuse=True)`
and so reads the same weights with no copying.  `build_models` builds that pair, in one
place, for the training run, the checkpoint sampler and the benchmarks alike.
"""
from dataclasses import dataclass

import numpy as np

from recipes.cells import lstm_cell
from recipes.d001_shakespeare.cli import PRIME_TEXTS  # noqa: F401 (the cookbook's primes, kept with the CLI)
from recipes.d001_shakespeare.data import encode_prime
from recipes.tftools import variable_shapes
from tf1_graphs import seeded_graph, tf


class LSTMModel:
    """The cookbook's LSTM_Model.  `infer_sample` makes it batch 1 with the argmax fed back as input.

    The original's inference model unrolls one step (`infer_steps=1`), so `rnn_decoder`
    never calls its loop function; `infer_steps > 1` builds the graph that does, to show
    what the loop function would have generated.  `rnn` runs the cell over the steps, called
    as the original calls `rnn_decoder`; the benchmarks pass other ways of running it.
    """

    def __init__(self, config, vocab_size, infer_sample=False, infer_steps=1,
                 rnn=tf.contrib.legacy_seq2seq.rnn_decoder):
        self.vocab_size = vocab_size
        self.rnn_size = config.rnn_size
        self.batch_size, self.seq_len = ((1, infer_steps) if infer_sample
                                         else (config.batch_size, config.training_seq_len))
        self.loop_function_calls = 0  # counted while the graph is built

        self.lstm_cell = lstm_cell(config.cell, config.rnn_size)  # the cookbook's BasicLSTMCell by default
        self.initial_state = self.lstm_cell.zero_state(self.batch_size, tf.float32)
        self.x_data = tf.placeholder(tf.int32, [self.batch_size, self.seq_len])
        self.y_output = tf.placeholder(tf.int32, [self.batch_size, self.seq_len])

        with tf.variable_scope("lstm_vars"):
            W = tf.get_variable("W", [config.rnn_size, vocab_size], tf.float32, tf.random_normal_initializer())
            b = tf.get_variable("b", [vocab_size], tf.float32, tf.constant_initializer(0.0))
            embedding_mat = tf.get_variable("embedding_mat", [vocab_size, config.embedding_size], tf.float32,
                                            tf.random_normal_initializer())
            embedded = tf.nn.embedding_lookup(embedding_mat, self.x_data)
            step_inputs = [tf.squeeze(x, [1]) for x in tf.split(embedded, self.seq_len, axis=1)]

        def feed_back_argmax(prev_output, step):
            """Step i's input: the embedding of the word step i-1 scored highest (no gradient through it)."""
            self.loop_function_calls += 1
            best_word = tf.stop_gradient(tf.argmax(tf.matmul(prev_output, W) + b, 1))
            return tf.nn.embedding_lookup(embedding_mat, best_word)

        outputs, self.final_state = rnn(
            step_inputs, self.initial_state, self.lstm_cell,
            loop_function=feed_back_argmax if infer_sample else None)
        # [batch, seq * rnn] -> [batch * seq, rnn]: row b * seq + t, the order of y_output reshaped to [-1]
        hidden = tf.reshape(tf.concat(outputs, axis=1), [-1, config.rnn_size])
        self.logit_output = tf.matmul(hidden, W) + b
        self.model_output = tf.nn.softmax(self.logit_output)

        tokens = self.batch_size * self.seq_len
        # The original passes vocab_size as the 4th positional argument, average_across_timesteps:
        # truthy, and with one list element of weight 1 the "average" divides by 1 + 1e-12.
        per_token = tf.contrib.legacy_seq2seq.sequence_loss_by_example(
            [self.logit_output], [tf.reshape(self.y_output, [-1])], [tf.ones([tokens])],
            average_across_timesteps=True)
        self.cost = tf.reduce_sum(per_token) / tokens

        params = tf.trainable_variables()
        gradients, _ = tf.clip_by_global_norm(tf.gradients(self.cost, params), config.max_grad_norm)
        self.train_op = tf.train.AdamOptimizer(config.learning_rate).apply_gradients(zip(gradients, params))

    def zero_state(self, sess):
        return sess.run(self.initial_state)

    def step(self, sess, word_id, state, output=None):
        """One word in with the state fed back; returns (output [vocab] for that word, new state)."""
        output = self.model_output if output is None else output
        feed = {self.x_data: [[word_id]], self.initial_state: state}
        values, new_state = sess.run([output, self.final_state], feed)
        return values[0], new_state

    def primed_state(self, sess, prime_ids):
        """The state after reading all prime words but the last, as sample() starts."""
        state = self.zero_state(sess)
        for word_id in prime_ids[:-1]:
            _, state = self.step(sess, word_id, state)
        return state

    def sample(self, sess, ix2vocab, vocab2ix, num=10, prime_text="thou art"):
        """The original's greedy sampling: up to `num` argmax words, one sess.run each, stopping at 0.

        Stops too on the one index with no word (see build_vocab), where the original raised KeyError.
        """
        prime_ids = encode_prime(prime_text, vocab2ix)
        state = self.primed_state(sess, prime_ids)
        word_id, sentence = prime_ids[-1], [prime_text]
        for _ in range(num):
            probabilities, state = self.step(sess, word_id, state)
            word_id = int(np.argmax(probabilities))
            if word_id not in ix2vocab or word_id == 0:
                break
            sentence.append(ix2vocab[word_id])
        return " ".join(sentence)

    def sample_in_graph(self, sess, ix2vocab, vocab2ix, start_state, prime_text):
        """Greedy words from one sess.run of a many-step inference model, where the loop function feeds back."""
        last_word = encode_prime(prime_text, vocab2ix)[-1]
        inputs = np.zeros([1, self.seq_len], np.int32)
        inputs[0, 0] = last_word  # rnn_decoder reads only the first input when it has a loop function
        probabilities = sess.run(self.model_output, {self.x_data: inputs, self.initial_state: start_state})
        sentence = [prime_text]
        for word_id in np.argmax(probabilities, axis=1):
            if word_id not in ix2vocab or word_id == 0:
                break
            sentence.append(ix2vocab[int(word_id)])
        return " ".join(sentence)


def variable_snapshot():
    """The default graph's (trainable, global) variables, each as {name: shape}."""
    return variable_shapes(tf.trainable_variables()), variable_shapes(tf.global_variables())


@dataclass
class Models:
    graph: object
    train: LSTMModel
    infer: LSTMModel
    saver: object
    init: object
    trainable_before: dict  # name -> shape, after the training model, before the inference model
    trainable_after: dict
    global_before: dict
    global_after: dict
    unrolled: LSTMModel = None  # the many-step inference twin, when asked for


def build_models(config, vocab_size, seed, unrolled_steps=0):
    """The original's pair in a fresh graph: the training model, then the inference model with reuse=True.

    With `unrolled_steps`, also a many-step inference twin (under reuse too), in which rnn_decoder
    does call the loop function; its Adam adds two more beta powers, so only graphs that never
    save a checkpoint ask for it.
    """
    with seeded_graph(seed) as graph:
        train = LSTMModel(config, vocab_size)
        trainable_before, global_before = variable_snapshot()
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            infer = LSTMModel(config, vocab_size, infer_sample=True)
        trainable_after, global_after = variable_snapshot()
        unrolled = None
        if unrolled_steps:
            with tf.variable_scope(tf.get_variable_scope(), reuse=True):
                unrolled = LSTMModel(config, vocab_size, infer_sample=True, infer_steps=unrolled_steps)
        saver = tf.train.Saver(tf.global_variables(), save_relative_paths=True)  # the folder can move
        init = tf.global_variables_initializer()
    return Models(graph, train, infer, saver, init, trainable_before, trainable_after, global_before, global_after,
                  unrolled)
