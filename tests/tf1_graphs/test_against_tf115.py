"""`python -m tf1_graphs --against-tf115`: both runs, the verdict, the exit statuses, and the set-up.

No TensorFlow 1.15 is needed: the "TF 1.15 python" is a stub interpreter (TF1_GRAPHS_TF115_PYTHON)
that runs the program through the runner again, optionally changing one printed number; the
bootstrap that really runs under TF 1.15 is run here against a fake `tensorflow` that records
the seeds it is given; the venv is made from a stub Python 3.7.  One test runs the real TF 1.15.5
when an interpreter for it exists (TF1_GRAPHS_TF115_PYTHON, or the venv already made), else skips.
"""
import ast
import os
import random
import re
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tf1_graphs import against_tf115, program, tf115_venv
from tf1_graphs.printed_numbers import lines_with_other_words

REPO = Path(__file__).resolve().parents[2]

PROGRAM = """\
import random
import numpy as np
print("python", random.random())
print("numpy", np.random.rand(2))
print("args", len(__import__("sys").argv))
"""

FAKE_TENSORFLOW = """
class Graph:
    def __init__(self):
        self.seed = None
_default = Graph()
def get_default_graph():
    return _default
class compat:
    class v1:
        @staticmethod
        def set_random_seed(seed):
            _default.seed = seed
"""

STUB_TF115_PYTHON = f"""#!{sys.executable}
# Stands for TF 1.15's Python: runs the bootstrap with a fake tensorflow, optionally changing a printed number.
import os, subprocess, sys
bootstrap = sys.argv[1]
if not bootstrap.endswith("tf115_bootstrap.py") or "TF2_BEHAVIOR" in os.environ:
    sys.exit(99)  # started wrongly: no bootstrap, or with the environment that makes TF 1.15 eager
run = subprocess.run([sys.executable, *sys.argv[1:]], capture_output=True, text=True,
                     env=dict(os.environ, PYTHONPATH=os.path.join(os.path.dirname(__file__), "fake")))
old, _, new = os.environ.get("STUB_CHANGE", "").partition("->")
sys.stdout.write(run.stdout.replace(old, new, 1) if old else run.stdout)
sys.stderr.write(run.stderr)
sys.exit(run.returncode)
"""


def executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def fake_tensorflow(folder):
    (folder / "fake" / "tensorflow").mkdir(parents=True)
    (folder / "fake" / "tensorflow" / "__init__.py").write_text(FAKE_TENSORFLOW)


