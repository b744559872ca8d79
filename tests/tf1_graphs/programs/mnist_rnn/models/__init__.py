import tensorflow as tf
from tensorflow.contrib import rnn

from models.classifier import RNNClassifier  # noqa: F401

NAMESPACE = tf.__name__
