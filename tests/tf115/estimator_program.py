"""A small tf.estimator program, the same code under TF 1.15.5 (recording) and tf1_graphs (testing).

`run(tf, workdir)` trains, evaluates, predicts, runs `train_and_evaluate`, feeds NumPy arrays
through `numpy_input_fn` and exports a SavedModel, and returns what a reader of the run would
check: the per-step losses, the `loss = ..., step = ...` log lines, the metrics dicts, the
predictions, the files and variables in `model_dir`, the export's signature and answers.
Every random initializer has an explicit op seed and the RunConfig a graph seed, so nothing
depends on how implicit op seeds are derived.  Python 3.7 and TF 1.15 must run it too.
"""
import logging
import os
import re

import numpy as np

SEED = 7
X = np.linspace(-1.0, 1.0, 24 * 3, dtype=np.float32).reshape(24, 3)
Y = (np.sin(3.0 * X[:, :1]) + X[:, 1:2] * X[:, 2:3]).astype(np.float32)
X_PREDICT = X[::5]  # 5 examples
TRAIN_STEPS, MORE_STEPS = 30, 5


def model_fn_for(tf, losses):
    """A two-layer regression model_fn; its training hook appends each step's loss to `losses`."""

    class LossRecorder(tf.train.SessionRunHook):
        def __init__(self, loss):
            self._loss = loss

        def before_run(self, run_context):
            return tf.train.SessionRunArgs(self._loss)

        def after_run(self, run_context, run_values):
            losses.append(float(run_values.results))

    def model_fn(features, labels, mode, params):
        hidden = tf.layers.dense(features["x"], 4, activation=tf.nn.tanh,
                                 kernel_initializer=tf.glorot_uniform_initializer(seed=1), name="hidden")
        out = tf.layers.dense(hidden, 1, kernel_initializer=tf.random_normal_initializer(stddev=0.5, seed=2),
                              bias_initializer=tf.constant_initializer(0.1), name="out")
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions={"y": out, "hidden": hidden})
        loss = tf.losses.mean_squared_error(labels, out)
        train_op = tf.train.AdamOptimizer(params["learning_rate"]).minimize(
            loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(
            mode, loss=loss, train_op=train_op,
            eval_metric_ops={"mae": tf.metrics.mean_absolute_error(labels, out)},
            training_hooks=[LossRecorder(loss)])

    return model_fn


def input_fns(tf):
    def train_input_fn():
        return tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(4).repeat()

    def eval_input_fn():
        return tf.data.Dataset.from_tensor_slices(({"x": X}, Y)).batch(10)  # 10, 10, 4: ends by itself

    def predict_input_fn():
        return tf.data.Dataset.from_tensor_slices({"x": X_PREDICT}).batch(2)

    return train_input_fn, eval_input_fn, predict_input_fn


class _Messages(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _loss_lines(messages):
    """The `loss = ..., step = ...` lines, without the timing TF appends after the first."""
    return [re.sub(r" \(\d+\.\d+ sec\)$", "", m) for m in messages if m.startswith("loss = ")]


def _files(folder):
    """The names in `folder`, the host- and time-dependent event file names reduced to their kind."""
    return sorted("events.out.tfevents.*" if name.startswith("events.out.tfevents.") else name
                  for name in os.listdir(os.fsdecode(folder)))


def _numbers(value):
    return np.asarray(value).tolist()


def _plain(metrics):
    return {key: _numbers(value) for key, value in sorted(metrics.items())}


def run(tf, workdir):
    """The whole program in `workdir`; returns the record (JSON-ready)."""
    tf.logging.set_verbosity(tf.logging.INFO)
    handler = _Messages()
    logging.getLogger("tensorflow").addHandler(handler)
    try:
        return _run(tf, workdir, handler)
    finally:
        logging.getLogger("tensorflow").removeHandler(handler)


def _run(tf, workdir, handler):
    record = {}
    train_input_fn, eval_input_fn, predict_input_fn = input_fns(tf)
    losses = []
    model_dir = os.path.join(workdir, "model")
    config = tf.estimator.RunConfig(tf_random_seed=SEED, save_checkpoints_steps=20, log_step_count_steps=10,
                                    keep_checkpoint_max=3)
    estimator = tf.estimator.Estimator(model_fn_for(tf, losses), model_dir=model_dir, config=config,
                                       params={"learning_rate": 0.05})
    estimator.train(train_input_fn, steps=TRAIN_STEPS)
    estimator.train(train_input_fn, steps=MORE_STEPS)
    estimator.train(train_input_fn, max_steps=TRAIN_STEPS)  # already past: no step
    record["losses"] = losses
    record["loss_lines"] = _loss_lines(handler.messages)
    record["evaluate"] = _plain(estimator.evaluate(eval_input_fn))
    record["evaluate_2_steps"] = _plain(estimator.evaluate(eval_input_fn, steps=2, name="two"))
    record["predict"] = [{k: _numbers(v) for k, v in sorted(p.items())} for p in estimator.predict(predict_input_fn)]
    record["predict_batches_y"] = [_numbers(p["y"]) for p in estimator.predict(
        predict_input_fn, predict_keys=["y"], yield_single_examples=False)]
    record["latest_checkpoint"] = os.path.basename(estimator.latest_checkpoint())
    record["checkpoints"] = [os.path.basename(p) for p in
                             tf.train.get_checkpoint_state(model_dir).all_model_checkpoint_paths]
    record["model_dir_files"] = _files(model_dir)
    record["eval_dirs"] = {name: _files(os.path.join(model_dir, name)) for name in ("eval", "eval_two")}
    record["variables"] = {name: list(shape) for name, shape in tf.train.list_variables(model_dir)}
    record["variable_names"] = estimator.get_variable_names()
    record["out_bias"] = _numbers(estimator.get_variable_value("out/bias"))
    record["global_step"] = int(estimator.get_variable_value("global_step"))

    with tf.Graph().as_default():  # a graph of its own: the receiver names its placeholder after this one
        features = {"x": tf.placeholder(tf.float32, [None, 3])}
    export_dir = estimator.export_saved_model(
        os.path.join(workdir, "export"), tf.estimator.export.build_raw_serving_input_receiver_fn(features))
    record["export"] = _exported_answers(tf, export_dir)

    evaluated_at = len(handler.messages)
    tae_losses = []
    tae = tf.estimator.Estimator(model_fn_for(tf, tae_losses), model_dir=os.path.join(workdir, "tae"),
                                 config=config.replace(save_checkpoints_steps=10), params={"learning_rate": 0.05})
    metrics, exports = tf.estimator.train_and_evaluate(
        tae, tf.estimator.TrainSpec(train_input_fn, max_steps=25),
        tf.estimator.EvalSpec(eval_input_fn, steps=None, throttle_secs=0))
    record["train_and_evaluate"] = {
        "metrics": _plain(metrics), "exports": exports, "losses": tae_losses,
        "evaluated_steps": [m.split(":")[0] for m in handler.messages[evaluated_at:]
                            if m.startswith("Saving dict for global step")]}

    numpy_losses = []
    numpy_estimator = tf.estimator.Estimator(
        model_fn_for(tf, numpy_losses), model_dir=os.path.join(workdir, "numpy"),
        config=config, params={"learning_rate": 0.05})
    numpy_estimator.train(tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=5, shuffle=False))
    predictions = numpy_estimator.predict(tf.estimator.inputs.numpy_input_fn({"x": X_PREDICT}, shuffle=False))
    record["numpy_input_fn"] = {"losses": numpy_losses,
                                "global_step": int(numpy_estimator.get_variable_value("global_step")),
                                "predict_y": [_numbers(p["y"]) for p in predictions]}
    return record


def _exported_answers(tf, export_dir):
    """The serving signature of the export, and its answers for X_PREDICT, read back with the v1 loader."""
    with tf.Graph().as_default() as graph, tf.Session(graph=graph) as session:
        meta_graph = tf.saved_model.loader.load(session, [tf.saved_model.tag_constants.SERVING], export_dir)
        signature = meta_graph.signature_def["serving_default"]
        answers = session.run({k: v.name for k, v in signature.outputs.items()},
                              {signature.inputs["x"].name: X_PREDICT})
        return {"signatures": sorted(meta_graph.signature_def),
                "method": signature.method_name,
                "inputs": {k: v.name for k, v in sorted(signature.inputs.items())},
                "outputs": {k: v.name for k, v in sorted(signature.outputs.items())},
                "answers": {k: _numbers(v) for k, v in sorted(answers.items())},
                "files": _files(export_dir)}
