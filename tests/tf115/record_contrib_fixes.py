"""Record what TF 1.15 gives for the graphs in tests/tf1_graphs/contrib/tf115_contrib_fixes_graphs.py.

Run from the repository root with TensorFlow 1.15.5 (Python 3.7):
    /work/tf115/bin/python tests/tf115/record_contrib_fixes.py
It writes tests/tf115/goldens/contrib_fixes.json, which test_contrib_tf115_fixes.py reads.
"""
import json
import os
import sys

import tensorflow as tf
from tensorflow.contrib.layers.python.layers import optimizers
from tensorflow.python.ops import rnn_cell as own_cells

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tf1_graphs", "contrib"))
import tf115_contrib_fixes_graphs as graphs  # noqa: E402

record = {
    "recorded_with": "tensorflow " + tf.__version__,
    "indy_gru": graphs.indy_gru(tf),
    "phased_lstm": graphs.phased_lstm(tf, own_cells),
    "indy_lstm_stack_variables": graphs.indy_lstm_stack_variables(tf, own_cells),
    "one2many": graphs.one2many(tf, own_cells),
    "keras_cell_refusal": graphs.keras_cell_refusal(tf),
    "hparams": graphs.hparams(tf.contrib.training.HParams),
    "optimize_loss_noise": graphs.optimize_loss_noise(tf),
    "optimize_loss_summaries": graphs.optimize_loss_summaries(tf),
    "xavier_values": graphs.xavier_values(tf),
    "batch_norm_model_variables": graphs.batch_norm_model_variables(tf),
    "framework_variable_calls": graphs.framework_variable_calls(tf),
    "adaptive_clipping": graphs.adaptive_clipping(tf, optimizers.adaptive_clipping_fn),
}
with open(os.path.join(HERE, "goldens", "contrib_fixes.json"), "w") as f:
    json.dump(record, f, indent=1, sort_keys=True)
    f.write("\n")
