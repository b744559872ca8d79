"""Shared fixtures: every test builds its graphs in a fresh graph, seeded; `cell` runs a test per LSTM kind."""
import pytest

from recipes.cells import CELL_KINDS
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


@pytest.fixture(scope="module", params=CELL_KINDS)
def cell(request):
    """Each `--cell` kind in turn: a test that takes it (or a fixture built on it) runs once per kind,
    with one set of assertions.  Module scope, so a graph trained per kind is trained once per kind."""
    return request.param
