"""tf.estimator's rules, each against an independent expectation: TF 1.15's literal defaults and
messages (read from TF 1.15.5's run), NumPy recomputations, and the refusals by name."""
import os
import subprocess
import sys

import numpy as np
import pytest

from tf1_graphs import tf
from tf1_graphs.contrib import ContribNotProvided

X = np.arange(12, dtype=np.float32).reshape(6, 2) / 10.0
Y = (X[:, :1] * 2.0 - X[:, 1:] + 0.5).astype(np.float32)


def linear_model_fn(features, labels, mode):
    """y = x w + b, w and b from constants: every number below can be recomputed in NumPy."""
    w = tf.get_variable("w", initializer=tf.constant([[0.5], [-0.25]]))
    b = tf.get_variable("b", initializer=tf.constant([0.1]))
    y = tf.matmul(features["x"], w) + b
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"y": y})
    loss = tf.reduce_mean(tf.square(y - labels))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op,
                                      eval_metric_ops={"mae": tf.metrics.mean_absolute_error(labels, y)})


def _input_fn(batch):
    return lambda: tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(batch)


def _numpy_training(steps, batch, lr=0.1, cycle=len(X)):
    """The same gradient descent in NumPy, batches taken in order from the first `cycle` rows, repeated."""
    w, b = np.array([[0.5], [-0.25]]), np.array([0.1])
    for step in range(steps):
        rows = [(step * batch + i) % cycle for i in range(batch)]
        x, y = X[rows].astype(np.float64), Y[rows].astype(np.float64)
        error = x @ w + b - y
        w, b = w - lr * 2 * x.T @ error / batch, b - lr * 2 * error.mean(0)
    return w, b


# -- train / evaluate / predict against NumPy ------------------------------------------------

@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Trained for 7 steps on batches of 2 (the input repeats), checkpoints every 5 steps."""
    model_dir = str(tmp_path_factory.mktemp("linear"))
    config = tf.estimator.RunConfig(save_checkpoints_steps=5, log_step_count_steps=5)
    estimator = tf.estimator.Estimator(linear_model_fn, model_dir=model_dir, config=config)
    repeating = lambda: tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(2).repeat()  # noqa: E731
    return estimator.train(repeating, steps=7)


def test_training_steps_equal_numpy(trained):
    """Gradient descent within 1e-6 of NumPy's float64 (float32 rounding; seen ~1e-8)."""
    w, b = _numpy_training(7, 2)
    assert np.allclose(trained.get_variable_value("w"), w, atol=1e-6)
    assert np.allclose(trained.get_variable_value("b"), b, atol=1e-6)
    assert not np.allclose(trained.get_variable_value("w"), _numpy_training(6, 2)[0], atol=1e-6)  # twin


def test_checkpoints_at_first_step_save_steps_and_end(trained):
    """The CheckpointSaverHook saves at step 0, every 5 steps and at the end; tf.train finds the last."""
    state = tf.train.get_checkpoint_state(trained.model_dir)
    assert [os.path.basename(p) for p in state.all_model_checkpoint_paths] == [
        "model.ckpt-0", "model.ckpt-5", "model.ckpt-7"]
    assert tf.train.latest_checkpoint(trained.model_dir) == trained.latest_checkpoint()
    assert trained.latest_checkpoint().endswith("model.ckpt-7")
    assert os.path.exists(os.path.join(trained.model_dir, "graph.pbtxt"))


def test_evaluate_loss_is_the_mean_of_batch_losses(trained):
    """`loss` averages the per-batch losses (batches 4 and 2: not the per-example mean); `mae` streams."""
    w, b = trained.get_variable_value("w"), trained.get_variable_value("b")
    error = X @ w + b - Y
    batch_means = [np.mean(error[:4] ** 2), np.mean(error[4:] ** 2)]
    metrics = trained.evaluate(_input_fn(4))
    assert sorted(metrics) == ["global_step", "loss", "mae"]
    assert metrics["global_step"] == 7
    assert np.isclose(metrics["loss"], np.mean(batch_means), rtol=1e-6)
    assert not np.isclose(metrics["loss"], np.mean(error ** 2), rtol=1e-6)  # twin: the per-example mean
    assert np.isclose(metrics["mae"], np.mean(np.abs(error)), rtol=1e-6)
    one_batch = trained.evaluate(_input_fn(4), steps=1, name="first")
    assert np.isclose(one_batch["loss"], batch_means[0], rtol=1e-6)
    assert os.path.isdir(trained.eval_dir("first"))


