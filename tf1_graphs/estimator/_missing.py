"""The refusal for a `tf.estimator` name TF 1.15 had and tf1_graphs does not provide.

`EstimatorNotProvided` is a `ContribNotProvided`, the project's "not provided" error, so the
program runner reports it as one line and the import hook lets it through by that type.
"""
from tf1_graphs.contrib._missing import ContribNotProvided


class EstimatorNotProvided(ContribNotProvided):
    """Raised for a `tf.estimator...` piece this project does not re-implement."""


def refuse_missing(label, known):
    """A module-level `__getattr__` for `label` (e.g. 'tf.estimator.export') naming the missing member.

    `known` holds the names TF 1.15 had there: any other name is a plain AttributeError (a typo
    in the program, not a TF 1.x piece this project lacks).
    """

    def __getattr__(name):
        if name not in known:
            raise AttributeError(f"module {label!r} has no attribute {name!r}")
        raise EstimatorNotProvided(f"{label}.{name} is not provided by tf1_graphs")

    return __getattr__
