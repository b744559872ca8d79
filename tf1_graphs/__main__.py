"""`python -m tf1_graphs [--seed N] [--plots DIR] PROGRAM.py [ARGS...]`: see `tf1_graphs.program`."""
import sys

from tf1_graphs.program import main

sys.exit(main())
