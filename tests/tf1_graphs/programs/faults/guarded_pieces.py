"""Guards the TF 1.x pieces it may lack, as published programs do, then reads MNIST from sys.argv[1]."""
import sys

import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data


def report(label, error):
    print(f"{label}: {type(error).__name__}: {error}")


try:
    import tensorflow.contrib.slim as slim
except ImportError as error:
    report("import tensorflow.contrib.slim as slim", error)
try:
    from tensorflow.contrib.layers import fully_connected, sparse_column_with_hash_bucket  # noqa: F401
except ImportError as error:
    report("from tensorflow.contrib.layers import sparse_column_with_hash_bucket", error)
try:
    from tensorflow import pywrap_tensorflow  # noqa: F401
except ImportError as error:
    report("from tensorflow import pywrap_tensorflow", error)
try:
    import tensorflow.pywrap_tensorflow  # noqa: F401
except ImportError as error:
    report("import tensorflow.pywrap_tensorflow", error)
try:
    from tensorflow.contrib.rnn.python.ops import core_rnn_cell  # noqa: F401
except ImportError as error:
    report("from tensorflow.contrib.rnn.python.ops import core_rnn_cell", error)
try:
    tf.pywrap_tensorflow.TF_NewSession
except AttributeError as error:
    report("tf.pywrap_tensorflow.TF_NewSession", error)
print("hasattr(tf.contrib, 'slim'):", hasattr(tf.contrib, "slim"))

# names TF 1.15 never had: Python's own errors
try:
    from tensorflow.contrib.layers import no_such_layer  # noqa: F401
except ImportError as error:
    report("from tensorflow.contrib.layers import no_such_layer", error)
try:
    import tensorflow.contrib.no_such_module  # noqa: F401
except ImportError as error:
    report("import tensorflow.contrib.no_such_module", error)
try:
    tf.no_such_op
except AttributeError as error:
    report("tf.no_such_op", error)
try:
    tf.contrib.rnn.NoSuchCell
except AttributeError as error:
    report("tf.contrib.rnn.NoSuchCell", error)

mnist = input_data.read_data_sets(sys.argv[1], one_hot=True)  # one of the four files is missing
