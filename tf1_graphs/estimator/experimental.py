"""`tf.estimator.experimental`: of TF 1.15's names here, only the supervised input receiver is provided."""
from tf1_graphs.estimator._missing import refuse_missing
from tf1_graphs.estimator.export import build_raw_supervised_input_receiver_fn  # noqa: F401  (public name)

__getattr__ = refuse_missing("tf.estimator.experimental", {
    "InMemoryEvaluatorHook", "KMeans", "LinearSDCA", "call_logit_fn", "dnn_logit_fn_builder",
    "linear_logit_fn_builder", "make_early_stopping_hook", "make_stop_at_checkpoint_step_hook", "stop_if_higher_hook",
    "stop_if_lower_hook", "stop_if_no_decrease_hook", "stop_if_no_increase_hook"})
