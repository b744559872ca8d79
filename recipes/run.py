"""What a recipe gets to work with: its output folder, its log, its claims, its plots, its graphs.

A recipe module (recipes/dNNN_*/recipe.py) defines NAME, DOCUMENT, TITLE, SOURCE, DEVIATIONS and
`run(run)`; the runner hands it a `Run`.  Everything the recipe shows goes through here,
so every run leaves the same set of files: log.txt, claims.json, *.png, graphs/<label>/.
"""
import argparse
import io
import os
import shutil

from recipes.claims import Claim
from recipes.files import atomic_write, atomic_write_json


def at_least(minimum, most=None):
    """An argparse type: a whole number >= `minimum` (and <= `most`), else a one-line usage error."""
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        if most is not None and value > most:
            raise argparse.ArgumentTypeError(f"expected a number <= {most}, got {value}")
        return value
    return parse


def shortened(quick_config, full_config):
    """'train_steps 30 (full: 1000), ...': the settings in which two configs differ."""
    names = [n for n in dir(full_config) if not n.startswith("_") and not callable(getattr(full_config, n))]
    differ = [f"{n} {getattr(quick_config, n)} (full: {getattr(full_config, n)})" for n in names
              if getattr(quick_config, n) != getattr(full_config, n)]
    return ", ".join(differ) or "nothing"


class Run:
    def __init__(self, name, out_dir, seed=0, full=False, cell="basic", options=None, echo=True):
        self.name = name
        self.dir = os.path.join(out_dir, name)
        self.seed = seed
        self.full = full
        self.cell = cell  # "basic" or "block": see recipes.cells
        self.options = options or {}  # recipe-specific command-line options, by name
        self.echo = echo
        self.claims = []
        self.plots = []
        self.measurements = []
        self.today = None  # today's TensorFlow beside the post, for the report (recipes.modern_parity)
        os.makedirs(self.dir, exist_ok=True)
        self._log = open(os.path.join(self.dir, "log.txt"), "a")  # appended: a failed re-run loses nothing

    @property
    def mode(self):
        return "full" if self.full else "quick"

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def log(self, *parts):
        """Print a line (unless quiet) and keep it in log.txt."""
        line = " ".join(str(p) for p in parts)
        if self.echo:
            print(line, flush=True)
        self._log.write(line + "\n")
        self._log.flush()

    def claim(self, claim):
        """Record a checked claim and show its verdict as it happens."""
        assert isinstance(claim, Claim), claim
        self.claims.append(claim)
        self.log(f"[{claim.verdict}] {claim.id}: {claim.observed} (expected {claim.expected})")
        return claim

    def log_quick_mode(self, quick_config, full_config):
        """In quick mode, say what it shortened: every setting that differs from --full."""
        if not self.full:
            self.log(f"quick mode (--full for the documents' own settings): {shortened(quick_config, full_config)}")

    def measure(self, label, value):
        """Record a measurement (a timing, a count) for the report: shown, never pass/fail."""
        self.measurements.append({"label": label, "value": str(value)})
        self.log(f"measured: {label}: {value}")

    def save_plot(self, fig, filename, caption):
        """Save a matplotlib figure as PNG (atomically) and remember it for the report."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        atomic_write(self.path(filename), buffer.getvalue())
        self.plots.append({"file": filename, "caption": caption})
        self.log(f"plot: {self.path(filename)}")

    def write_graph(self, graph, label):
        """Write `graph` for TensorBoard under graphs/<label> (`tensorboard --logdir` on it)."""
        from tf1_graphs import tf

        logdir = self.path("graphs", label)
        shutil.rmtree(logdir, ignore_errors=True)
        writer = tf.summary.FileWriter(logdir, graph=graph)
        writer.close()
        self.log(f"graph: {logdir}")

    def close(self):
        self._log.close()

    def finish(self, module):
        """Write claims.json: the claims, the recipe's deviations and plots, for the report."""
        atomic_write_json(self.path("claims.json"), {
            "recipe": self.name, "document": module.DOCUMENT, "title": module.TITLE,
            "source": module.SOURCE, "mode": self.mode, "seed": self.seed, "cell": self.cell,
            "options": {k: v for k, v in self.options.items() if v not in (None, False)},
            "deviations": list(module.DEVIATIONS), "plots": self.plots,
            "measurements": self.measurements, "today": self.today,
            "claims": [c.to_dict() for c in self.claims],
        })

    @property
    def all_passed(self):
        return all(c.passed for c in self.claims)


def matplotlib_figure(*args, **kwargs):
    """A figure from matplotlib's display-free backend (recipes run on machines without a screen)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)

