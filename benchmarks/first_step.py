"""Time to build each recipe's main training graph, initialise it and run one training step.

What a user waits for before the first number appears: graph construction, variable
initialisation, and the first `session.run` (which also places and prepares the kernels).
Each recipe at its quick-mode sizes, except shakespeare at the cookbook's own (vocabulary 8009).
"""
import numpy as np

from benchmarks.models import COOKBOOK_VOCAB
from recipes.d000_initial_state import post as initial_state_post
from recipes.d000_initial_state.recipe import QuickConfig as InitialStateConfig
from recipes.d001_shakespeare import post as shakespeare_post
from recipes.d001_shakespeare.recipe import FullConfig as ShakespeareConfig
from recipes.d002_feedback import post as feedback_post
from recipes.d002_feedback.recipe import QuickConfig as FeedbackConfig
from recipes.d003_stacked_lstm import post as stacked_lstm_post
from recipes.d003_stacked_lstm.recipe import QuickConfig as StackedLSTMConfig
from recipes.tftools import new_session, start_session
from tf1_graphs import tf


def initial_state():
    config = InitialStateConfig(train_sequences=1)
    _, train, _ = initial_state_post.make_task(config, 0)
    graph, model = initial_state_post.build(initial_state_post.Answer0Graph, config, 0)
    with start_session(graph) as session:
        initial_state_post.answer0_sequence(session, model, train.inputs[0][:1], train.targets[0][:1])


def shakespeare():
    models = shakespeare_post.build_models(ShakespeareConfig(), COOKBOOK_VOCAB, 0)
    model = models.train
    words = np.random.default_rng(0).integers(0, COOKBOOK_VOCAB, size=(model.batch_size, model.seq_len))
    with new_session(models.graph) as session:
        session.run(models.init)
        session.run(model.train_op, {model.x_data: words, model.y_output: np.roll(words, -1, axis=1)})


def feedback():
    config = FeedbackConfig()
    graph, asker = feedback_post.build(feedback_post.build_asker, config, feedback_post.sine_data(config.n_samples), 0)
    with new_session(graph) as session:
        session.run(asker.init)
        feedback_post.train(session, asker.model, {}, 1)


def stacked_lstm():
    config = StackedLSTMConfig()
    model = stacked_lstm_post.build_classifier(config, 0)
    sequences, labels = stacked_lstm_post.toy_batch(config, np.random.default_rng(0))
    with new_session(model.graph) as session, model.graph.as_default():
        session.run(tf.global_variables_initializer())
        session.run(model.train_op, {model.inputs: sequences, model.labels: labels})


RECIPES = {"initial_state": initial_state, "shakespeare": shakespeare, "feedback": feedback,
           "stacked_lstm": stacked_lstm}
