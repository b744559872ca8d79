"""Asks for a contrib module that tf1_graphs does not re-implement."""
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
estimator = tf.contrib.tpu.TPUEstimator  # the missing piece
