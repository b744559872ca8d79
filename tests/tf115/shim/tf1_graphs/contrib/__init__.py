"""TF 1.15's own `tf.contrib`, under the name the recipes import it by."""
import sys

import tensorflow as tf

rnn = sys.modules[__name__ + ".rnn"] = tf.contrib.rnn
