"""`python -m tf1_graphs [--seed N] [--plots DIR] PROGRAM.py [ARGS...]`: a TF 1.x program, run as published.

The program runs as `python PROGRAM.py ARGS` (or `python -m MODULE ARGS`) would: the same
`sys.argv`, `__name__ == "__main__"`, `sys.path[0]`, working directory and exit status, so
`tf.app.run()` and its flags work.  The differences: TensorFlow is TF 1.x in the program's
own folder tree (`program_imports`), `plt.show()` saves PNGs (`headless_plots`), and
`--seed` seeds Python, NumPy and every graph.

The promises about failures: a bad command line is one line, exit status 2; so is a
`Refusal` (a TF 1.x piece tf1_graphs lacks, missing MNIST files, a `--plots` folder that
cannot be written), naming the program's file and line.  Everything else the program raises
leaves as it would leave `python PROGRAM.py`: the same traceback, from the program's first
frame, with no frame of the runner, and the same exit status (1; `sys.exit`'s own; a
Ctrl-C's KeyboardInterrupt ends the process by SIGINT, as Python does).  The runner loads
TensorFlow only with `--seed` or the program's first `import tensorflow`.
"""
import argparse
import functools
import importlib.machinery
import importlib.util
import os
import sys
import types

import matplotlib

from tf1_graphs import against_tf115, headless_plots, program_imports
from tf1_graphs.refusals import Refusal

EXIT_USAGE = 2
SEED_RANGE = range(2 ** 32)  # what NumPy's legacy seeding accepts

_HELP_END = """\
Options go before the program; everything after it is the program's own.

Exit status: the program's own (its sys.exit; 1 for an uncaught exception, with the
traceback python shows; a Ctrl-C ends it by SIGINT, as python does).  2, with one line: a
bad command line, a TF 1.15 piece tf1_graphs does not provide, missing MNIST files, or a
--plots folder that cannot be written.

--seed N seeds Python's random, NumPy, the default graph and every tf.Graph() the program
creates (graph-level seed N), so two runs print the same numbers.  What stays
nondeterministic: ops whose result depends on thread timing, notably a DropoutWrapper
inside dynamic_rnn with parallel_iterations > 1 (pass parallel_iterations=1) and parallel
tf.data pipelines; the order of sets of strings (set PYTHONHASHSEED); anything that reads
the clock or the OS's randomness; and a program that reseeds with its own values.
Op seeds follow TF 1.15's rule: where the graph is TF 1.15's op for op, a TF 1.15 run with
the same graph seed drew the same numbers (README: The same numbers as TensorFlow 1.15).

--against-tf115 runs the program twice, seeded alike (--seed N, default 0): here, then under
the real TensorFlow 1.15.5, in the same working directory (files it writes end up TF 1.15's).
TF 1.15.5 lives in a venv made on first use from a Python 3.7 (python3.7 on PATH, pyenv's, or
TF1_GRAPHS_PYTHON37) at $XDG_CACHE_HOME/tf1_graphs/tf115-venv (or TF1_GRAPHS_TF115_VENV);
TF1_GRAPHS_TF115_PYTHON names a ready interpreter instead.  The numbers the two runs print
are compared in order, as printed: the first that differs is shown with both lines, or all
are said to agree.  Words are not compared (TF 2 prints shape=(None, 28) for (?, 28)), but
the first line whose words differ is shown.  Text matching --ignore REGEX is blanked out
first (a timing: 'time/batch = [0-9.]+'; a whole line: '^Epoch time.*').  Both printouts,
stderrs and figures are kept under --plots DIR.  Exit status: 0 all agree, 1 they differ (a
number, how many, or the exit status), 2 no TF 1.15.5 to compare against.
"""


