"""A sine-wave LSTM, trained a few steps: with --seed, the same numbers in every run."""
import random

import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 20, 1])
outputs, _ = tf.nn.dynamic_rnn(tf.contrib.rnn.BasicLSTMCell(4), x, dtype=tf.float32)
prediction = tf.contrib.layers.fully_connected(outputs, 1, activation_fn=tf.tanh)
loss = tf.reduce_mean(tf.square(prediction - tf.sin(x)))
train = tf.train.AdamOptimizer(0.01).minimize(loss)
wave = np.linspace(0, 3, 20, dtype=np.float32).reshape(1, 20, 1) + np.random.rand()
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(3):
        print("step", step, "loss", sess.run([loss, train], {x: wave})[0])

graph = tf.Graph()
with graph.as_default():
    noise = tf.random_normal([3])
    with tf.Session() as sess:
        print("second graph:", sess.run(noise))
print("python:", random.random(), "numpy:", np.random.rand())
