"""Time to build each recipe's main training graph, initialise it and run one training step.

What a user waits for before the first number appears: graph construction, variable
initialisation, and the first `session.run` (which also places and prepares the kernels).
Each recipe at its quick-mode sizes, except shakespeare at the cookbook's own (vocabulary 8009).
"""
import numpy as np

from benchmarks.sizes import ShakespeareSizes
from tf1_graphs import feedback as fb
from tf1_graphs import initial_state as ist
from tf1_graphs import shakespeare as shk
from tf1_graphs import stacked_lstm as sl
from tf1_graphs import tf


def initial_state():
    config = ist.QuickConfig()
    config.train_sequences = 1
    _, train, _ = ist.make_task(config, 0)
    graph, model = ist.build(ist.Answer0Graph, config, 0)
    with ist.start_session(graph) as session:
        ist.answer0_sequence(session, model, train.inputs[0][:1], train.targets[0][:1])


def shakespeare():
    models = shk.build_models(shk.FullConfig(), ShakespeareSizes.vocab, 0)
    model = models.train
    words = np.random.default_rng(0).integers(0, ShakespeareSizes.vocab, size=(model.batch_size, model.seq_len))
    with tf.Session(graph=models.graph) as session:
        session.run(models.init)
        session.run(model.train_op, {model.x_data: words, model.y_output: np.roll(words, -1, axis=1)})


def feedback():
    graph, asker = fb.build_graph(0, fb.build_asker, fb.QuickConfig, fb.sine_data(fb.QuickConfig.n_samples))
    with tf.Session(graph=graph) as session:
        session.run(asker.init)
        fb.train(session, asker.model, {}, 1)


def stacked_lstm():
    config = sl.QuickConfig()
    model = sl.build_classifier(config, 0)
    sequences, labels = sl.toy_batch(config, np.random.default_rng(0))
    with tf.Session(graph=model.graph) as session, model.graph.as_default():
        session.run(tf.global_variables_initializer())
        session.run(model.train_op, {model.inputs: sequences, model.labels: labels})


RECIPES = {"initial_state": initial_state, "shakespeare": shakespeare, "feedback": feedback,
           "stacked_lstm": stacked_lstm}