def start(tmp_path, *options, **environment):
    fake_tensorflow(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(REPO), TF1_GRAPHS_TF115_PYTHON=executable(tmp_path / "tf115", STUB_TF115_PYTHON),
               **environment)
    (tmp_path / "prog.py").write_text(PROGRAM)
    return subprocess.Popen([sys.executable, "-m", "tf1_graphs", "--against-tf115", *options, "prog.py", "x", "y"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same program compared twice, started together: as it is, and with one number changed on one side."""
    folders = [tmp_path_factory.mktemp(name) for name in ("alike", "changed")]
    processes = [start(folders[0], "--seed", "3"), start(folders[1], STUB_CHANGE="args 3->args 4")]
    return [(folder, *process.communicate(timeout=300), process.returncode)
            for folder, process in zip(folders, processes)]


def test_a_program_that_prints_the_same_numbers_agrees(runs):
    folder, stdout, stderr, status = runs[0]
    assert status == 0, stderr
    assert stdout == "all 4 printed numbers agree (tf1_graphs and TF 1.15.5)\n"
    for side in ("tf1_graphs", "tf115"):
        assert f"python {random.Random(3).random()}" in (folder / "tf1_plots" / f"{side}.out").read_text()
    assert "with seed 3 under tf1_graphs and under TF 1.15.5" in stderr


def test_the_first_differing_number_is_shown_with_both_lines(runs):
    folder, stdout, stderr, status = runs[1]
    assert status == 1, stderr
    assert stdout.splitlines() == [
        "printed number 4 differs (4 numbers printed under tf1_graphs, 4 under TF 1.15.5; the 3 before it agree):",
        "  tf1_graphs line 3: args 3",
        "                          ^",
        "  TF 1.15.5  line 3: args 4",
        "                          ^"]
    assert f"python {random.Random(0).random()}" in (folder / "tf1_plots" / "tf115.out").read_text()  # seed 0


def finished(tmp_path, label, printout, status, error=""):
    run = against_tf115.Run(label, [], str(tmp_path / f"{label}.out"), str(tmp_path / f"{label}.err"), status)
    Path(run.out).write_text(printout)
    Path(run.err).write_text(error)
    return run


def test_an_exit_status_of_its_own_is_a_difference(tmp_path, capsys):
    ours = finished(tmp_path, "here", "loss 0.5\n", 0)
    assert against_tf115.report(ours, finished(tmp_path, "there", "loss 0.5\n", 0)) == 0
    assert capsys.readouterr().out == "all 1 printed numbers agree (here and there)\n"
    theirs = finished(tmp_path, "there", "loss 0.5\n", 5, "Traceback\nValueError: no\n")
    assert against_tf115.report(ours, theirs) == 1  # the twin: only the exit status differs
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"there ended with exit status 5: ValueError: no (all of it: {theirs.err})",
        "the exit statuses differ: 0 under here, 5 under there"]


def test_ignored_text_and_other_words_do_not_change_the_verdict(tmp_path, capsys):
    ours = finished(tmp_path, "here", "Time 1.5 s\nshape (None, 2) 0.5\n", 0)
    theirs = finished(tmp_path, "there", "Time 2.5 s\nshape (?, 2) 0.5\n", 0)
    assert against_tf115.report(ours, theirs, re.compile("^Time.*")) == 0
    assert capsys.readouterr().out.splitlines() == [
        "all 2 printed numbers agree (here and there)",
        "1 line(s) differ in their words (not part of the verdict: TF 2 and NumPy 2 spell some values otherwise, "
        "e.g. shape=(None, 28) for (?, 28)); the first:",
        "  here       line 2: shape (None, 2) 0.5",
        "  there      line 2: shape (?, 2) 0.5"]
    assert against_tf115.report(ours, theirs) == 1  # the twin: the timing line counts when not ignored


# --- the command line and the set-up: one line, exit status 2 ---

@pytest.fixture
def no_python37(monkeypatch, tmp_path):
    for name in ("TF1_GRAPHS_TF115_PYTHON", "TF1_GRAPHS_PYTHON37"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TF1_GRAPHS_TF115_VENV", str(tmp_path / "venv"))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("PATH", os.pathsep.join([str(tmp_path / "bin"), "/usr/bin", "/bin"]))  # no pyenv shims
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prog.py").write_text(PROGRAM)
    return tmp_path


def test_without_python37_one_line_and_exit_2(no_python37, capsys):
    assert program.main(["--against-tf115", "prog.py"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "--against-tf115 needs Python 3.7" in line and "TF1_GRAPHS_PYTHON37" in line


def test_a_python_that_is_not_37_is_refused(no_python37, monkeypatch):
    monkeypatch.setenv("TF1_GRAPHS_PYTHON37", sys.executable)
    with pytest.raises(tf115_venv.SetupError, match="is not a Python 3.7"):
        tf115_venv.find_python37()


STUB_PYTHON37 = """#!/bin/sh
# Stands for Python 3.7: answers the version check; `-m venv DIR` makes DIR/bin/python, a stub pip
case "$1" in
  -c) echo 3.7 ;;
  -m) mkdir -p "$3/bin"; printf '#!/bin/sh\\necho "pip: $*"\\nexit %s\\n' "$PIP_STATUS" > "$3/bin/python"
      chmod +x "$3/bin/python"; exit "$VENV_STATUS" ;;