def test_predict_yields_examples_or_batches(trained):
    w, b = trained.get_variable_value("w"), trained.get_variable_value("b")
    expected = X @ w + b
    single = list(trained.predict(lambda: tf.data.Dataset.from_tensor_slices({"x": X}).batch(4)))
    assert len(single) == 6 and set(single[0]) == {"y"}
    assert np.allclose([p["y"] for p in single], expected, atol=1e-6)
    batches = list(trained.predict(lambda: tf.data.Dataset.from_tensor_slices({"x": X}).batch(4),
                                   yield_single_examples=False))
    assert [len(p["y"]) for p in batches] == [4, 2]
    with pytest.raises(ValueError, match="Expected to run at least one output"):
        next(trained.predict(_input_fn(4), predict_keys=["nothing"]))


def test_input_fn_may_return_tensors_and_max_steps_counts_from_the_checkpoint(tmp_path):
    def tensors_input_fn():
        return {"x": tf.constant(X[:2])}, tf.constant(Y[:2])

    estimator = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path))
    estimator.train(tensors_input_fn, max_steps=3)
    estimator.train(tensors_input_fn, max_steps=3)  # already there: no step
    estimator.train(tensors_input_fn, steps=2)
    assert estimator.get_variable_value("global_step") == 5
    w, _ = _numpy_training(5, 2, cycle=2)  # the same two rows every step
    assert np.allclose(estimator.get_variable_value("w"), w, atol=1e-6)


def test_model_dir_defaults_to_a_temporary_folder():
    estimator = tf.estimator.Estimator(linear_model_fn)
    assert os.path.isdir(estimator.model_dir) and estimator.config.model_dir == estimator.model_dir
    with pytest.raises(ValueError, match="Could not find trained model in model_dir"):
        estimator.get_variable_names()


def test_model_fn_gets_only_the_arguments_it_names(tmp_path):
    seen = {}

    def model_fn(features, labels, config, params):
        seen.update(config=config, params=params)
        return linear_model_fn(features, labels, tf.estimator.ModeKeys.TRAIN)

    estimator = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path), params={"units": 3})
    estimator.train(_input_fn(2), steps=1)
    assert seen["params"] == {"units": 3} and seen["config"].model_dir == str(tmp_path)
    with pytest.raises(ValueError, match="must include features argument"):
        tf.estimator.Estimator(lambda inputs, labels: None)
    with pytest.raises(ValueError, match="does not include params argument"):
        tf.estimator.Estimator(linear_model_fn, params={"a": 1})
    with pytest.raises(ValueError, match=r"has following not expected args: \['extra'\]"):
        tf.estimator.Estimator(lambda features, labels, extra: None)
    with pytest.raises(ValueError, match="model_fn does not take labels, but input_fn returns labels"):
        tf.estimator.Estimator(lambda features: None, model_dir=str(tmp_path / "b")).train(_input_fn(2), steps=1)


def test_saving_listeners_and_hooks_are_called(tmp_path):
    saved = []

    class Listener(tf.estimator.CheckpointSaverListener):
        def after_save(self, session, global_step_value):
            saved.append(global_step_value)

    config = tf.estimator.RunConfig(save_checkpoints_steps=2)
    estimator = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), config=config)
    estimator.train(lambda: tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(2).repeat(), steps=5,
                    saving_listeners=[Listener()], hooks=[tf.estimator.StopAtStepHook(last_step=3)])
    assert saved == [0, 2, 3]
    with pytest.raises(TypeError, match="Hooks must be a SessionRunHook"):
        estimator.train(_input_fn(2), hooks=[object()])
    with pytest.raises(ValueError, match="Can not provide both steps and max_steps"):
        estimator.train(_input_fn(2), steps=1, max_steps=1)


def test_subclasses_cannot_override_estimator_members():
    class Overriding(tf.estimator.Estimator):
        def train(self, input_fn, **kwargs):
            return self

    with pytest.raises(ValueError, match=r"cannot override members of Estimator.*\['train'\]"):
        Overriding(linear_model_fn)


def _raw_serving_input_receiver_fn():
    with tf.Graph().as_default():
        return tf.estimator.export.build_raw_serving_input_receiver_fn({"x": tf.placeholder(tf.float32, [None, 2])})


