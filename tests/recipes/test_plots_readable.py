"""Every plot's axes are labelled and its legends cover no data: the figures are checked as they are saved.

The plot functions of documents 000 and 002 get small synthetic results (the figures' layout does
not depend on the numbers); a stand-in for Run.save_plot draws each figure and inspects it.
"""
import numpy as np
import pytest

from recipes.d000_initial_state import recipe as initial_state
from recipes.d002_feedback import post as feedback_post
from recipes.d002_feedback import recipe as feedback
from recipes.run import matplotlib_figure


def _shares_label(ax, axis):
    """The axes' own label on `axis` ('x' or 'y'), or that of an axes it shares the axis with."""
    shared = ax.get_shared_x_axes() if axis == "x" else ax.get_shared_y_axes()
    return any(getattr(a, f"get_{axis}label")() for a in shared.get_siblings(ax))


def problems(fig):
    """What a reader would miss: an unlabelled axis, a legend drawn over an axes' plotting area."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    plots = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    found = [f"axes {i} ({ax.get_title()!r}): no {axis} label" for i, ax in enumerate(plots)
             for axis in "xy" if not _shares_label(ax, axis)]
    for legend in [ax.get_legend() for ax in plots if ax.get_legend()] + list(fig.legends):
        box = legend.get_window_extent(renderer)
        found += [f"a legend covers axes {i} ({ax.get_title()!r})" for i, ax in enumerate(plots)
                  if box.overlaps(ax.get_window_extent(renderer))]
    return found


class FigureInspector:
    """Takes a recipe's figures in place of a Run and collects what `problems` finds in each."""
    def __init__(self):
        self.found = {}

    def save_plot(self, fig, filename, caption):
        self.found[filename] = problems(fig)


def test_the_feedback_plots_are_readable():
    data = feedback_post.sine_data(100)
    steps, waves = np.arange(100), np.sin(np.arange(100) / 10)[None, :, None]
    sampling = feedback_post.SamplingRun(np.sin(steps / 10), list(steps), np.linspace(1e-4, 1e-3, 100))
    inspector = FigureInspector()
    feedback.plot_question(inspector, data, (np.zeros((1, 100, 5)), np.zeros((1, 100, 1))),
                           {"zero": (np.ones(10), waves), "sine": (np.ones(10), waves)})
    feedback.plot_sampling(inspector, {"zero": sampling, "sine": sampling})
    feedback.plot_generation(inspector, data, np.sin(steps / 10), np.sin(steps / 10))
    feedback.plot_chunks(inspector, data, 25, waves, waves, waves, waves)
    feedback.plot_batch(inspector, np.repeat(waves, 2, axis=0), np.repeat(waves, 2, axis=0))
    assert len(inspector.found) == 6 and inspector.found == {name: [] for name in inspector.found}


def test_the_initial_state_plots_are_readable():
    losses = {"zero": np.full(5, 1.0), "learned": np.full(5, 0.1)}
    results = {v: {"first_chunk": losses} for v in initial_state.VARIANTS}
    inspector = FigureInspector()
    config = initial_state.QuickConfig()
    for variant, result in results.items():
        result.update(history=np.ones((200, config.chunks_per_sequence)), learned=(np.ones((10, 20)),) * 2,
                      before=(np.zeros((10, 20)),) * 2)
    initial_state.plot_losses(inspector, results, config)
    initial_state.plot_initial_states(inspector, results)
    initial_state.plot_first_chunk(inspector, results, config)
    assert inspector.found == {"loss.png": [], "initial_state.png": [], "first_chunk.png": []}


@pytest.mark.parametrize("fault", ["no y label", "legend over the data"])
def test_the_inspection_finds_an_unlabelled_axis_and_a_covering_legend(fault):
    """The broken twin: the faults the recipes had are found."""
    fig, ax = matplotlib_figure()
    ax.plot(np.arange(10), np.ones(10), label="a line")
    ax.set_xlabel("step")
    if fault == "legend over the data":
        ax.set_ylabel("value")
        ax.legend()
    assert len(problems(fig)) == 1
