"""What a recipe gets to work with: its output folder, its log, its claims, its plots, its graphs.

A recipe module (recipes/dNNN_*/recipe.py) defines NAME, DOCUMENT, TITLE, SOURCE, DEVIATIONS and
`run(run)`; the runner hands it a `Run`.  Everything the recipe shows goes through here,
so every run leaves the same set of files: log.txt, claims.json, *.png, graphs/<label>/.
"""
import argparse
import fcntl
import glob
import importlib
import io
import os
import shutil

from recipes import FOLDERS, UserError
from recipes.claims import Claim, with_post_words
from recipes.files import TMP_PREFIX, atomic_write, atomic_write_json, is_filesystem_error, write_error

LOCK_FILE = ".lock"
# what a hard kill can leave in a run's folder: atomic_write's temporaries, TensorFlow's half-written
# checkpoint files and its temporary copy of the `checkpoint` index
LEFTOVER_PATTERNS = (TMP_PREFIX + "*", "*.tempstate*", "checkpoint.tmp*")


def at_least(minimum, most=None):
    """An argparse type: a whole number >= `minimum` (and <= `most`), else a one-line usage error."""
    allowed = f"a whole number from {minimum} to {most}" if most is not None else f"a whole number >= {minimum}"

    def parse(text):
        if not text.strip().lstrip("+-").isdigit() or len(text) > 30:  # refuses 1e12, 2.5, and pages of digits
            raise argparse.ArgumentTypeError(f"expected {allowed} (digits only), got {text[:30]!r}")
        value = int(text)
        if value < minimum or (most is not None and value > most):
            raise argparse.ArgumentTypeError(f"expected {allowed}, got {value}")
        return value
    return parse


def post_words(name):
    """The document's own words (quotes, recorded numbers, summary: plain data), or None for no document."""
    return importlib.import_module(f"recipes.{FOLDERS[name]}.post_words") if name in FOLDERS else None


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
        self.words = post_words(name)
        self.today = None  # today's TensorFlow beside the post, for the report (recipes.modern_parity)
        os.makedirs(self.dir, exist_ok=True)
        self._lock = lock_folder(self.dir)
        self._log = open(os.path.join(self.dir, "log.txt"), "a")  # appended: a failed re-run loses nothing
        leftovers = remove_leftovers(self.dir)
        if leftovers:
            self.log(f"removed {leftovers} temporary file(s) an interrupted run left in {self.dir}")

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
        try:
            self._log.write(line + "\n")
            self._log.flush()
        except OSError as error:
            if is_filesystem_error(error):
                raise write_error(self._log.name, error) from None
            raise

    def claim(self, claim):
        """Record a checked claim and show its verdict as it happens."""
        assert isinstance(claim, Claim), claim
        self.claims.append(with_post_words(claim, self.words))
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
        try:
            writer = tf.summary.FileWriter(logdir, graph=graph)
            writer.close()
        except tf.errors.OpError as error:
            raise UserError(f"cannot write {logdir}: {error.message.strip().splitlines()[-1]}") from None
        self.log(f"graph: {logdir}")

    def close(self):
        try:
            self._log.close()
        except OSError:  # the lines a full disk refused were reported when they were written
            pass
        self._lock.close()

    def finish(self, module):
        """Write claims.json: the claims, the recipe's deviations and plots, and the post's summary and
        recorded numbers, for the report (copied, so that a result folder stands alone)."""
        atomic_write_json(self.path("claims.json"), {
            "recipe": self.name, "document": module.DOCUMENT, "title": module.TITLE,
            "source": module.SOURCE, "mode": self.mode, "seed": self.seed, "cell": self.cell,
            "options": {k: v for k, v in self.options.items() if v not in (None, False) and k != "overwrite"},
            "deviations": list(module.DEVIATIONS), "plots": self.plots,
            "measurements": self.measurements, "today": self.today,
            "claims": [c.to_dict() for c in self.claims],
            "summary": getattr(self.words, "SUMMARY", None), "recorded": getattr(self.words, "RECORDED", []),
        })

    @property
    def all_passed(self):
        return all(c.passed for c in self.claims)


def lock_folder(folder):
    """An exclusive lock on `folder` for as long as the returned file stays open; a second run is refused."""
    lock = open(os.path.join(folder, LOCK_FILE), "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip()
        lock.close()
        raise UserError(f"{folder} is in use by another run{f' (process {holder})' if holder else ''}: "
                        "wait for it to finish, or choose another --out") from None
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    return lock


def remove_leftovers(folder):
    """Delete the temporary files a killed run left in `folder` (only ever called under its lock)."""
    paths = {p for pattern in LEFTOVER_PATTERNS for p in glob.glob(os.path.join(glob.escape(folder), pattern))}
    for path in paths:
        os.remove(path)
    return len(paths)


def legend_below(ax, columns=2, drop=0.16):
    """The axes' legend under its x label, outside the plotted area, where it can hide no data."""
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -drop), ncol=columns, fontsize=8, frameon=False)


def matplotlib_figure(*args, **kwargs):
    """A figure from matplotlib's display-free backend (recipes run on machines without a screen)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(*args, **kwargs)

