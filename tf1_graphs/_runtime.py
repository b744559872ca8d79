"""Put TensorFlow into TF 1.x graph mode before anything else touches it.

The legacy `nn.rnn_cell` classes and `layers` functions only exist with tf-keras, and
TensorFlow picks its Keras once, at first import, from TF_USE_LEGACY_KERAS.  So the
variable must be set before `import tensorflow`, and a TensorFlow already loaded the
Keras 3 way cannot be repaired afterwards: we refuse it with a message that says why.

TensorFlow's native start-up notes (oneDNN on, no CUDA driver found) bypass
TF_CPP_MIN_LOG_LEVEL in 2.21 and would open every recipe's output; they are dropped while
TensorFlow loads and looks for devices.  Python errors raised meanwhile are unaffected.
"""
import contextlib
import os
import sys
import warnings

if "tensorflow" in sys.modules and os.environ.get("TF_USE_LEGACY_KERAS") != "1":
    raise ImportError(
        "tf1_graphs: TensorFlow was imported before tf1_graphs without TF_USE_LEGACY_KERAS=1, "
        "so it is bound to Keras 3, which refuses tf.compat.v1.nn.rnn_cell and tf.compat.v1.layers. "
        "Import tf1_graphs before tensorflow, or run with TF_USE_LEGACY_KERAS=1 in the environment."
    )
os.environ["TF_USE_LEGACY_KERAS"] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TF 1.15's CPU kernels were Eigen's; oneDNN's matmul and convolutions round otherwise (measured: a
# [128, 784] x [784, 256] product differs from TF 1.15.5's by up to 4.6e-5, and equals it bit for bit
# without oneDNN).  Set TF_ENABLE_ONEDNN_OPTS=1 to trade that for oneDNN's speed.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@contextlib.contextmanager
def _native_stderr_dropped():
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


with _native_stderr_dropped():
    import tensorflow

    tensorflow.config.list_physical_devices()  # the device search, with its CUDA notes, happens here

tensorflow.get_logger().setLevel("ERROR")  # the v1 API warns on every call; recipes opt back in
tensorflow.compat.v1.disable_v2_behavior()  # reference variables and v1 control flow, as in TF 1.x
warnings.filterwarnings("ignore", message=r".*is deprecated", category=UserWarning)

from tf1_graphs.seeding import use_tf1_op_seeds  # noqa: E402  (needs TensorFlow loaded as above)
from tf1_graphs.tf115_gradients import use_tf115_gradients  # noqa: E402
from tf1_graphs.tf115_ops import use_tf115_ops  # noqa: E402

use_tf1_op_seeds()  # implicit op seeds as TF 1.15 numbered them
use_tf115_ops()  # and the ops before them as TF 1.15 built them,
use_tf115_gradients()  # gradients included