class UsageError(Exception):
    """A bad command line: one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see --help)")


def _parser():
    parser = _Parser(
        prog="python -m tf1_graphs",
        usage="%(prog)s [--seed N] [--plots DIR] [--against-tf115 [--ignore REGEX]] (PROGRAM.py | -m MODULE) [ARGS...]",
        description="Run a TF 1.x program unchanged: in its own folder tree, `import tensorflow`\n"
                    "(and tensorflow.contrib..., tensorflow.examples.tutorials.mnist) gives\n"
                    "tf1_graphs' TF 1.x; plt.show() saves the figures.",
        epilog=_HELP_END, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=_seed, metavar="N", help="seed Python, NumPy and every graph")
    parser.add_argument("--plots", type=_plots_folder, metavar="DIR",  # checked only when given
                        help=f"where plt.show() saves figures as numbered PNGs (default: {headless_plots.folder})")
    parser.add_argument("--against-tf115", action="store_true",
                        help="run it here and under TensorFlow 1.15.5, and compare the printed numbers (below)")
    parser.add_argument("--ignore", metavar="REGEX", help="with --against-tf115: text not to compare (timings)")
    return parser


def _seed(text):
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if seed not in SEED_RANGE:
        raise argparse.ArgumentTypeError(f"{text} is not a seed: one from 0 to 2**32 - 1")
    return seed


def _plots_folder(path):
    """`path`, if nothing on the way to it is a file; made only when a figure is saved.

    What only making it can tell (no permission, a read-only disk) is `PlotsNotSaved` then.
    """
    on_the_way = os.path.abspath(path)
    while not os.path.exists(on_the_way):
        on_the_way = os.path.dirname(on_the_way)
    if not os.path.isdir(on_the_way):
        raise argparse.ArgumentTypeError(f"cannot make folder {path!r}: {on_the_way!r} is a file")
    return path


_VALUE_OPTIONS = ("--seed", "--plots", "--ignore")


def split_command_line(argv):
    """(runner options, target and program arguments): the first non-option or `-m` starts the target."""
    i = 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-m":
        i += 2 if argv[i] in _VALUE_OPTIONS else 1
    return argv[:i], argv[i:]


def seed_every_graph(seed):
    """`seed_everything` now, and graph seed `seed` for every `tf.Graph` created from now on."""
    from tf1_graphs import seed_everything, tf  # TensorFlow loads here: a seeded run is a TensorFlow run

    seed_everything(seed)
    unseeded_init = tf.Graph.__init__

    @functools.wraps(unseeded_init)
    def seeded_init(graph, *args, **kwargs):
        unseeded_init(graph, *args, **kwargs)
        graph.seed = seed

    tf.Graph.__init__ = seeded_init


def _main_module(file, spec=None):
    """A fresh `__main__`, as Python makes one for a script or `-m`, running with TF 1.x imports."""
    module = types.ModuleType("__main__")
    module.__file__ = file
    module.__spec__ = spec
    module.__loader__ = spec.loader if spec else importlib.machinery.SourceFileLoader("__main__", file)
    module.__package__ = spec.parent if spec else None
    module.__builtins__ = program_imports.TF1_BUILTINS
    sys.modules["__main__"] = module
    return module


class _Script:
    """`python PROGRAM.py`: the program's folder is `sys.path[0]` and its tree."""

    def __init__(self, path):
        if os.path.isdir(path):
            raise UsageError(f"can't open file {path!r}: it is a directory (name the program's .py file)")
        if not os.path.isfile(path):
            raise UsageError(f"can't open file {path!r}: no such file")
        self.argv0 = path
        self.file = os.path.abspath(path)
        self.folder = self.path0 = os.path.dirname(os.path.realpath(self.file))

    def load(self):
        """(code, `__main__`) of the program."""
        with open(self.file, "rb") as source:
            code = compile(source.read(), self.file, "exec")
        return code, _main_module(self.file)


class _Module:
    """`python -m NAME`: the working directory is `sys.path[0]`; the tree is where NAME's package is found."""

    def __init__(self, name):
        self.name = name
        self.argv0 = "-m"  # as Python has it while the module is found
        self.file = None  # known once the module is found, which imports its parent packages
        self.path0 = os.getcwd()
        top = name.partition(".")[0]
        spec = importlib.machinery.PathFinder.find_spec(top, [self.path0, *sys.path[1:]])
        if spec is None:
            raise UsageError(f"no module named {top!r}")
        own_folder = list(spec.submodule_search_locations or [None])[0]
        found_in = os.path.dirname(own_folder or spec.origin)
        in_libraries = (own_folder or spec.origin) not in program_imports.ProgramTree(found_in)
        self.folder = own_folder if in_libraries and own_folder else found_in

    def load(self):
        """(code, `__main__`) of the module (a package's `__main__`); imports its parent packages."""
        spec = _find_spec(self.name)
        if spec.submodule_search_locations is not None:
            spec = _find_spec(self.name + ".__main__")
        if spec.origin is None or not hasattr(spec.loader, "get_code"):
            raise UsageError(f"{self.name!r} is not a module python can run with -m")
        self.argv0 = self.file = spec.origin
        return spec.loader.get_code(spec.name), _main_module(spec.origin, spec)


