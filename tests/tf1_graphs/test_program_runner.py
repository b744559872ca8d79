"""`python -m tf1_graphs PROGRAM.py`: TF 1.x programs, written in the published style, run unchanged.

The programs live in `programs/` and run in subprocesses (that is the point: a fresh
interpreter, `sys.argv`, `__main__`, exit status), each once, several checks per run.
The command line, the import forms and the program tree are also checked in-process.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tf1_graphs
from mnist_files import write_mnist
from tf1_graphs import program, program_imports
from tf1_graphs.contrib import ContribNotProvided
from tf1_graphs.refusals import NotProvided

REPO = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    """A copy of `programs/`, so runs write their plots, data and caches outside the repository."""
    folder = tmp_path_factory.mktemp("programs")
    shutil.copytree(PROGRAMS, folder, dirs_exist_ok=True)
    return folder


def start(args, cwd, programs):
    """`python -m tf1_graphs ARGS` in `cwd`, with a library folder outside the program on PYTHONPATH."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(programs / "site_packages")]))
    return subprocess.Popen([sys.executable, "-m", "tf1_graphs", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process):
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run(args, cwd, programs):
    return finish(start(args, cwd, programs))


def line_of(path, marker):
    """The line number of the line holding `marker`, so the tests do not hard-code line numbers."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if marker in line)


def stdout_value(result, label):
    return next(line[len(label):].strip() for line in result.stdout.splitlines() if line.startswith(label))


# --- one run of a tutorial-style program: flags, imports, MNIST, plots, exit status ---

@pytest.fixture(scope="module")
def mnist_run(programs):
    write_mnist(programs / "mnist_rnn" / "data", train=12, test=3)
    return run(["mnist_rnn/train.py", "--data_dir", "mnist_rnn/data", "--steps", "3", "--exit_status", "3"],
               programs, programs)


def test_program_runs_as_python_would_run_it(mnist_run, programs):
    assert mnist_run.returncode == 3, mnist_run.stderr  # main's return value, through tf.app.run's sys.exit
    assert stdout_value(mnist_run, "argv:") == "['mnist_rnn/train.py']"  # the flags were parsed off
    assert stdout_value(mnist_run, "__name__:") == "__main__"
    assert stdout_value(mnist_run, "sys.path[0]:") == os.path.realpath(programs / "mnist_rnn")


def test_every_import_form_in_the_program_tree_gives_tf1(mnist_run):
    assert stdout_value(mnist_run, "tf:") == "tf1_graphs.tf tf1_graphs.tf tf1_graphs.tf"
    assert stdout_value(mnist_run, "contrib:") == (
        "tf1_graphs.contrib.rnn tf1_graphs.contrib.legacy_seq2seq tf1_graphs.contrib.layers "
        "tf1_graphs.contrib.rnn")
    assert stdout_value(mnist_run, "tensorflow's own:") == (
        "tensorflow.python.framework.ops tensorflow.core.framework.graph_pb2")


def test_a_library_outside_the_program_tree_keeps_tensorflow_2(mnist_run):
    # the twin: the program's own package, same import statement, saw tf1_graphs.tf (above)
    assert stdout_value(mnist_run, "library:") == "tensorflow, has contrib: False"


def test_the_program_reads_mnist_and_trains(mnist_run):
    assert "Extracting mnist_rnn/data/train-images-idx3-ubyte.gz" in mnist_run.stdout
    train, validation, test, images, labels, top = stdout_value(mnist_run, "mnist:").split(" ", 5)
    assert (train, validation, test) == ("8", "4", "3")
    assert top.endswith("(8, 10) 1.0") and images == "(8,"  # [8, 784] images in [0, 1], one-hot labels
    assert stdout_value(mnist_run, "epochs completed:") == "1 losses finite: True"  # 15 examples of 8


def test_show_saves_every_open_figure_and_savefig_still_works(mnist_run, programs):
    saved = [line.split(": ")[1] for line in mnist_run.stdout.splitlines() if line.startswith("plot saved:")]
    # show(): the loss; fig.show(): the image, kept open; waitforbuttonpress(): shows it again
    # (and returns: no click can come); show(block=True): the image and the empty figure
    assert saved == [f"tf1_plots/figure-00{n}.png" for n in (1, 2, 3, 4, 5)]
    for name in saved + ["loss.png"]:
        assert (programs / name).read_bytes()[:4] == b"\x89PNG"


# --- the one-line errors, and the program's own ---

def test_missing_contrib_member_imported_by_a_module_names_its_line_under_dash_m(programs):
    package = programs / "translate_pkg"
    result = run(["-m", "translate.train", "--beam", "2"], package, programs)
    assert result.returncode == 2
    line = line_of(package / "translate" / "model.py", "(the missing piece)")
    assert result.stderr.splitlines() == [
        f"translate/model.py:{line}: tf.contrib.layers.sparse_column_with_hash_bucket is not provided by tf1_graphs"]
    assert stdout_value(result, "__name__:") == "__main__ package sees: tf1_graphs.tf module sees: tf1_graphs.tf"
    assert stdout_value(result, "argv:") == f"['--beam', '2'] argv[0]: {package / 'translate' / 'train.py'}"
    assert stdout_value(result, "sys.path[0] is the working directory:") == "True"


def test_missing_contrib_module_is_one_line_with_file_and_line(programs):
    result = run(["errors/missing_module.py"], programs, programs)
    assert result.returncode == 2
    line = line_of(programs / "errors" / "missing_module.py", "# the missing piece")
    [message] = result.stderr.splitlines()
    assert message.startswith(f"errors/missing_module.py:{line}: tf.contrib.tpu is not provided by tf1_graphs")


def test_the_programs_own_bug_keeps_its_traceback_and_exit_status(programs):
    result = run(["errors/own_bug.py"], programs, programs)
    assert result.returncode == 1
    frames = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("File ")]
    own_bug, helpers = programs / "errors" / "own_bug.py", programs / "errors" / "helpers.py"
    assert frames == [f'File "{own_bug}", line {line_of(own_bug, "# the call")}, in <module>',
                      f'File "{helpers}", line {line_of(helpers, "# the bug")}, in average']
    assert result.stderr.splitlines()[-1] == "ZeroDivisionError: division by zero"


# --- --seed ---

def test_the_same_seed_prints_the_same_numbers_in_two_runs(programs):
    processes = [start(["--seed", seed, "seeded/sine.py"], programs, programs) for seed in ("3", "3", "4")]
    first, second, other = (finish(process) for process in processes)  # started together: less waiting
    assert first.returncode == 0, first.stderr
    assert "second graph:" in first.stdout and "python:" in first.stdout
    assert first.stdout == second.stdout
    assert other.stdout != first.stdout  # the twin: the seed is what fixes them


# --- in-process: the command line ---

@pytest.mark.parametrize("argv, expected", [
    (["--seed", "3", "p.py", "--seed", "4", "-m"], (["--seed", "3"], ["p.py", "--seed", "4", "-m"])),
    (["--plots=out", "-m", "pkg.mod", "--plots", "x"], (["--plots=out"], ["-m", "pkg.mod", "--plots", "x"])),
    (["p.py"], ([], ["p.py"])),
])
def test_options_stop_at_the_program(argv, expected):
    assert program.split_command_line(argv) == expected


@pytest.mark.parametrize("argv, says", [
    (["--bogus", "p.py"], "unrecognized arguments: --bogus"),
    (["--seed", "x", "p.py"], "invalid int value: 'x'"),
    (["no_such_program.py"], "can't open file 'no_such_program.py'"),
    (["-m", "no_such_package_for_tf1_graphs.main"], "no module named 'no_such_package_for_tf1_graphs'"),
    ([], "no program given"),
])
def test_a_bad_command_line_is_one_line_and_status_2(argv, says, capsys):
    assert program.main(argv) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("python -m tf1_graphs: ") and says in line


# --- in-process: what each import form gives, with the program's builtins and without ---

def imported(source, builtins):
    scope = {"__builtins__": builtins}
    exec(source, scope)
    return scope


@pytest.mark.parametrize("source, name, expected", [
    ("import tensorflow as tf", "tf", "tf1_graphs.tf"),
    ("import tensorflow", "tensorflow", "tf1_graphs.tf"),
    ("import tensorflow.contrib.rnn", "tensorflow", "tf1_graphs.tf"),
    ("from tensorflow.contrib import rnn", "rnn", "tf1_graphs.contrib.rnn"),
    ("import tensorflow.contrib.layers as layers", "layers", "tf1_graphs.contrib.layers"),
    ("from tensorflow.examples.tutorials.mnist import input_data", "input_data",
     "tf1_graphs.examples.tutorials.mnist.input_data"),
    ("import tensorflow.examples.tutorials.mnist.input_data as data", "data",
     "tf1_graphs.examples.tutorials.mnist.input_data"),
    ("from tensorflow.python.framework import ops", "ops", "tensorflow.python.framework.ops"),
])
def test_import_forms_resolve_to_tf1_only_with_the_programs_builtins(source, name, expected):
    assert imported(source, program_imports.TF1_BUILTINS)[name].__name__ == expected
    if not expected.startswith("tensorflow."):  # the twin: plain Python gives TensorFlow 2, or nothing
        try:
            plain = imported(source, __builtins__)[name].__name__
        except ImportError:
            plain = None
        assert plain != expected


def test_from_import_names_the_same_objects_as_attribute_access():
    scope = imported("from tensorflow.contrib.rnn import BasicLSTMCell, LSTMStateTuple\n"
                     "from tensorflow.contrib.layers import fully_connected", program_imports.TF1_BUILTINS)
    assert scope["BasicLSTMCell"] is tf1_graphs.tf.contrib.rnn.BasicLSTMCell
    assert scope["LSTMStateTuple"] is tf1_graphs.tf.nn.rnn_cell.LSTMStateTuple
    assert scope["fully_connected"] is tf1_graphs.tf.contrib.layers.fully_connected


@pytest.mark.parametrize("source, refused", [
    ("from tensorflow.contrib.rnn import BasicLSTMCell\n"
     "from tensorflow.contrib.layers import fully_connected, sparse_column_with_hash_bucket",
     "tf.contrib.layers.sparse_column_with_hash_bucket"),
    ("import tensorflow.contrib.tpu as tpu", "tf.contrib.tpu"),
    ("import tensorflow.contrib.slim.nets", "tf.contrib.slim"),
    ("from tensorflow.contrib import tpu", "tf.contrib.tpu"),
    ("from tensorflow.contrib.rnn.python.ops import core_rnn_cell", "tf.contrib.rnn.python"),
    ("from tensorflow import pywrap_tensorflow", "tf.pywrap_tensorflow"),
    ("import tensorflow as tf\ntf.contrib.layers.sparse_column_with_hash_bucket",
     "tf.contrib.layers.sparse_column_with_hash_bucket"),
    ("import tensorflow as tf\ntf.pywrap_tensorflow", "tf.pywrap_tensorflow"),
])
def test_a_missing_tf1_piece_is_refused_by_name_as_the_error_its_statement_raises(source, refused):
    with pytest.raises(NotProvided, match=f"^{refused} is not provided by tf1_graphs") as caught:
        imported(source, program_imports.TF1_BUILTINS)
    # what a program's guard catches, as under TF 1.15: ImportError from imports, AttributeError from reads
    expected = AttributeError if source.startswith("import tensorflow as tf\n") else ImportError
    assert isinstance(caught.value, expected)


@pytest.mark.parametrize("source, error, says", [
    ("from tensorflow.contrib.layers import no_such_layer", ImportError,
     "cannot import name 'no_such_layer' from 'tensorflow.contrib.layers'"),
    ("from tensorflow import no_such_op", ImportError, "cannot import name 'no_such_op' from 'tensorflow'"),
    ("import tensorflow.contrib.no_such_module", ModuleNotFoundError,
     "No module named 'tensorflow.contrib.no_such_module'"),
    ("import tensorflow.no_such_module", ModuleNotFoundError, "No module named 'tensorflow.no_such_module'"),
    ("import tensorflow as tf\ntf.no_such_op", AttributeError, "module 'tensorflow' has no attribute 'no_such_op'"),
    ("import tensorflow as tf\ntf.contrib.rnn.NoSuchCell", AttributeError,
     "module 'tensorflow.contrib.rnn' has no attribute 'NoSuchCell'"),
])
def test_a_name_tf115_never_had_is_pythons_own_error_as_tf115_words_it(source, error, says):
    with pytest.raises(error, match=f"^{re.escape(says)}") as caught:
        imported(source, program_imports.TF1_BUILTINS)
    assert not isinstance(caught.value, NotProvided)  # the twin of the refusals above


def test_python_probes_of_contrib_modules_are_plain_attribute_errors():
    assert not hasattr(tf1_graphs.tf.contrib.rnn, "__wrapped__")
    with pytest.raises(AttributeError) as caught:
        tf1_graphs.tf.contrib.legacy_seq2seq.__wrapped__  # noqa: B018
    assert not isinstance(caught.value, ContribNotProvided)


def test_the_program_tree_leaves_out_tensorflow_tf_keras_and_tf1_graphs():
    everything = program_imports.ProgramTree("/")
    assert __file__ in everything
    import tensorflow

    assert tensorflow.__file__ not in everything
    assert program.__file__ not in everything
    repository = program_imports.ProgramTree(REPO)
    assert str(REPO / "recipes" / "run.py") in repository and program.__file__ not in repository