# -- train_and_evaluate, exporters -----------------------------------------------------------

def test_train_and_evaluate_evaluates_each_new_checkpoint_and_exports(tmp_path):
    evaluated = []

    class Count(tf.train.SessionRunHook):
        def end(self, session):
            evaluated.append(session.run(tf.train.get_global_step()))

    serving = _raw_serving_input_receiver_fn()
    config = tf.estimator.RunConfig(save_checkpoints_steps=3)
    estimator = tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path), config=config)
    metrics, exports = tf.estimator.train_and_evaluate(
        estimator, tf.estimator.TrainSpec(lambda: _input_fn(2)().repeat(), max_steps=7),
        tf.estimator.EvalSpec(_input_fn(6), steps=None, throttle_secs=0, hooks=[Count()],
                              exporters=[tf.estimator.FinalExporter("final", serving),
                                         tf.estimator.LatestExporter("latest", serving, exports_to_keep=1)]))
    assert evaluated == [3, 6, 7] and metrics["global_step"] == 7
    assert exports[0] is not None and os.path.isdir(exports[0])  # the final export, at max_steps
    assert len(os.listdir(tmp_path / "export" / "final")) == 1
    assert len(os.listdir(tmp_path / "export" / "latest")) == 1  # exports_to_keep=1
    with pytest.raises(TypeError, match="`eval_spec` must have type `tf.estimator.EvalSpec`"):
        tf.estimator.train_and_evaluate(estimator, tf.estimator.TrainSpec(_input_fn(2)), None)


def test_specs_check_their_arguments_as_tf115():
    with pytest.raises(ValueError, match="Must specify max_steps > 0, given: 0"):
        tf.estimator.TrainSpec(_input_fn(2), max_steps=0)
    with pytest.raises(TypeError, match="`input_fn` must be callable"):
        tf.estimator.EvalSpec(3)
    spec = tf.estimator.EvalSpec(_input_fn(2))
    assert (spec.steps, spec.name, spec.start_delay_secs, spec.throttle_secs, spec.exporters) == (100, None, 120,
                                                                                                  600, ())


def test_export_answers_with_the_trained_weights(trained, tmp_path):
    serving = _raw_serving_input_receiver_fn()
    export_dir = trained.export_savedmodel(str(tmp_path), serving)
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as session:
        meta = tf.saved_model.loader.load(session, ["serve"], export_dir)
        signature = meta.signature_def["serving_default"]
        y = session.run(signature.outputs["y"].name, {signature.inputs["x"].name: X})
    assert np.allclose(y, X @ trained.get_variable_value("w") + trained.get_variable_value("b"), atol=1e-6)


