"""A new user's first minute: --help, list, usage errors and report answer at once, without TensorFlow;
every numeric option has a range, and a value outside it is one line and exit status 2."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROBE = """
import sys
from recipes.__main__ import main
try:
    status = main(sys.argv[1:])
except SystemExit as exit:
    status = exit.code
print("tensorflow loaded" if "tensorflow" in sys.modules else "no tensorflow", status)
"""


def _probe(*argv, probe=PROBE):
    result = subprocess.run([sys.executable, "-c", probe, *argv], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=ROOT), timeout=60)
    return result.stdout.strip().splitlines()[-1], result.stderr


@pytest.mark.parametrize("argv, status", [(["list"], "0"), (["--help"], "0"), (["run", "shakespeare", "--help"], "0"),
                                          (["run", "nope"], "2"), (["report", "--out", "/nonexistent/out"], "2")])
def test_the_first_commands_do_not_load_tensorflow(argv, status):
    assert _probe(*argv)[0] == f"no tensorflow {status}"


def test_the_probe_sees_tensorflow_when_a_module_loads_it():
    """The broken twin: had the CLI loaded a recipe module, the same probe would say so."""
    loading = PROBE.replace("from recipes.__main__ import main", "import recipes.d002_feedback.recipe\n"
                                                                  "from recipes.__main__ import main")
    assert _probe("list", probe=loading)[0] == "tensorflow loaded 0"


BAD_NUMBERS = [("run", "feedback", "--generate-steps", "1e12"), ("run", "feedback", "--generate-steps", "10001"),
               ("run", "initial_state", "--sequences", "1" + "0" * 23), ("run", "initial_state", "--sequences", "1e10"),
               ("sample", "shakespeare", "--num", "1000000000"), ("run", "stacked_lstm", "--gate-layer", "3"),
               ("all", "--seed", "4294967296")]


@pytest.mark.parametrize("argv", BAD_NUMBERS)
def test_a_number_out_of_range_is_one_line_and_exit_2(argv, capsys):
    from recipes.__main__ import main

    with pytest.raises(SystemExit) as exit:
        main(list(argv))
    error = capsys.readouterr().err
    assert exit.value.code == 2 and error.count("\n") == 1 and "expected a whole number from" in error, error


def test_every_numeric_option_says_its_range_in_help(capsys):
    from recipes.__main__ import main

    for argv, option in ((["run", "initial_state"], "--sequences N"), (["run", "feedback"], "--generate-steps N"),
                         (["sample", "shakespeare"], "--num WORDS"), (["run", "stacked_lstm"], "--gate-layer K"),
                         (["run", "shakespeare"], "--seed SEED")):
        with pytest.raises(SystemExit):
            main(argv + ["--help"])
        text = " ".join(capsys.readouterr().out.split())
        described = text[text.index(option, text.index("options:")):][:260]
        assert " to " in described and "default" in described, described