esac
"""


def test_pyenv_newest_37_is_found(no_python37):
    for version in ("3.7.9", "3.7.16", "3.8.1"):
        (no_python37 / "pyenv" / "versions" / version / "bin").mkdir(parents=True)
        executable(no_python37 / "pyenv" / "versions" / version / "bin" / "python3.7", STUB_PYTHON37)
    assert tf115_venv.find_python37().endswith("/3.7.16/bin/python3.7")


@pytest.mark.parametrize("venv_status, pip_status, says", [
    ("1", "0", "creating the venv failed"),
    ("0", "1", "installing tensorflow==1.15.5 numpy<1.19 protobuf==3.20.3 six matplotlib<3.6 requests failed: pip: -m pip"),
])
def test_a_failed_install_is_one_line_and_leaves_no_venv(no_python37, monkeypatch, capsys, venv_status, pip_status,
                                                         says):
    monkeypatch.setenv("TF1_GRAPHS_PYTHON37", executable(no_python37 / "python3.7", STUB_PYTHON37))
    monkeypatch.setenv("VENV_STATUS", venv_status)
    monkeypatch.setenv("PIP_STATUS", pip_status)
    assert program.main(["--against-tf115", "prog.py"]) == 2
    assert says in capsys.readouterr().err.splitlines()[-1]
    assert not (no_python37 / "venv").exists()


def test_a_made_venv_is_renamed_into_place_and_used_from_then_on(no_python37, monkeypatch, capsys):
    monkeypatch.setenv("TF1_GRAPHS_PYTHON37", executable(no_python37 / "python3.7", STUB_PYTHON37))
    monkeypatch.setenv("VENV_STATUS", "0")
    monkeypatch.setenv("PIP_STATUS", "0")
    python = tf115_venv.tf115_python()
    assert python == str(no_python37 / "venv" / "bin" / "python") and os.access(python, os.X_OK)
    progress = capsys.readouterr().err
    assert "making the TensorFlow 1.15.5 venv, once" in progress and "ready in" in progress
    monkeypatch.setenv("TF1_GRAPHS_PYTHON37", "/no/such/python")  # not needed any more
    assert tf115_venv.tf115_python() == python
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("argv, says", [
    (["--against-tf115", "--ignore", "(", "prog.py"], "--ignore '(' is not a regular expression"),
    (["--ignore", "Time", "prog.py"], "--ignore goes with --against-tf115"),
    (["--against-tf115", "--plots", "prog.py/plots", "prog.py"], "--plots prog.py/plots: cannot make that folder"),
])
def test_bad_options_are_one_line(argv, says, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("TF1_GRAPHS_TF115_PYTHON", sys.executable)  # never a venv made by a test
    monkeypatch.chdir(tmp_path)
    (tmp_path / "prog.py").write_text(PROGRAM)
    assert program.main(argv) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert says in line


def test_help_explains_the_mode(capsys):
    with pytest.raises(SystemExit):
        program.main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--against-tf115 runs the program twice, seeded alike" in help_text
    assert "0 all agree, 1 they differ" in help_text


# --- the TF 1.15 side's bootstrap, against a fake tensorflow ---

SEEDS_PROGRAM = """\
import random, sys
import numpy as np
import tensorflow as tf
import matplotlib.pyplot as plt
print(sys.argv, __name__, sys.path[0])
print(tf.get_default_graph().seed, tf.Graph().seed, random.random(), np.random.rand())
plt.plot([1, 2])
plt.show()
"""


def test_the_bootstrap_seeds_like_the_runner_and_runs_the_program_as_python_would(tmp_path):
    fake_tensorflow(tmp_path)
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "seeds.py").write_text(SEEDS_PROGRAM)

    def bootstrap(seed):
        return subprocess.run([sys.executable, against_tf115.BOOTSTRAP, str(seed), "plots", "dir/seeds.py", "-v"],
                              cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(tmp_path / "fake")),
                              capture_output=True, text=True, check=True).stdout.splitlines()

    argv, seeds, plot = bootstrap(7)
    assert argv == f"['dir/seeds.py', '-v'] __main__ {tmp_path / 'dir'}"
    assert seeds == f"7 7 {random.Random(7).random()} {np.random.RandomState(7).rand()}"
    assert plot == "plot saved: plots/figure-001.png" and (tmp_path / "plots" / "figure-001.png").exists()
    assert bootstrap(8)[1] != seeds  # the twin: the seed given is the seed used


def test_the_bootstrap_keeps_to_python_37():
    ast.parse(Path(against_tf115.BOOTSTRAP).read_text(), feature_version=(3, 7))


def test_the_python_37_check_can_fail():
    """The twin: a construct newer than 3.7 (an assignment expression) is refused."""
    with pytest.raises(SyntaxError):
        ast.parse("if (n := 1):\n    pass\n", feature_version=(3, 7))


# --- the real TF 1.15.5, when it is there ---

DRAWS = """\
import tensorflow as tf
print(tf.Session().run(tf.random_normal([3])))
graph = tf.Graph()
with graph.as_default():
    print(tf.Session().run(tf.random_uniform([2], seed=5)))
"""


@pytest.mark.skipif(tf115_venv.existing_tf115_python() is None, reason="no TF 1.15.5 interpreter here")
def test_real_tf115_prints_the_same_draws(tmp_path):
    (tmp_path / "draws.py").write_text(DRAWS)
    result = subprocess.run([sys.executable, "-m", "tf1_graphs", "--against-tf115", "--seed", "1", "draws.py"],
                            cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True,
                            text=True, timeout=300)
    assert (result.returncode, result.stdout) == (0, "all 5 printed numbers agree (tf1_graphs and TF 1.15.5)\n"), (
        result.stderr)
    assert re.search(r"-?\d", (tmp_path / "tf1_plots" / "tf115.out").read_text())


def test_the_sides_own_figure_folders_are_not_a_difference():
    ours, theirs = "plot saved: plots/tf1_graphs/figure-001.png\n", "plot saved: plots/tf115/figure-001.png\n"
    figure_path = re.compile(against_tf115.FIGURE_PATH)
    assert lines_with_other_words(ours, theirs, figure_path) == []
    assert lines_with_other_words(ours, theirs) == [1]  # the twin: without it, the folders differ


def test_a_printout_without_numbers_is_judged_by_its_words(tmp_path, capsys):
    sampled = finished(tmp_path, "here", "thou art\nmore\n", 0)
    assert against_tf115.report(sampled, finished(tmp_path, "there", "thou art\nmore\n", 0)) == 0
    assert capsys.readouterr().out == "neither run printed a number (here and there); their words agree on all 2 lines\n"
    against_tf115.report(sampled, finished(tmp_path, "there", "thou art\nless\n", 0))
    assert "their words differ (below)" in capsys.readouterr().out  # the twin
