"""A matplotlib backend for runs without a display: Agg's canvas, and a `show()` that saves.

`python -m tf1_graphs` selects it (`module://tf1_graphs.headless_plots`) before the program
runs, so a program written for a window still produces its figures: `plt.show()`, with or
without arguments, saves every open figure as the next numbered PNG in `folder`, prints the
path and closes the figure; `savefig` is Agg's, unchanged.
"""
import os

from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas  # noqa: F401 (the backend's canvas)

folder = "tf1_plots"
_saved = 0


def show(*args, **kwargs):
    """Save and close every open figure (the arguments of a window's `show` do not apply)."""
    global _saved
    import matplotlib.pyplot as plt  # loaded by now: pyplot is the caller

    for number in plt.get_fignums():
        figure = plt.figure(number)
        _saved += 1
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"figure-{_saved:03d}.png")
        figure.savefig(path)
        plt.close(figure)
        print(f"plot saved: {path}", flush=True)
