"""The error for a `tf.contrib` piece tf1_graphs does not re-implement, named as TF 1.x named it.

It lives apart from `contrib/__init__` because every contrib module refuses its own missing
members with it, and `contrib/__init__` imports those modules.  Each contrib module ends with

    from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
    __getattr__ = refuse_missing(__name__)

so `tf.contrib.rnn.SomeCell` fails with `tf.contrib.rnn.SomeCell is not provided by tf1_graphs`
rather than a bare AttributeError naming a project module (`python -m tf1_graphs` turns it
into one line with the program's file and line).
"""


class ContribNotProvided(AttributeError):
    """Raised for a `tf.contrib.X` or `tf.contrib.X.Y` this project does not re-implement."""


def refuse_missing(module_name, known=None):
    """A module-level `__getattr__` for `tf1_graphs.contrib.X` that names the missing `tf.contrib.X.Y`.

    With `known` (the names TF 1.15 had there), any other name is a plain AttributeError: a
    typo in the program, not a TF 1.x piece this project lacks.
    """
    label = "tf.contrib." + module_name.split("tf1_graphs.contrib.", 1)[1]

    def __getattr__(name):
        if name.startswith("__") or (known is not None and name not in known):
            raise AttributeError(f"module {label!r} has no attribute {name!r}")
        raise ContribNotProvided(f"{label}.{name} is not provided by tf1_graphs")

    return __getattr__
