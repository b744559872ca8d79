"""Run with TF 1.15.5 from the repository root: writes tests/tf115/goldens/ops115.json."""
import json
import os
import sys

import tensorflow as tf

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ops115_graphs  # noqa: E402

golden = {"tensorflow": tf.__version__, "graph_seed": 0,
          "graphs": {builder.__name__: ops115_graphs.record(tf, builder) for builder in ops115_graphs.BUILDERS}}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "goldens", "ops115.json"), "w") as out:
    json.dump(golden, out, indent=None, sort_keys=True)
    out.write("\n")
