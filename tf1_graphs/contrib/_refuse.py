"""One refusal for the names a re-implemented `tf.contrib` module leaves out.

A module's `__getattr__ = refuse_missing("tf.contrib.learn", "ModeKeys, preprocessing")`
makes `tf.contrib.learn.Estimator` fail on that line, naming itself, with the same
`ContribNotProvided` the package raises for whole modules.
"""


def refuse_missing(module, provided):
    def __getattr__(name):
        if name.startswith("__"):  # Python's own probes (`__path__`, `__wrapped__`...) stay plain
            raise AttributeError(name)
        from tf1_graphs.contrib import ContribNotProvided  # the package is loaded by now

        raise ContribNotProvided(
            f"{module}.{name} is not provided by tf1_graphs (tf.contrib was removed in TensorFlow 2; "
            f"{module} here provides: {provided})"
        )

    return __getattr__
