"""Run every recipe under TensorFlow 1.15.5 and record what each claim observed: recipes/tf115_observed.json.

Run with TF 1.15's Python from the repository root (`make goldens`).  The recipes run
unchanged, in quick mode with seed 0: the stand-in package in shim/ hands them TF 1.15 itself
as `tf1_graphs.tf`.  Their Keras 3 counterparts still run under TensorFlow 2.21
(RECIPES_KERAS3_PYTHON, default .venv/bin/python), given the weights TF 1.15 trained.  The
report then shows, claim by claim, what TF 1.15 observed beside what tf1_graphs observed.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIM = os.path.join(ROOT, "tests", "tf115", "shim")
GOLDEN = os.path.join(ROOT, "recipes", "tf115_observed.json")
RUN = {"mode": "quick", "seed": 0, "cell": "basic"}


def main():
    import tensorflow as tf
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([SHIM, ROOT]))
    environment.setdefault("RECIPES_KERAS3_PYTHON", os.path.join(ROOT, ".venv", "bin", "python"))
    recorded = {"tensorflow": tf.__version__, **RUN, "recipes": {}}
    with tempfile.TemporaryDirectory(prefix="recipes-tf115-") as out:
        # cwd outside the repository, so that the shim, not tf1_graphs, is the first on sys.path
        subprocess.run([sys.executable, "-m", "recipes", "all", "--quick", "--seed", str(RUN["seed"]),
                        "--out", out], cwd=out, env=environment, check=False)
        for name in sorted(os.listdir(out)):
            path = os.path.join(out, name, "claims.json")
            if os.path.isfile(path):
                with open(path, encoding="utf-8") as f:
                    result = json.load(f)
                recorded["recipes"][name] = {c["id"]: {"observed": c["observed"], "verdict": c["verdict"]}
                                             for c in result["claims"]}
    with open(GOLDEN, "w", encoding="utf-8") as f:
        json.dump(recorded, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    print(f"{GOLDEN}: {', '.join(recorded['recipes'])}")


if __name__ == "__main__":
    main()
