"""Run with TF 1.15.5 from the repository root: writes tests/tf115/goldens/estimator.json, and
tests/tf115/goldens/estimator/ (the checkpoint TF 1.15's Estimator saved at the end of training)."""
import json
import os
import shutil
import sys
import tempfile

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import estimator_program  # noqa: E402

workdir = tempfile.mkdtemp()
try:
    golden = dict(estimator_program.run(tf, workdir), tensorflow=tf.__version__)
    checkpoints = os.path.join(HERE, "goldens", "estimator")
    shutil.rmtree(checkpoints, ignore_errors=True)
    os.makedirs(checkpoints)
    for suffix in (".index", ".data-00000-of-00001"):
        name = golden["latest_checkpoint"] + suffix
        shutil.copy(os.path.join(workdir, "model", name), os.path.join(checkpoints, name))
finally:
    shutil.rmtree(workdir)
with open(os.path.join(HERE, "goldens", "estimator.json"), "w") as out:
    json.dump(golden, out, indent=1, sort_keys=True)
    out.write("\n")
