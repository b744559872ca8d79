"""`tf.estimator.experimental`: of TF 1.15's names here, only the supervised input receiver is provided."""
from tf1_graphs.contrib._missing import refuse_missing
from tf1_graphs.estimator.export import build_raw_supervised_input_receiver_fn  # noqa: F401  (public name)

__getattr__ = refuse_missing(__name__)