def test_parsing_serving_input_receiver_reads_examples():
    with tf.Graph().as_default(), tf.Session() as session:
        receiver = tf.estimator.export.build_parsing_serving_input_receiver_fn(
            {"x": tf.FixedLenFeature([2], tf.float32)})()
        example = tf.train.Example(features=tf.train.Features(feature={
            "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, -2.0]))}))
        parsed = session.run(receiver.features["x"],
                             {receiver.receiver_tensors["examples"]: [example.SerializeToString()]})
        assert parsed.tolist() == [[1.5, -2.0]]
        assert receiver.receiver_tensors["examples"].name == "input_example_tensor:0"


# -- numpy_input_fn --------------------------------------------------------------------------

def _batches(input_fn):
    with tf.Graph().as_default(), tf.Session() as session:
        batch = input_fn()
        out = []
        while True:
            try:
                out.append(session.run(batch))
            except tf.errors.OutOfRangeError:
                return out


def test_numpy_input_fn_batches_as_tf115():
    """In order, epochs as one stream (a batch straddles them), a smaller last batch; a lone array stays a tensor."""
    batches = _batches(tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=4, num_epochs=2, shuffle=False))
    rows = np.concatenate([np.arange(6), np.arange(6)])
    assert [len(f["x"]) for f, _ in batches] == [4, 4, 4]
    assert np.array_equal(np.concatenate([f["x"] for f, _ in batches]), X[rows])
    assert np.array_equal(np.concatenate([t for _, t in batches]), Y[rows])
    lone = _batches(tf.estimator.inputs.numpy_input_fn(X, batch_size=4, shuffle=False))
    assert [b.shape for b in lone] == [(4, 2), (2, 2)]
    shuffled = _batches(tf.estimator.inputs.numpy_input_fn(X, batch_size=6, shuffle=True))
    assert sorted(map(tuple, shuffled[0])) == sorted(map(tuple, X))


def test_numpy_input_fn_checks_as_tf115():
    with pytest.raises(ValueError, match="shuffle must be provided and explicitly set as boolean"):
        tf.estimator.inputs.numpy_input_fn(X)
    with pytest.raises(ValueError, match="Length of tensors in x and y is mismatched"):
        tf.estimator.inputs.numpy_input_fn(X, Y[:3], shuffle=False)()
    with pytest.raises(ValueError, match="1 duplicate keys are found in both x and y"):
        tf.estimator.inputs.numpy_input_fn({"a": X}, {"a": Y}, shuffle=False)()
    with tf.Graph().as_default():  # num_epochs=None: batches of a known size
        features = tf.estimator.inputs.numpy_input_fn({"x": X}, batch_size=4, num_epochs=None, shuffle=False)()
        assert features["x"].shape.as_list() == [4, 2]


# -- EstimatorSpec, RunConfig ----------------------------------------------------------------

def test_estimator_spec_checks_as_tf115():
    with tf.Graph().as_default():
        loss = tf.constant(1.0)
        with pytest.raises(ValueError, match="Missing train_op"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, loss=loss)
        with pytest.raises(ValueError, match="Missing loss"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL)
        with pytest.raises(ValueError, match="Missing predictions"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT)
        with pytest.raises(ValueError, match="Loss must be scalar"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL, loss=tf.constant([1.0, 2.0]))
        with pytest.raises(TypeError, match="Values of eval_metric_ops must be"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL, loss=loss, eval_metric_ops={"m": loss})
        spec = tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL, loss=tf.constant([2.0]))
        assert spec.loss.shape.as_list() == [] and spec.predictions == {} and spec.eval_metric_ops == {}
        predict = tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT, predictions={"y": loss})
        assert list(predict.export_outputs) == ["serving_default"]
        with pytest.raises(ValueError, match="mode of EstimatorSpec cannot be changed"):
            spec._replace(mode=tf.estimator.ModeKeys.TRAIN)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="loss with .* must be from the default graph"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL, loss=loss)
    assert (tf.estimator.ModeKeys.TRAIN, tf.estimator.ModeKeys.EVAL, tf.estimator.ModeKeys.PREDICT) == (
        "train", "eval", "infer")


def test_run_config_defaults_and_checks_as_tf115():
    """TF 1.15.5's `vars(tf.estimator.RunConfig())`, read there, for the properties provided."""
    config = tf.estimator.RunConfig()
    assert (config.model_dir, config.tf_random_seed, config.save_summary_steps, config.save_checkpoints_steps,
            config.save_checkpoints_secs, config.session_config, config.keep_checkpoint_max,
            config.keep_checkpoint_every_n_hours, config.log_step_count_steps,
            config.session_creation_timeout_secs) == (None, None, 100, None, 600, None, 5, 10000, 100, 7200)
    assert (config.task_type, config.task_id, config.is_chief, config.master, config.num_ps_replicas,
            config.num_worker_replicas, config.global_id_in_cluster) == ("worker", 0, True, "", 0, 1, 0)
    steps = tf.estimator.RunConfig(save_checkpoints_steps=10)
    assert (steps.save_checkpoints_steps, steps.save_checkpoints_secs) == (10, None)
    assert steps.replace(save_checkpoints_secs=5).save_checkpoints_steps is None
    with pytest.raises(ValueError, match="cannot be both set"):
        tf.estimator.RunConfig(save_checkpoints_steps=1, save_checkpoints_secs=1)
    with pytest.raises(ValueError, match="log_step_count_steps should be > 0"):
        tf.estimator.RunConfig(log_step_count_steps=0)
    with pytest.raises(ValueError, match="Replacing task_id is not supported"):
        config.replace(task_id=1)
    with pytest.raises(ValueError, match="`model_dir` are set both in constructor and `RunConfig`"):
        tf.estimator.Estimator(linear_model_fn, model_dir="/a", config=tf.estimator.RunConfig(model_dir="/b"))


# -- names: provided, refused, and through the program runner's imports ----------------------

