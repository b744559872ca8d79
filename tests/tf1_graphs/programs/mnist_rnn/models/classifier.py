"""An LSTM reading an MNIST image row by row, as the TF 1.x tutorials built it."""
import tensorflow
from tensorflow.contrib.rnn import BasicLSTMCell, LSTMStateTuple
import tensorflow.contrib.layers as layers


class RNNClassifier:
    def __init__(self, rows, cols, hidden, classes):
        self.x = tensorflow.placeholder(tensorflow.float32, [None, rows * cols])
        self.y = tensorflow.placeholder(tensorflow.float32, [None, classes])
        sequence = tensorflow.reshape(self.x, [-1, rows, cols])
        cell = BasicLSTMCell(hidden)
        outputs, state = tensorflow.nn.dynamic_rnn(cell, sequence, dtype=tensorflow.float32)
        assert isinstance(state, LSTMStateTuple)
        logits = layers.fully_connected(outputs[:, -1], classes, activation_fn=None)
        self.loss = tensorflow.reduce_mean(
            tensorflow.nn.softmax_cross_entropy_with_logits_v2(labels=self.y, logits=logits))
        self.train_op = tensorflow.train.AdamOptimizer(0.01).minimize(self.loss)
