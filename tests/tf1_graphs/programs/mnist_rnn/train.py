"""MNIST row-by-row LSTM, TF 1.x tutorial style: flags, tf.app.run, input_data, a plot."""
import sys

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
import tensorflow as tfx
from tensorflow.contrib import legacy_seq2seq, rnn
from tensorflow.contrib.layers import fully_connected
from tensorflow.core.framework import graph_pb2
from tensorflow.examples.tutorials.mnist import input_data
from tensorflow.python.framework import ops

import models
import tf2_helper
from models import RNNClassifier

flags = tf.app.flags
flags.DEFINE_string("data_dir", "MNIST_data", "where the MNIST .gz files are")
flags.DEFINE_integer("steps", 2, "training steps")
flags.DEFINE_integer("exit_status", 0, "what main returns")
FLAGS = tf.flags.FLAGS


def main(argv):
    print("argv:", argv)
    print("__name__:", __name__)
    print("sys.path[0]:", sys.path[0])
    print("tf:", tf.__name__, tfx.__name__, models.NAMESPACE)
    print("contrib:", rnn.__name__, legacy_seq2seq.__name__, fully_connected.__module__, models.rnn.__name__)
    print("tensorflow's own:", ops.__name__, graph_pb2.__name__)
    print("library:", tf2_helper.describe())
    mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True, validation_size=4)
    print("mnist:", mnist.train.num_examples, mnist.validation.num_examples, mnist.test.num_examples,
          mnist.train.images.shape, mnist.train.labels.shape, float(mnist.train.images.max()))
    model = RNNClassifier(28, 28, 8, 10)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(FLAGS.steps):
            batch_x, batch_y = mnist.train.next_batch(5)
            loss, _ = sess.run([model.loss, model.train_op], {model.x: batch_x, model.y: batch_y})
            losses.append(loss)
    print("epochs completed:", mnist.train.epochs_completed, "losses finite:", bool(np.isfinite(losses).all()))
    plt.plot(losses)
    plt.title("loss")
    plt.savefig("loss.png")
    plt.show()
    figure = plt.figure()
    plt.imshow(mnist.test.images[0].reshape(28, 28))
    figure.show()
    plt.waitforbuttonpress()
    plt.figure()
    plt.show(block=True)
    return FLAGS.exit_status


if __name__ == "__main__":
    tf.app.run()
