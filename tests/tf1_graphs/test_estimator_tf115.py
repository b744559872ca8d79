"""tf.estimator against TF 1.15.5 itself: one program, run there (golden) and here.

tests/tf115/record_estimator.py ran tests/tf115/estimator_program.py under TensorFlow 1.15.5
and wrote tests/tf115/goldens/estimator.json and the checkpoint TF 1.15's Estimator saved at
the end of training.  Here the same program runs on tf1_graphs.  What an Estimator decides
(which steps run, which checkpoints are kept, what is logged and evaluated, the variable
names, the export's signature) must be equal; the numbers must agree to `ATOL`: the kernels
of TF 2.21 and TF 1.15 round float32 sums differently, and 35 Adam steps carry that along
(measured: 3.6e-7 at most, on the losses; the first loss is bit-identical).
"""
import json
import os
import re
import shutil

import numpy as np
import pytest

from tests.tf115 import estimator_program
from tf1_graphs import tf

GOLDENS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tf115", "goldens")
ATOL = 2e-6
EXACT = ("checkpoints", "latest_checkpoint", "model_dir_files", "eval_dirs", "variables", "variable_names",
         "global_step")


@pytest.fixture(scope="module")
def golden():
    with open(os.path.join(GOLDENS, "estimator.json")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    return estimator_program.run(tf, str(tmp_path_factory.mktemp("estimator_program")))


def _numbers_close(ours, golden, atol=ATOL):
    """Same structure and keys, every number within `atol`; strings and ints must be equal."""
    if isinstance(golden, dict):
        return isinstance(ours, dict) and sorted(ours) == sorted(golden) and all(
            _numbers_close(ours[k], golden[k], atol) for k in golden)
    if isinstance(golden, list):
        return isinstance(ours, list) and len(ours) == len(golden) and all(
            _numbers_close(a, b, atol) for a, b in zip(ours, golden))
    if isinstance(golden, float):
        return isinstance(ours, float) and abs(ours - golden) <= atol
    return ours == golden


def _parsed_loss_lines(lines):
    parsed = [re.fullmatch(r"loss = (\S+), step = (\d+)", line) for line in lines]
    assert all(parsed), lines
    return [(float(m.group(1)), int(m.group(2))) for m in parsed]


def _loss_lines_close(ours, golden):
    a, b = _parsed_loss_lines(ours), _parsed_loss_lines(golden)
    return [s for _, s in a] == [s for _, s in b] and np.allclose([v for v, _ in a], [v for v, _ in b], rtol=0,
                                                                   atol=ATOL)


@pytest.mark.parametrize("key", EXACT)
def test_same_decisions_as_tf115(ours, golden, key):
    assert ours[key] == golden[key]


def test_same_checkpoint_bookkeeping_as_tf115(golden):
    """Pinned here so a re-recorded golden that changed them is noticed: saves at 0, 20, 30, 35; 3 kept."""
    assert golden["checkpoints"] == ["model.ckpt-20", "model.ckpt-30", "model.ckpt-35"]
    assert golden["global_step"] == estimator_program.TRAIN_STEPS + estimator_program.MORE_STEPS


@pytest.mark.parametrize("key", ["losses", "evaluate", "evaluate_2_steps", "predict", "predict_batches_y",
                                 "out_bias", "numpy_input_fn"])
def test_same_numbers_as_tf115(ours, golden, key):
    assert _numbers_close(ours[key], golden[key])


def test_first_loss_bit_identical(ours, golden):
    assert ours["losses"][0] == golden["losses"][0]
    assert len(ours["losses"]) == estimator_program.TRAIN_STEPS + estimator_program.MORE_STEPS


def test_same_loss_log_lines_as_tf115(ours, golden):
    """`loss = ..., step = ...` every log_step_count_steps (10), first at step 1, as TF 1.15 printed."""
    assert _loss_lines_close(ours["loss_lines"], golden["loss_lines"])
    assert [s for _, s in _parsed_loss_lines(golden["loss_lines"])] == [1, 11, 21, 31]


def test_same_train_and_evaluate_as_tf115(ours, golden):
    """Evaluated after each save but the first (steps 10, 20) and at the end (25); no exporters, no exports."""
    assert ours["train_and_evaluate"]["evaluated_steps"] == golden["train_and_evaluate"]["evaluated_steps"]
    assert _numbers_close(ours["train_and_evaluate"], golden["train_and_evaluate"])


def test_same_export_as_tf115(ours, golden):
    without_answers = lambda record: {k: v for k, v in record.items() if k != "answers"}  # noqa: E731
    assert without_answers(ours["export"]) == without_answers(golden["export"])
    assert _numbers_close(ours["export"]["answers"], golden["export"]["answers"])


def test_broken_twins_are_detected(ours, golden):
    """Each comparison above fails on a golden moved by 10x its tolerance, or with one decision changed."""
    moved = lambda values: [v + 10 * ATOL for v in values]  # noqa: E731
    assert not _numbers_close(ours["losses"], moved(golden["losses"]))
    assert not _numbers_close(ours["evaluate"], dict(golden["evaluate"], loss=golden["evaluate"]["loss"] + 10 * ATOL))
    assert not _numbers_close(ours["evaluate"], dict(golden["evaluate"], global_step=34))
    assert not _numbers_close(ours["predict"][:-1], golden["predict"])
    lines = list(golden["loss_lines"])
    assert not _loss_lines_close(ours["loss_lines"], lines[:-1] + [lines[-1].replace("step = 31", "step = 30")])
    value, step = _parsed_loss_lines(lines[:1])[0]
    assert not _loss_lines_close(ours["loss_lines"], [f"loss = {value + 10 * ATOL}, step = {step}"] + lines[1:])
    assert ours["checkpoints"] != golden["checkpoints"][1:]


def _model_dir_with_tf115_checkpoint(tmp_path, golden):
    model_dir = tmp_path / "from_tf115"
    shutil.copytree(os.path.join(GOLDENS, "estimator"), model_dir)
    tf.train.update_checkpoint_state(str(model_dir), str(model_dir / golden["latest_checkpoint"]))
    return str(model_dir)


def _estimator(model_dir):
    return tf.estimator.Estimator(estimator_program.model_fn_for(tf, []), model_dir=model_dir,
                                  config=tf.estimator.RunConfig(tf_random_seed=estimator_program.SEED),
                                  params={"learning_rate": 0.05})


def test_tf115_checkpoint_restores_into_our_predict(tmp_path, golden):
    """TF 1.15's own checkpoint, read by our Estimator: its variables and TF 1.15's predictions."""
    estimator = _estimator(_model_dir_with_tf115_checkpoint(tmp_path, golden))
    assert estimator.get_variable_names() == golden["variable_names"]
    assert estimator.get_variable_value("out/bias").tolist() == golden["out_bias"]
    _, _, predict_input_fn = estimator_program.input_fns(tf)
    predictions = [{k: v.tolist() for k, v in sorted(p.items())} for p in estimator.predict(predict_input_fn)]
    assert _numbers_close(predictions, golden["predict"], atol=1e-6)


def test_tf115_checkpoint_twin_untrained_model_differs(tmp_path, golden):
    """The broken twin: the same predict on an empty model_dir (fresh initial weights) is far from TF 1.15's."""
    _, _, predict_input_fn = estimator_program.input_fns(tf)
    predictions = [{k: v.tolist() for k, v in sorted(p.items())}
                   for p in _estimator(str(tmp_path / "empty")).predict(predict_input_fn)]
    assert not _numbers_close(predictions, golden["predict"], atol=1e-6)
