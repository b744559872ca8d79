"""Put TensorFlow into TF 1.x graph mode before anything else touches it.

The legacy `nn.rnn_cell` classes and `layers` functions only exist with tf-keras, and
TensorFlow picks its Keras once, at first import, from TF_USE_LEGACY_KERAS.  So the
variable must be set before `import tensorflow`, and a TensorFlow already loaded the
Keras 3 way cannot be repaired afterwards: we refuse it with a message that says why.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ start-up chatter, not errors

if "tensorflow" in sys.modules and os.environ.get("TF_USE_LEGACY_KERAS") != "1":
    raise ImportError(
        "tf1_graphs: TensorFlow was imported before tf1_graphs without TF_USE_LEGACY_KERAS=1, "
        "so it is bound to Keras 3, which refuses tf.compat.v1.nn.rnn_cell and tf.compat.v1.layers. "
        "Import tf1_graphs before tensorflow, or run with TF_USE_LEGACY_KERAS=1 in the environment."
    )
os.environ["TF_USE_LEGACY_KERAS"] = "1"

import tensorflow  # noqa: E402  (must come after the variable is set)

tensorflow.get_logger().setLevel("ERROR")  # the v1 API warns on every call; recipes opt back in
tensorflow.compat.v1.disable_v2_behavior()  # reference variables and v1 control flow, as in TF 1.x

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message=r".*is deprecated", category=UserWarning)
