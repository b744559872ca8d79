"""`python -m tf1_graphs --against-tf115 [--seed N] PROGRAM.py ARGS`: one program under tf1_graphs and under TF 1.15.5.

The program runs twice, one run after the other in the same working directory, seeded the same
way (seed N, 0 when none is given): through the runner (`python -m tf1_graphs --seed N`), then
under the real TensorFlow 1.15.5 (`tf115_venv` finds or makes it; `tf115_bootstrap` seeds it as the runner
does).  What each prints goes to PLOTS/tf1_graphs.out and PLOTS/tf115.out (stderr beside them
as .err), their figures to PLOTS/tf1_graphs/ and PLOTS/tf115/.  Then the printed numbers are
compared in order (`printed_numbers`): the first that differs is shown with both lines, or
all are said to agree.  Lines whose words differ are counted and the first pair shown, outside
the verdict, since TF 2 and NumPy 2 spell some values otherwise (`shape=(None, 28)` for
`(?, 28)`, `np.float32(0.5)` for `0.5`); text a program generates (a sampled string) is read there.

Exit status: 0 when every printed number agrees and both runs ended alike; 1 when a number,
the count of numbers or the exit status differs; 2 when there is nothing to compare against
(no Python 3.7, a failed install, a bad --ignore, a --plots folder that cannot be made).
"""
import os
import re
import subprocess
import sys
from dataclasses import dataclass

from tf1_graphs import tf115_venv
from tf1_graphs.printed_numbers import first_difference, lines_with_other_words, printed_numbers

EXIT_AGREE, EXIT_DIFFER, EXIT_SETUP = 0, 1, 2
FIGURE_PATH = r"(?<=^plot saved: ).*"  # each side saves its figures in a folder of its own
BOOTSTRAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf115_bootstrap.py")


@dataclass
class Run:
    """One side of the comparison: how it was started and what it left."""
    label: str
    command: list
    out: str
    err: str
    status: int = None

    def printout(self):
        with open(self.out, errors="replace") as text:
            return text.read()

    def last_error_line(self):
        with open(self.err, errors="replace") as text:
            lines = [line.rstrip() for line in text if line.strip()]
        return lines[-1] if lines else "nothing on stderr"


def _say(message):
    print(f"python -m tf1_graphs: {message}", file=sys.stderr, flush=True)


def main(seed, plots, ignore, target):
    """Run `target` (`[PROGRAM.py, ARGS...]` or `['-m', MODULE, ARGS...]`) both ways; the exit status above."""
    try:
        ignore = re.compile(f"(?:{ignore})|{FIGURE_PATH}" if ignore else FIGURE_PATH)
    except re.error as error:
        _say(f"--ignore {ignore!r} is not a regular expression: {error}")
        return EXIT_SETUP
    try:
        tf115 = tf115_venv.tf115_python()
    except tf115_venv.SetupError as error:
        _say(error)
        return EXIT_SETUP
    seed = 0 if seed is None else seed
    try:
        os.makedirs(plots, exist_ok=True)
    except OSError as error:
        _say(f"--plots {plots}: cannot make that folder ({error.strerror})")
        return EXIT_SETUP
    runs = [Run("tf1_graphs", [sys.executable, "-m", "tf1_graphs", "--seed", str(seed),
                               "--plots", os.path.join(plots, "tf1_graphs"), *target],
                os.path.join(plots, "tf1_graphs.out"), os.path.join(plots, "tf1_graphs.err")),
            Run("TF 1.15.5", [tf115, BOOTSTRAP, str(seed), os.path.join(plots, "tf115"), *target],
                os.path.join(plots, "tf115.out"), os.path.join(plots, "tf115.err"))]
    _say(f"running {' '.join(target)} with seed {seed} under tf1_graphs and under TF 1.15.5 ({tf115}); "
         f"their printouts: {runs[0].out}, {runs[1].out}")
    _run_one_after_the_other(runs)
    return report(*runs, ignore)


def _tf115_environment():
    """This process's environment without TF2_BEHAVIOR=1, which TF 2's import sets here and which
    would make TF 1.15 run eagerly (`tf.placeholder() is not compatible with eager execution`)."""
    return {name: value for name, value in os.environ.items() if name != "TF2_BEHAVIOR"}


def _run_one_after_the_other(runs):
    """In order, not at once: a program that writes files (checkpoints, vocabularies) must not meet
    itself in the shared working directory; the TF 1.15 run goes last, so what is left is its."""
    for run, environment in zip(runs, (None, _tf115_environment())):
        _say(f"  under {run.label}...")
        with open(run.out, "w") as out, open(run.err, "w") as err:
            run.status = subprocess.run(run.command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                        env=environment).returncode


def _show(run, number, printout):
    line = printout.splitlines()[number.line - 1]
    prefix = f"  {run.label:<10} line {number.line}: "
    print(prefix + line)
    print(" " * (len(prefix) + number.column) + "^" * len(number.text))


def report(ours, theirs, ignore=None):
    """Print the verdict on two finished runs; return the exit status."""
    printouts = ours.printout(), theirs.printout()
    numbers = [printed_numbers(printout, ignore) for printout in printouts]
    difference = first_difference(*numbers)
    other_words = lines_with_other_words(*printouts, ignore)
    if difference is None and not numbers[0]:
        print(f"neither run printed a number ({ours.label} and {theirs.label}); their words "
              + ("differ (below)" if other_words else f"agree on all {len(printouts[0].splitlines())} lines"))
    elif difference is None:
        print(f"all {len(numbers[0])} printed numbers agree ({ours.label} and {theirs.label})")
    else:
        index, *pair = difference
        print(f"printed number {index + 1} differs ({len(numbers[0])} numbers printed under {ours.label}, "
              f"{len(numbers[1])} under {theirs.label}; the {index} before it agree):")
        for run, number, printout in zip((ours, theirs), pair, printouts):
            if number is None:
                print(f"  {run.label:<10} printed no more numbers")
            else:
                _show(run, number, printout)
    if other_words:
        print(f"{len(other_words)} line(s) differ in their words (not part of the verdict: TF 2 and NumPy 2 spell "
              f"some values otherwise, e.g. shape=(None, 28) for (?, 28)); the first:")
        for run, printout in zip((ours, theirs), printouts):
            print(f"  {run.label:<10} line {other_words[0]}: {printout.splitlines()[other_words[0] - 1]}")
    for run in (ours, theirs):
        if run.status != 0:
            print(f"{run.label} ended with exit status {run.status}: {run.last_error_line()} (all of it: {run.err})")
    same_end = ours.status == theirs.status
    if not same_end:
        print(f"the exit statuses differ: {ours.status} under {ours.label}, {theirs.status} under {theirs.label}")
    return EXIT_AGREE if difference is None and same_end else EXIT_DIFFER
