"""Run with TF 1.15.5 from the repository root: writes tests/tf115/goldens/op_seeds.json."""
import json
import os
import sys

import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import op_seeds_graph  # noqa: E402

golden = {"tensorflow": tf.__version__,
          "graph_seed_1": op_seeds_graph.record(tf, 1),
          "graph_seed_0": op_seeds_graph.record(tf, 0)}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens", "op_seeds.json"), "w") as out:
    json.dump(golden, out, indent=1, sort_keys=True)
    out.write("\n")
