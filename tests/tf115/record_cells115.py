"""Run with TF 1.15.5 from the repository root: writes tests/tf115/goldens/cells115.json.gz.

Every scenario of cells115_graphs, with the default initializers (ops, variables, seeded
values, Adam steps) and with constant ones (outputs: the cells' arithmetic alone).
"""
import gzip
import json
import os
import sys

import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cells115_graphs  # noqa: E402

golden = {"tensorflow": tf.__version__, "shared_ops": cells115_graphs.shared_op_records(tf),
          "default_init": {}, "constant_init": {}}
for name in cells115_graphs.names(tf):
    golden["default_init"][name] = cells115_graphs.record(tf, name)
    golden["constant_init"][name] = cells115_graphs.constant_outputs(tf, name)
# gzip: the op lists are 300 KB of JSON, 30 KB compressed; `zcat` reads it; mtime 0 keeps it reproducible
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens", "cells115.json.gz")
with gzip.GzipFile(path, "wb", mtime=0) as out:
    out.write((json.dumps(golden, sort_keys=True, indent=0) + "\n").encode())
