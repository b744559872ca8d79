"""The errors that mean "not here" rather than "a bug": a TF 1.15 piece tf1_graphs lacks, missing data.

`python -m tf1_graphs` reports an uncaught `Refusal` in one line naming the program's file and
line, exit status 2.  Yet a program that guards a piece must take its fallback as under TF 1.15
(`try: import tensorflow.contrib.slim as slim` / `except ImportError:`, `except
AttributeError`, `hasattr`), so a refusal is also the built-in error of the place it is met:
an AttributeError where an attribute is read, an ImportError where an import statement asks.

Which names TF 1.15 had comes from `tf115_names.json`, recorded from TF 1.15.5 by
tests/tf115/record_tf115_names.py: a name on that list that tf1_graphs lacks is refused by its
TF 1.x name; any other is Python's plain error, worded as TF 1.15 words it.  This module
loads no TensorFlow, so the runner can match these errors in a program that never imports it.
"""
import functools
import json
import os


class Refusal(Exception):
    """Something the program asked for is not here; not the program's bug."""


class NotProvided(Refusal):
    """A name TF 1.15 had that tf1_graphs does not re-implement."""


class ContribNotProvided(NotProvided, AttributeError):
    """A missing TF 1.15 name met by attribute access (`tf.estimator`, `tf.contrib.slim`, `tf.contrib.rnn.X`)."""


class ImportNotProvided(NotProvided, ImportError):
    """A missing TF 1.15 name met by an import statement (`import tensorflow.contrib.slim as slim`)."""


@functools.cache
def _recorded():
    with open(os.path.join(os.path.dirname(__file__), "tf115_names.json")) as names:
        return {label: frozenset(listed) for label, listed in json.load(names).items()}


def tf115_names(label):
    """The public names TF 1.15 had in `label` ('tf', 'tf.contrib', 'tf.contrib.rnn'); None if not recorded."""
    return _recorded().get(label)


def not_provided(label, name, why=""):
    """The refusal of `label.name`: 'tf.contrib.rnn.X is not provided by tf1_graphs'."""
    return ContribNotProvided(f"{label}.{name} is not provided by tf1_graphs{why}")


def no_attribute(label, name):
    """Python's own error for a name TF 1.15 never had, as TF 1.15 words it: module 'tensorflow' has no attribute."""
    return AttributeError(f"module {'tensorflow' + label[len('tf'):]!r} has no attribute {name!r}")


def missing_attribute(label, name, why=""):
    """The error for `label.name` that tf1_graphs lacks: refused if TF 1.15 had it (or nothing is recorded)."""
    known = tf115_names(label)
    if name.startswith("__") or (known is not None and name not in known):
        return no_attribute(label, name)
    return not_provided(label, name, why)
