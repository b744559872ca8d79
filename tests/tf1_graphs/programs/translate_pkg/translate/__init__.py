import tensorflow as tf

PACKAGE_SEES = tf.__name__
