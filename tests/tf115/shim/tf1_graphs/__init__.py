"""A stand-in `tf1_graphs` that hands the recipes TensorFlow 1.15 itself (tests/tf115/record_recipes.py).

The recipes import `tf`, `seed_everything`, `seeded_graph` and `reference` from tf1_graphs;
here `tf` is the real TF 1.15.5, and the project's own `seeding` (whose TF 1.15 op-seed rule
is not installed: TF 1.15 has it already) and NumPy `reference` modules are loaded from their
files, which import nothing of tf1_graphs.
"""
import importlib.util
import os
import sys

import tensorflow as tf

_PACKAGE = os.path.normpath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4, "tf1_graphs"))


def _project_module(name):
    spec = importlib.util.spec_from_file_location(f"tf1_graphs.{name}", os.path.join(_PACKAGE, f"{name}.py"))
    module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _project_module("reference")
seeding = _project_module("seeding")
seed_everything, seeded_graph = seeding.seed_everything, seeding.seeded_graph
