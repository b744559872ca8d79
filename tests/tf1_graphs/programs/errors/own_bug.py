"""A program with its own bug: its traceback, its exit status."""
import tensorflow as tf

from helpers import average

losses = []
print("graph mode:", not tf.executing_eagerly())
print(average(losses))  # the call
