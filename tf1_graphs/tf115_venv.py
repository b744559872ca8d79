"""The TensorFlow 1.15.5 interpreter that `--against-tf115` runs programs under, made once.

TF 1.15.5 has wheels for Python 3.5 to 3.7 only, so it lives in a venv of its own, made from
a Python 3.7 the first time it is needed and kept in the user's cache:

- `TF1_GRAPHS_TF115_PYTHON`: an interpreter that already has TF 1.15, used as it is;
- else the venv at `TF1_GRAPHS_TF115_VENV` (default `$XDG_CACHE_HOME/tf1_graphs/tf115-venv`,
  `~/.cache/...` without XDG), made on first use from `TF1_GRAPHS_PYTHON37`, else `python3.7`
  on PATH, else the newest 3.7 that pyenv installed (`$PYENV_ROOT`, default `~/.pyenv`).

The venv is built under a temporary name and renamed into place when pip has finished, so an
interrupted install leaves nothing that looks ready.
"""
import glob
import os
import shutil
import subprocess
import sys
import time

REQUIREMENTS = ("tensorflow==1.15.5", "numpy<1.19", "protobuf==3.20.3", "six", "matplotlib<3.6", "requests")


class SetupError(Exception):
    """No TF 1.15 to compare against: one line, exit status 2."""


def _say(message):
    print(f"python -m tf1_graphs: {message}", file=sys.stderr, flush=True)


def venv_folder():
    if os.environ.get("TF1_GRAPHS_TF115_VENV"):
        return os.path.abspath(os.environ["TF1_GRAPHS_TF115_VENV"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "tf1_graphs", "tf115-venv")


def existing_tf115_python():
    """The TF 1.15 interpreter if one is set or already made, else None (nothing is created)."""
    explicit = os.environ.get("TF1_GRAPHS_TF115_PYTHON")
    if explicit:
        return explicit
    python = os.path.join(venv_folder(), "bin", "python")
    return python if os.path.exists(python) else None


def tf115_python():
    """The TF 1.15 interpreter, making the venv first if need be; SetupError when that cannot be done."""
    python = existing_tf115_python()
    if python:
        if not os.access(python, os.X_OK):
            raise SetupError(f"TF1_GRAPHS_TF115_PYTHON={python} is not an executable file")
        return python
    folder = venv_folder()
    if os.path.exists(folder):
        raise SetupError(f"{folder} exists but is not a venv (no bin/python): remove it, or set "
                         "TF1_GRAPHS_TF115_VENV to another folder")
    _make_venv(folder, find_python37())
    return os.path.join(folder, "bin", "python")


def python_version(python):
    """'3.7' for a Python 3.7 interpreter; None when `python` does not run."""
    try:
        answer = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return answer.stdout.strip() if answer.returncode == 0 else None


def _pyenv_pythons():
    root = os.environ.get("PYENV_ROOT") or os.path.join(os.path.expanduser("~"), ".pyenv")
    found = glob.glob(os.path.join(root, "versions", "3.7*", "bin", "python3.7"))

    def version(path):
        release = path.split(os.sep)[-3][len("3.7"):].lstrip(".")
        return int(release) if release.isdigit() else -1

    return sorted(found, key=version, reverse=True)


def find_python37():
    """A Python 3.7 to make the venv from (see the module's docstring for where it looks)."""
    explicit = os.environ.get("TF1_GRAPHS_PYTHON37")
    if explicit:
        if python_version(explicit) != "3.7":
            raise SetupError(f"TF1_GRAPHS_PYTHON37={explicit} is not a Python 3.7 that runs")
        return explicit
    on_path = shutil.which("python3.7")  # a pyenv shim is on PATH even when it cannot run 3.7
    for candidate in ([on_path] if on_path else []) + _pyenv_pythons():
        if python_version(candidate) == "3.7":
            return candidate
    raise SetupError("--against-tf115 needs Python 3.7 to install TensorFlow 1.15.5 (its wheels stop at 3.7): "
                     "none on PATH or in pyenv; install one, or set TF1_GRAPHS_PYTHON37=/path/to/python3.7 "
                     "(or TF1_GRAPHS_TF115_PYTHON to an interpreter that has TF 1.15)")


def _last_line(path):
    with open(path, errors="replace") as text:
        lines = [line.strip() for line in text if line.strip()]
    return lines[-1] if lines else "no output"


def _make_venv(folder, python37):
    partial = f"{folder}.partial-{os.getpid()}"
    log = f"{folder}.log"
    for stale in glob.glob(f"{folder}.partial-*"):
        shutil.rmtree(stale, ignore_errors=True)
    os.makedirs(os.path.dirname(folder), exist_ok=True)
    open(log, "w").close()  # this attempt's output only
    _say(f"making the TensorFlow 1.15.5 venv, once: {folder} (from {python37})")
    started = time.monotonic()
    steps = [("creating the venv", [python37, "-m", "venv", partial]),
             ("installing " + " ".join(REQUIREMENTS),
              [os.path.join(partial, "bin", "python"), "-m", "pip", "install", "--disable-pip-version-check",
               "--progress-bar", "off", *REQUIREMENTS])]
    for step, command in steps:
        _say(f"  {step} (output: {log})")
        with open(log, "a") as output:
            try:
                failed = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT).returncode != 0
            except OSError as error:
                print(error, file=output)
                failed = True
        if failed:
            shutil.rmtree(partial, ignore_errors=True)
            raise SetupError(f"could not make the TF 1.15.5 venv: {step} failed: {_last_line(log)} (all of it: {log})")
    os.rename(partial, folder)
    _say(f"  ready in {time.monotonic() - started:.0f} s")
