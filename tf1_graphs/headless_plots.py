"""A matplotlib backend for runs without a display: Agg's canvas, with showing turned into saving.

`python -m tf1_graphs` selects it (`module://tf1_graphs.headless_plots`) before the program
runs, so a program written for a window still produces its figures: `plt.show()`, with or
without arguments, saves every open figure as the next numbered PNG in `folder`, prints the
path and closes the figure; `fig.show()` saves that figure and leaves it open, as a window
would stay; `savefig` is Agg's, unchanged.  With no display no click or key can come, so
waiting for one (`plt.waitforbuttonpress()`, `ginput`) returns at once instead of forever.
A figure that cannot be saved there is `PlotsNotSaved`: the runner's one line, exit status 2.
"""
import os

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

from tf1_graphs.refusals import Refusal

folder = "tf1_plots"
_saved = 0


class PlotsNotSaved(Refusal):
    """The folder of `--plots` cannot be made or written: the runner's setting, not the program's bug."""


def _save(figure):
    global _saved
    _saved += 1
    path = os.path.join(folder, f"figure-{_saved:03d}.png")
    try:
        os.makedirs(folder, exist_ok=True)
        figure.savefig(path)
    except OSError as error:
        raise PlotsNotSaved(f"plt.show() cannot save {path} (--plots {folder}): {error.strerror or error}") from None
    print(f"plot saved: {path}", flush=True)


class FigureManager(FigureManagerBase):
    def show(self):
        _save(self.canvas.figure)


class FigureCanvas(FigureCanvasAgg):
    manager_class = FigureManager

    def start_event_loop(self, timeout=0):
        """No display, so no event will come: return instead of waiting."""


def show(*args, **kwargs):
    """Save and close every open figure (the arguments of a window's `show` do not apply)."""
    import matplotlib.pyplot as plt  # loaded by now: pyplot is the caller

    for number in plt.get_fignums():
        figure = plt.figure(number)
        _save(figure)
        plt.close(figure)
