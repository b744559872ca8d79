"""How a re-implemented module refuses its missing members, named as TF 1.x named them.

It lives apart from `contrib/__init__` because every contrib module refuses its own missing
members with it, and `contrib/__init__` imports those modules.  Each such module ends with

    from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
    __getattr__ = refuse_missing(__name__)

so `tf.contrib.rnn.SomeCell`, a name TF 1.15 had there, fails with `tf.contrib.rnn.SomeCell is
not provided by tf1_graphs` rather than a bare AttributeError naming a project module, and a
name TF 1.15 never had fails as under TF 1.15 (see `tf1_graphs.refusals`).
"""
from tf1_graphs.refusals import missing_attribute, no_attribute


def refuse_missing(module_name, known=None):
    """A module-level `__getattr__` for `tf1_graphs.X.Y` that refuses the missing `tf.X.Y.name`.

    The names TF 1.15 had there are the recorded ones, or `known` where a module passes them.
    """
    label = "tf." + module_name.removeprefix("tf1_graphs.")

    def __getattr__(name):
        if known is not None and name not in known:
            raise no_attribute(label, name)
        raise missing_attribute(label, name)

    return __getattr__
