"""Shared fixtures: every test builds its graphs in a fresh graph, seeded."""
import pytest

from tf1_graphs import seed_everything, tf


@pytest.fixture
def graph():
    """A fresh default graph, seeded with 0, for the duration of one test."""
    g = tf.Graph()
    with g.as_default():
        seed_everything(0)
        yield g


@pytest.fixture
def session(graph):
    with tf.Session(graph=graph) as sess:
        yield sess
