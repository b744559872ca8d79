"""`tf.contrib.learn`: only what graph programs still use from it, `ModeKeys` and `preprocessing`.

The estimators, `learn_runner`, `datasets` and the rest of it are refused by name.
"""
from tf1_graphs.contrib._refuse import refuse_missing
from tf1_graphs.contrib.learn import preprocessing


class ModeKeys:
    """The mode a model function is built for; contrib.learn said INFER where core says PREDICT."""

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"


__getattr__ = refuse_missing("tf.contrib.learn", "ModeKeys, preprocessing")
