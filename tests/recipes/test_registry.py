"""The registry: CLI names to document folders, and the light imports others build on.

`recipes` and each document package must import without TensorFlow, so that a module such
as a Keras 3 counterpart can live in a document's folder and run in a process of its own.
"""
import os
import subprocess
import sys

from recipes import FOLDERS, RECIPES, load

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PROBE = """
import sys
import {modules}
print(sorted(name for name in ('tensorflow', 'tf1_graphs') if name in sys.modules))
"""


def _heavy_modules_after_importing(modules):
    result = subprocess.run([sys.executable, "-c", PROBE.format(modules=", ".join(modules))], cwd=ROOT,
                            capture_output=True, text=True, check=True, env=dict(os.environ, PYTHONPATH=ROOT))
    return result.stdout.strip().splitlines()[-1]


def test_recipes_and_the_document_packages_import_without_tensorflow():
    packages = ["recipes"] + [f"recipes.{folder}" for folder in FOLDERS.values()]
    assert _heavy_modules_after_importing(packages) == "[]"


def test_the_probe_sees_tensorflow_when_a_recipe_module_loads_it():
    """The broken twin: a recipe module does load TensorFlow, and the same probe says so."""
    assert _heavy_modules_after_importing(["recipes.d003_stacked_lstm.recipe"]) == "['tensorflow', 'tf1_graphs']"


def test_folders_sort_in_document_order_and_keep_the_cli_names():
    assert RECIPES == ("initial_state", "shakespeare", "feedback", "stacked_lstm")
    assert list(FOLDERS.values()) == sorted(FOLDERS.values())
    for name in RECIPES:
        module = load(name)
        assert module.NAME == name and module.__name__ == f"recipes.{FOLDERS[name]}.recipe"
        assert module.DOCUMENT.startswith(FOLDERS[name][1:4])
