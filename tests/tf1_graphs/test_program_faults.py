"""`python -m tf1_graphs` under faults: the program's failures as `python PROGRAM.py` shows them, ours in one line.

Each case is a real process (exit statuses, signals and Python's own reporting are the
point).  A program that does not import TensorFlow runs under the runner and under plain
`python`, side by side, and stdout, stderr and exit status must be equal byte for byte; the
runner loads no TensorFlow for it, so these runs are cheap and start together.  Only two
programs import TensorFlow: one that guards the pieces it may lack, one interrupted in a
session.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mnist_files import write_mnist

REPO = Path(__file__).resolve().parents[2]
FAULTS = Path(__file__).resolve().parent / "programs" / "faults"
RUNNER = [sys.executable, "-m", "tf1_graphs"]
PYTHON = [sys.executable]
USAGE = "python -m tf1_graphs: "


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    """A copy of `programs/faults`, with a file where a folder could be, for the `--plots` cases."""
    folder = tmp_path_factory.mktemp("faults")
    shutil.copytree(FAULTS, folder, dirs_exist_ok=True)
    (folder / "notes.txt").write_text("a file, not a folder\n")
    return folder


def start(command, cwd):
    return subprocess.Popen(command, cwd=cwd, env=dict(os.environ, PYTHONPATH=str(REPO)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process):
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def interrupted(process, ready):
    """Ctrl-C once the process has printed `ready` (and has had a moment to block)."""
    assert process.stdout.readline() == ready + "\n"
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    result = finish(process)
    result.stdout = ready + "\n" + result.stdout
    return result


# --- the program's own failures: byte for byte what python shows ---

SAME_AS_PYTHON = {  # case: (program arguments, the last line python prints on stderr)
    "a SyntaxError in the program": (["syntax_error.py"], "SyntaxError: '[' was never closed"),
    "a SyntaxError in a module it imports": (["imports_broken_module.py"], "SyntaxError: '(' was never closed"),
    "a library that is not installed": (["imports_missing_library.py"],
                                        "ModuleNotFoundError: No module named 'nosuch_library_for_tf1_graphs'"),
    "chained errors from a helper": (["chained.py", "learning_rate"], "SystemError: no setting 'learning_rate'"),
    "a bug in a package run with -m": (["-m", "averages"], "ZeroDivisionError: division by zero"),
    "sys.exit with a status": (["exits.py", "3"], None),
    "sys.exit with a message": (["exits.py", "stopped early"], "stopped early"),
}


@pytest.fixture(scope="module")
def side_by_side(faults):
    """{case: (under the runner, under python)}, every process started at once."""
    started = {case: (start(RUNNER + args, faults), start(PYTHON + args, faults))
               for case, (args, _) in SAME_AS_PYTHON.items()}
    return {case: (finish(runner), finish(python)) for case, (runner, python) in started.items()}


@pytest.mark.parametrize("case", SAME_AS_PYTHON)
def test_the_programs_failure_is_exactly_what_python_shows(case, side_by_side):
    runner, python = side_by_side[case]
    assert (runner.returncode, runner.stdout, runner.stderr) == (python.returncode, python.stdout, python.stderr)
    # what makes the comparison worth making: python's own report is there
    assert (python.stderr.splitlines() or [None])[-1] == SAME_AS_PYTHON[case][1]


def test_the_twin_a_runner_frame_would_be_seen(side_by_side):
    """The comparison can fail: the same traceback with one more frame (the runner's old one) differs."""
    runner, python = side_by_side["a library that is not installed"]
    lines = python.stderr.splitlines()
    with_a_runner_frame = "\n".join(lines[:3] + ['  File "tf1_graphs/program_imports.py", line 80, in _tf1_import']
                                    + lines[3:]) + "\n"
    assert runner.stderr != with_a_runner_frame


def test_ctrl_c_while_sleeping_ends_as_under_python(faults):
    runner, python = start(RUNNER + ["sleeps.py"], faults), start(PYTHON + ["sleeps.py"], faults)
    runner, python = interrupted(runner, "sleeping"), interrupted(python, "sleeping")
    assert (runner.returncode, runner.stdout, runner.stderr) == (python.returncode, python.stdout, python.stderr)
    assert python.returncode == -signal.SIGINT and python.stderr.endswith("\nKeyboardInterrupt\n")


# --- the runner's own command line: one line, exit status 2, the program never started ---

SEED_RANGE = "is not a seed: one from 0 to 2**32 - 1 (see --help)"
BAD_COMMAND_LINES = {  # case: (arguments, the line; {faults} is the programs' folder)
    "a negative seed": (["--seed", "-1", "exits.py", "0"], f"argument --seed: -1 {SEED_RANGE}"),
    "a seed too large": (["--seed", "99999999999999999999999", "exits.py", "0"],
                         f"argument --seed: 99999999999999999999999 {SEED_RANGE}"),
    "--plots naming a file": (["--plots", "notes.txt", "shows_plot.py"],
                              "argument --plots: cannot make folder 'notes.txt': '{faults}/notes.txt' is a file "
                              "(see --help)"),
    "--plots under a file": (["--plots", "notes.txt/figures", "shows_plot.py"],
                             "argument --plots: cannot make folder 'notes.txt/figures': '{faults}/notes.txt' "
                             "is a file (see --help)"),
    "a program that is a directory": (["."], "can't open file '.': it is a directory (name the program's .py file)"),
}


@pytest.fixture(scope="module")
def refused(faults):
    started = {case: start(RUNNER + args, faults) for case, (args, _) in BAD_COMMAND_LINES.items()}
    return {case: finish(process) for case, process in started.items()}


@pytest.mark.parametrize("case", BAD_COMMAND_LINES)
def test_a_bad_command_line_is_one_line_and_status_2_and_the_program_never_starts(case, refused, faults):
    says = BAD_COMMAND_LINES[case][1].replace("{faults}", str(faults))
    assert (refused[case].returncode, refused[case].stdout, refused[case].stderr) == (2, "", f"{USAGE}{says}\n")


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc, where no folder can be made")
def test_a_plots_folder_that_cannot_be_made_is_one_line_when_show_saves(faults):
    result = finish(start(RUNNER + ["--plots", "/proc/tf1_graphs_plots", "shows_plot.py"], faults))
    line = next(n for n, text in enumerate((faults / "shows_plot.py").read_text().splitlines(), 1)
                if "plt.show()" in text)
    assert (result.returncode, result.stdout) == (2, "plotting\n")
    assert result.stderr == (f"shows_plot.py:{line}: plt.show() cannot save /proc/tf1_graphs_plots/figure-001.png "
                             "(--plots /proc/tf1_graphs_plots): No such file or directory\n")


# --- programs that import TensorFlow: guarded pieces, missing data, Ctrl-C in a session ---

@pytest.fixture(scope="module")
def tensorflow_runs(faults):
    mnist = faults / "mnist"
    write_mnist(mnist, train=6, test=2)
    (mnist / "t10k-labels-idx1-ubyte.gz").unlink()
    guarded = start(RUNNER + ["guarded_pieces.py", "mnist"], faults)
    session = start(RUNNER + ["session_interrupted.py"], faults)
    return finish(guarded), interrupted(session, "running")


def reported(result):
    return dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)


