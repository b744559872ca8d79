"""Same seed, same numbers in any process: whichever recipe runs first, however many CPUs.

TensorFlow sizes its process-wide thread pools at the first session or eager context of a
process, and a matmul's reduction is split by that size.  recipes.tftools gives every
session one thread configuration and sets the eager context's too, so the size is fixed.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "determinism_driver.py")
TWO_CPUS = len(os.sched_getaffinity(0)) >= 2 and shutil.which("taskset") is not None

# A reduction long enough to be split across threads: its bits show the pool's size.
POOL_PROBE = """
import sys
import numpy as np
from recipes import tftools
from tf1_graphs import tf
if sys.argv[1] == "eager_first":
    tf.config.list_logical_devices()  # brings the eager context up before any session
graph = tf.Graph()
with graph.as_default():
    rng = np.random.RandomState(0)
    total = tf.reduce_sum(tf.matmul(rng.randn(200, 3000).astype(np.float32),
                                    rng.randn(3000, 200).astype(np.float32)) ** 2)
with tftools.new_session(graph) as session:
    print(float(session.run(total)).hex())
"""


def _last_line(command, tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_every_session_the_suite_opens_goes_through_the_one_policy():
    """No tf.Session of its own anywhere in recipes/ or benchmarks/: tftools.new_session opens them all."""
    pattern = re.compile(r"\btf\.(compat\.v1\.)?(Session|InteractiveSession)\(")
    offenders = []
    for folder in ("recipes", "benchmarks"):
        for base, _, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                path = os.path.join(base, name)
                if name.endswith(".py") and path != os.path.join(ROOT, "recipes", "tftools.py"):
                    with open(path) as f:
                        offenders += [f"{path}:{n}" for n, line in enumerate(f, 1) if pattern.search(line)]
    assert offenders == []


def test_the_pattern_finds_a_session_of_its_own():
    """The broken twin: the same pattern does catch a plain session."""
    assert re.search(r"\btf\.(compat\.v1\.)?(Session|InteractiveSession)\(", "s = tf.Session(graph=g)")


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The probe's bits in a process where the suite's own session comes first."""
    return _last_line([sys.executable, "-c", POOL_PROBE, "plain"], tmp_path_factory.mktemp("probe"))


@pytest.mark.skipif(not TWO_CPUS, reason="needs 2 CPUs and taskset")
def test_the_pool_size_is_the_suites_whoever_comes_first_and_on_one_cpu(tmp_path, plain):
    """An eager context brought up first, or one CPU, leaves the suite's sessions' numbers unchanged."""
    assert _last_line([sys.executable, "-c", POOL_PROBE, "eager_first"], tmp_path) == plain
    assert _last_line(["taskset", "-c", "0", sys.executable, "-c", POOL_PROBE, "plain"], tmp_path) == plain


@pytest.mark.skipif(not TWO_CPUS, reason="needs 2 CPUs and taskset")
def test_the_probe_sees_the_pool_size(tmp_path, plain):
    """The broken twin: a session that sizes the pools by the machine (2 threads here) gives other bits."""
    machine_sized = POOL_PROBE.replace("from recipes import tftools",
                                       "from types import SimpleNamespace\n"
                                       "from tf1_graphs import tf as _tf\n"
                                       "tftools = SimpleNamespace(new_session=lambda g: _tf.Session(graph=g))")
    assert _last_line([sys.executable, "-c", machine_sized, "plain"], tmp_path) != plain


@pytest.mark.skipif(not TWO_CPUS, reason="needs 2 CPUs and taskset")
def test_shakespeare_alone_after_initial_state_and_on_one_cpu_agree_bit_for_bit(tmp_path):
    """`run shakespeare` against `all`'s order (initial_state first), and 1 CPU against 2: the same losses."""
    runs = {"alone": [sys.executable, DRIVER, "alone"],
            "all order": [sys.executable, DRIVER, "all_order", "initial_state"],
            "one cpu": ["taskset", "-c", "0", sys.executable, DRIVER, "one_cpu"]}
    env = dict(os.environ, PYTHONPATH=ROOT, TF_CPP_MIN_LOG_LEVEL="3")
    started = {name: subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for name, command in runs.items()}
    losses = {}
    for name, process in started.items():
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-2000:]
        losses[name] = out.strip().splitlines()[-1]
    assert losses["all order"] == losses["alone"]
    assert losses["one cpu"] == losses["alone"]
