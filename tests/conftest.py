"""Shared fixtures: every test builds its graphs in a fresh graph, seeded."""
import pytest

from tf1_graphs import seeded_graph, tf


@pytest.fixture
def graph():
    """A fresh default graph, seeded with 0, for the duration of one test."""
    with seeded_graph(0) as g:
        yield g


@pytest.fixture
def session(graph):
    with tf.Session(graph=graph) as sess:
        yield sess
