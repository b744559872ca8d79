"""Run as `python -m translate.train`."""
import os
import sys

import tensorflow as tf

import translate

print("__name__:", __name__, "package sees:", translate.PACKAGE_SEES, "module sees:", tf.__name__)
print("argv:", sys.argv[1:], "argv[0]:", sys.argv[0])
print("sys.path[0] is the working directory:", sys.path[0] == os.getcwd())
from translate import model  # noqa: E402  (refused: it imports a missing piece)

model.build_cell(4)