def test_guarded_imports_of_missing_pieces_take_the_programs_fallback(tensorflow_runs):
    seen = reported(tensorflow_runs[0])
    not_provided = "is not provided by tf1_graphs"
    for statement, refused in [
        ("import tensorflow.contrib.slim as slim", "tf.contrib.slim"),
        ("from tensorflow.contrib.layers import sparse_column_with_hash_bucket",
         "tf.contrib.layers.sparse_column_with_hash_bucket"),
        ("from tensorflow import pywrap_tensorflow", "tf.pywrap_tensorflow"),
        ("import tensorflow.pywrap_tensorflow", "tf.pywrap_tensorflow"),
        ("from tensorflow.contrib.rnn.python.ops import core_rnn_cell", "tf.contrib.rnn.python"),
    ]:
        assert seen[statement].startswith(f"ImportNotProvided: {refused} {not_provided}")
    assert seen["tf.pywrap_tensorflow.TF_NewSession"].startswith(f"ContribNotProvided: tf.pywrap_tensorflow {not_provided}")
    assert seen["hasattr(tf.contrib, 'slim')"] == "False"


def test_names_tf115_never_had_are_pythons_own_errors_in_a_program(tensorflow_runs):
    seen = reported(tensorflow_runs[0])
    assert seen["from tensorflow.contrib.layers import no_such_layer"] == (
        "ImportError: cannot import name 'no_such_layer' from 'tensorflow.contrib.layers' (unknown location)")
    assert seen["import tensorflow.contrib.no_such_module"] == (
        "ModuleNotFoundError: No module named 'tensorflow.contrib.no_such_module'")
    assert seen["tf.no_such_op"] == "AttributeError: module 'tensorflow' has no attribute 'no_such_op'"
    assert seen["tf.contrib.rnn.NoSuchCell"] == (
        "AttributeError: module 'tensorflow.contrib.rnn' has no attribute 'NoSuchCell'")


def test_mnist_with_one_file_missing_names_that_file_in_one_line(tensorflow_runs, faults):
    result = tensorflow_runs[0]
    line = next(n for n, text in enumerate((faults / "guarded_pieces.py").read_text().splitlines(), 1)
                if "read_data_sets(" in text)
    assert result.returncode == 2
    assert result.stderr == (f"guarded_pieces.py:{line}: MNIST not found: t10k-labels-idx1-ubyte.gz is not in "
                             f"{faults / 'mnist'} (read_data_sets reads 4 files there and never downloads)\n")


def test_ctrl_c_in_a_session_is_pythons_keyboardinterrupt_from_the_programs_frame(tensorflow_runs, faults):
    result = tensorflow_runs[1]
    lines = result.stderr.splitlines()
    assert result.returncode == -signal.SIGINT  # as python ends: by the signal, exit status 130 in a shell
    assert lines[:2] == ["Traceback (most recent call last):",
                         f'  File "{faults / "session_interrupted.py"}", line 10, in <module>']
    assert lines[-1] == "KeyboardInterrupt"
    assert "tf1_graphs" not in result.stderr and "runpy" not in result.stderr
