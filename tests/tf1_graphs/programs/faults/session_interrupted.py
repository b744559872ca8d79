"""Runs a graph in a session until Ctrl-C (SIGINT) interrupts it."""
import tensorflow as tf

total = tf.Variable(0.0)
step = tf.assign_add(total, 1.0)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("running", flush=True)
    while True:
        sess.run(step)