def _find_spec(name):
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError as error:
        if error.name and (name + ".").startswith(error.name + "."):
            raise UsageError(f"no module named {error.name!r}") from None
        raise
    if spec is None:
        raise UsageError(f"no module named {name!r}")
    return spec


def _where(error, tree):
    """'file:line' of the innermost frame of `error`'s traceback inside the program's tree."""
    location = None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in tree:
            relative = os.path.relpath(filename)
            location = f"{filename if relative.startswith('..') else relative}:{tb.tb_lineno}"
        tb = tb.tb_next
    return location


def _entries(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _linked(entries):
    """The traceback made of `entries`, in their order."""
    for entry, following in zip(entries, entries[1:] + [None]):
        entry.tb_next = following
    return entries[0] if entries else None


def _report_as_python_would(program_code, as_module):
    """From now on, Python reports an uncaught exception as it would for `python PROGRAM.py`.

    Python reports it through `sys.excepthook`: the wrapped hook shows the traceback from the
    program's first frame (none for a SyntaxError in the program itself; after runpy's two
    for `-m`, as `python -m` shows them), without the runner's frames, in it or in the
    exceptions it chains to.  The exception itself leaves the runner, so Python ends the
    process its own way: exit status 1, or by SIGINT.
    """
    runner_files = {__file__, program_imports.__file__}
    program_hook = sys.excepthook  # the program's own, if it set one

    def report(kind, error, tb):
        entries = list(_entries(tb))
        first = next((n for n, entry in enumerate(entries) if entry.tb_frame.f_code is program_code), len(entries))
        runpy = [entry for entry in entries[:first] if entry.tb_frame.f_code.co_filename == "<frozen runpy>"]
        error.__traceback__ = _linked((runpy if as_module and first < len(entries) else []) + entries[first:])
        pending, seen = [error], set()
        while pending:  # the exception and those it chains to
            chained = pending.pop()
            if chained is not None and id(chained) not in seen:
                seen.add(id(chained))
                chained.__traceback__ = _linked([entry for entry in _entries(chained.__traceback__)
                                                 if entry.tb_frame.f_code.co_filename not in runner_files])
                pending += [chained.__cause__, chained.__context__]
        program_hook(kind, error, error.__traceback__)

    sys.excepthook = report


def _command_line(argv):
    """(settings, program, program arguments) from the runner's command line."""
    options, target = split_command_line(argv)
    settings = _parser().parse_args(options)
    if not target or target == ["-m"]:
        raise UsageError("no program given: PROGRAM.py or -m MODULE (see --help)")
    if target[0] == "-m":
        return settings, _Module(target[1]), target[2:]
    return settings, _Script(target[0]), target[1:]


def _refuse(error):
    print(f"python -m tf1_graphs: {error}", file=sys.stderr)
    return EXIT_USAGE


def main(argv=None):
    """Run the program the command line names; return 0, or 2 for a bad command line or a `Refusal`.

    The program's own exits pass through: `sys.exit`, and any other exception, which leaves
    this function to be reported as `python PROGRAM.py` would report it.
    """
    try:
        argv = sys.argv[1:] if argv is None else argv
        settings, program, program_args = _command_line(argv)
    except UsageError as error:
        return _refuse(error)
    if settings.against_tf115:
        return against_tf115.main(settings.seed, settings.plots or headless_plots.folder, settings.ignore,
                                  split_command_line(argv)[1])
    if settings.ignore is not None:
        return _refuse("--ignore goes with --against-tf115 (see --help)")
    tree = program_imports.ProgramTree(program.folder)
    program_imports.redirect_imports(tree)
    sys.path[0] = program.path0
    matplotlib.use("module://tf1_graphs.headless_plots")
    if settings.plots is not None:
        headless_plots.folder = settings.plots
    if settings.seed is not None:
        seed_every_graph(settings.seed)
    sys.argv = [program.argv0, *program_args]
    code = None
    try:
        code, module = program.load()
        sys.argv[0] = program.argv0
        exec(code, module.__dict__)
    except UsageError as error:
        return _refuse(error)
    except Refusal as error:
        where = _where(error, tree)
        print(f"{where}: {error}" if where else str(error), file=sys.stderr)
        return EXIT_USAGE
    except SystemExit:
        raise
    except BaseException:
        _report_as_python_would(code, isinstance(program, _Module))
        raise
    return 0
