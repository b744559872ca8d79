"""`tf.contrib.learn`: only what graph programs still use from it, `ModeKeys` and `preprocessing`.

The estimators, `learn_runner`, `datasets` and the rest of it are refused by name.
"""
from tf1_graphs.contrib.learn import preprocessing


class ModeKeys:
    """The mode a model function is built for; contrib.learn said INFER where core says PREDICT."""

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"

from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