def test_missing_tf115_names_are_refused_by_name():
    with pytest.raises(ContribNotProvided, match="^tf.estimator.DNNClassifier is not provided by tf1_graphs$"):
        tf.estimator.DNNClassifier
    with pytest.raises(ContribNotProvided, match="tf.estimator.inputs.pandas_input_fn is not provided"):
        tf.estimator.inputs.pandas_input_fn
    with pytest.raises(AttributeError) as typo:
        tf.estimator.Estimater
    assert not isinstance(typo.value, ContribNotProvided)


def test_hooks_are_tensorflows_own():
    assert tf.estimator.SessionRunHook is tf.train.SessionRunHook
    assert tf.estimator.LoggingTensorHook is tf.train.LoggingTensorHook
    assert tf.estimator.SecondOrStepTimer is tf.train.SecondOrStepTimer


PROGRAM = """\
import numpy as np
import tensorflow as tf
import tensorflow.estimator
from tensorflow import estimator as est
from tensorflow.estimator import RunConfig, ModeKeys
from tensorflow.estimator.inputs import numpy_input_fn
assert tensorflow.estimator is est and RunConfig is tf.estimator.RunConfig and ModeKeys.TRAIN == "train"
tf.logging.set_verbosity(tf.logging.INFO)

def model_fn(features, labels, mode):
    w = tf.get_variable("w", initializer=tf.constant([[1.0]]))
    loss = tf.reduce_mean(tf.square(tf.matmul(features["x"], w) - labels))
    train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=tf.train.get_global_step())
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

x = np.ones((4, 1), np.float32)
est.Estimator(model_fn, config=RunConfig(log_step_count_steps=1)).train(
    numpy_input_fn({"x": x}, 2 * x, batch_size=2, shuffle=False))
tf.estimator.DNNClassifier
"""


def test_program_runner_imports_and_refusal(tmp_path):
    """`import tensorflow.estimator` and friends work unchanged; a canned estimator stops in one line, exit 2."""
    program = tmp_path / "estimator_program.py"
    program.write_text(PROGRAM)
    result = subprocess.run([sys.executable, "-m", "tf1_graphs", str(program)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "INFO:tensorflow:loss = 1.0, step = 1\n" in result.stderr  # TF 1.15.5 printed these two lines
    assert "INFO:tensorflow:loss = 0.6399999, step = 2 (" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "estimator_program.py:19: tf.estimator.DNNClassifier is not provided by tf1_graphs")


def test_tf_config_local_settings_and_cluster_refusal(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", '{"session_master": "grpc://m:1", "service": {"k": 1}}')
    config = tf.estimator.RunConfig()
    assert (config.master, config.evaluation_master, config.service) == ("grpc://m:1", "", {"k": 1})
    monkeypatch.setenv("TF_CONFIG", '{"task": {"type": "worker", "index": 1}}')
    with pytest.raises(ValueError, match='If "cluster" is not set in TF_CONFIG, task index must be 0.'):
        tf.estimator.RunConfig()
    monkeypatch.setenv("TF_CONFIG", '{"cluster": {"chief": ["host0:0"]}, "task": {"type": "chief", "index": 0}}')
    with pytest.raises(ContribNotProvided, match="distributed tf.estimator"):
        tf.estimator.RunConfig()


def test_export_outputs_get_the_default_serving_key_as_tf115():
    with tf.Graph().as_default():
        y = tf.constant([[1.0]])
        regression = tf.estimator.export.RegressionOutput(y)
        spec = tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT, predictions=y,
                                          export_outputs={"head": regression})
        assert spec.export_outputs == {"head": regression, "serving_default": regression}
        with pytest.raises(ValueError, match="none of them is specified as the default"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.PREDICT, predictions=y,
                                       export_outputs={"a": regression, "b": regression})


def test_all_modes_export_with_supervised_receivers(trained, tmp_path):
    """TRAIN, EVAL and PREDICT graphs in one SavedModel, the variables saved once."""
    supervised = tf.estimator.export.build_supervised_input_receiver_fn_from_input_fn(_input_fn(2))
    export_dir = trained.experimental_export_all_saved_models(str(tmp_path), {
        tf.estimator.ModeKeys.TRAIN: supervised, tf.estimator.ModeKeys.EVAL: supervised,
        tf.estimator.ModeKeys.PREDICT: _raw_serving_input_receiver_fn()})
    from tensorflow.python.saved_model import loader_impl
    tags = sorted(tuple(m.meta_info_def.tags) for m in loader_impl.parse_saved_model(export_dir).meta_graphs)
    assert tags == [("eval",), ("serve",), ("train",)]
