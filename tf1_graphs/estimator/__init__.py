"""`tf.estimator`, rebuilt for TF 1.x graph-mode programs (TensorFlow 2.16 removed it).

Provided, with TF 1.15's names, defaults and semantics: `Estimator` (train, evaluate,
predict, export_saved_model / export_savedmodel, checkpoints in `model_dir`), `EstimatorSpec`,
`ModeKeys`, `RunConfig` (local runs), `TrainSpec`, `EvalSpec`, `train_and_evaluate`,
`WarmStartSettings`, `VocabInfo`, the exporters `Exporter`, `FinalExporter`,
`LatestExporter`, the session-run hooks TF 1.15 re-exported here (TensorFlow's own, from
`tf.compat.v1.train`), `tf.estimator.export` (input receivers and export outputs) and
`tf.estimator.inputs.numpy_input_fn` and
`tf.estimator.experimental.build_raw_supervised_input_receiver_fn`.  Every other name TF 1.15 had here (the canned
estimators such as `DNNClassifier`, the heads, `BestExporter`, `tpu`, the early-stopping hooks,
...)
is refused by name.
"""
import tensorflow as _tf

from tf1_graphs.estimator import experimental, export, inputs
from tf1_graphs.estimator._missing import refuse_missing
from tf1_graphs.estimator.estimator import Estimator
from tf1_graphs.estimator.exporter import Exporter, FinalExporter, LatestExporter
from tf1_graphs.estimator.model_fn import EstimatorSpec, ModeKeys
from tf1_graphs.estimator.run_config import RunConfig
from tf1_graphs.estimator.training import EvalSpec, TrainSpec, train_and_evaluate
from tf1_graphs.estimator.warm_start import VocabInfo, WarmStartSettings

_train = _tf.compat.v1.train
CheckpointSaverHook = _train.CheckpointSaverHook
CheckpointSaverListener = _train.CheckpointSaverListener
FeedFnHook = _train.FeedFnHook
FinalOpsHook = _train.FinalOpsHook
GlobalStepWaiterHook = _train.GlobalStepWaiterHook
LoggingTensorHook = _train.LoggingTensorHook
NanLossDuringTrainingError = _train.NanLossDuringTrainingError
NanTensorHook = _train.NanTensorHook
ProfilerHook = _train.ProfilerHook
SecondOrStepTimer = _train.SecondOrStepTimer
SessionRunArgs = _train.SessionRunArgs
SessionRunContext = _train.SessionRunContext
SessionRunHook = _train.SessionRunHook
SessionRunValues = _train.SessionRunValues
StepCounterHook = _train.StepCounterHook
StopAtStepHook = _train.StopAtStepHook
SummarySaverHook = _train.SummarySaverHook

NOT_PROVIDED = (
    "BaselineClassifier", "BaselineEstimator", "BaselineRegressor", "BestExporter", "BinaryClassHead",
    "BoostedTreesClassifier", "BoostedTreesEstimator", "BoostedTreesRegressor", "DNNClassifier", "DNNEstimator",
    "DNNLinearCombinedClassifier", "DNNLinearCombinedEstimator", "DNNLinearCombinedRegressor", "DNNRegressor",
    "Head", "LinearClassifier", "LinearEstimator", "LinearRegressor", "LogisticRegressionHead", "MultiClassHead",
    "MultiHead", "MultiLabelHead", "PoissonRegressionHead", "RegressionHead", "add_metrics",
    "classifier_parse_example_spec", "regressor_parse_example_spec", "tpu")
"""TF 1.15's other `tf.estimator` names: refused by name when a program reaches for them."""

__getattr__ = refuse_missing("tf.estimator", set(NOT_PROVIDED))
