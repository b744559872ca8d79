"""A library outside the program's folder: its `import tensorflow` must stay TensorFlow 2."""
import tensorflow as tf


def describe():
    return f"{tf.__name__}, has contrib: {hasattr(tf, 'contrib')}"
