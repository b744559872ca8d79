"""Runs a TF 1.x program under the real TensorFlow 1.15, seeded as `python -m tf1_graphs --seed N` seeds it.

`python -m tf1_graphs --against-tf115` starts it with the TF 1.15 venv's Python 3.7:

    python tf115_bootstrap.py SEED PLOTS (PROGRAM.py | -m MODULE) [ARGS...]

so it imports nothing of tf1_graphs (that venv has none) and keeps to Python 3.7's language.
The seeding is the runner's: Python's `random` and NumPy seeded with SEED, graph seed SEED
on the default graph and on every `tf.Graph` made after.  `plt.show()` saves the open
figures as numbered PNGs in PLOTS and prints the same `plot saved:` line as the runner's
headless backend.  The program then runs as `python PROGRAM.py ARGS` (or `python -m MODULE`)
would: its own `sys.argv`, `__name__ == "__main__"`, `sys.path[0]`, and exit status.
"""
import os
import random
import runpy
import sys


def seed_every_graph(tf, numpy, seed):
    random.seed(seed)
    numpy.random.seed(seed)
    tf.compat.v1.set_random_seed(seed)
    unseeded_init = tf.Graph.__init__

    def seeded_init(graph, *args, **kwargs):
        unseeded_init(graph, *args, **kwargs)
        graph.seed = seed

    tf.Graph.__init__ = seeded_init


def save_figures_on_show(folder):
    """`plt.show()` saves and closes every open figure, as the runner's `headless_plots` does."""
    try:
        import matplotlib
    except ImportError:
        return  # a program that plots fails on its own import, as it would under `python`
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    saved = [0]

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            figure = plt.figure(number)
            saved[0] += 1
            if not os.path.isdir(folder):
                os.makedirs(folder)
            path = os.path.join(folder, "figure-%03d.png" % saved[0])
            figure.savefig(path)
            print("plot saved: %s" % path, flush=True)
            plt.close(figure)

    plt.show = show


def run_program(target, args):
    if target[0] == "-m":
        sys.argv = ["-m"] + args
        sys.path[0] = os.getcwd()
        runpy.run_module(target[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = [target[0]] + args
        sys.path[0] = os.path.dirname(os.path.realpath(target[0]))
        runpy.run_path(target[0], run_name="__main__")


def main(argv):
    seed, plots, rest = int(argv[0]), argv[1], argv[2:]
    target, args = (rest[:2], rest[2:]) if rest[0] == "-m" else (rest[:1], rest[1:])
    import numpy
    import tensorflow as tf

    save_figures_on_show(plots)
    seed_every_graph(tf, numpy, seed)
    run_program(target, args)


if __name__ == "__main__":
    main(sys.argv[1:])
