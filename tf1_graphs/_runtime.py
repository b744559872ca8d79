"""Put TensorFlow into TF 1.x graph mode before anything else touches it.

The modules of tf1_graphs that use TensorFlow import this one first.  The Keras choice
(TF_USE_LEGACY_KERAS, and the refusal of a TensorFlow already bound to Keras 3) is made
earlier, by `import tf1_graphs` itself, which loads no TensorFlow.

TensorFlow's native start-up notes (oneDNN on, no CUDA driver found) bypass
TF_CPP_MIN_LOG_LEVEL in 2.21 and would open every recipe's output; they are dropped while
TensorFlow loads and looks for devices.  Python errors raised meanwhile are unaffected.
"""
import contextlib
import os
import sys
import warnings


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

from tf1_graphs.rnn_cell_impl import use_tf115_cells  # noqa: E402
from tf1_graphs.tensor_arrays import use_tf115_tensor_array_size  # noqa: E402

use_tf115_cells()  # before tf1_graphs.contrib takes the cell classes by name
use_tf115_tensor_array_size()
