"""Ends with `sys.exit(argument)`: a number is the exit status, a message is printed with status 1."""
import sys

print("exiting with", sys.argv[1:], "TensorFlow loaded:", "tensorflow" in sys.modules)
sys.exit(int(sys.argv[1]) if sys.argv[1].isdigit() else sys.argv[1])
