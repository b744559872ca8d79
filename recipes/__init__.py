"""The runnable recipes, one module per document, in document order.

Each module defines NAME, DOCUMENT, TITLE, SOURCE, DEVIATIONS and `run(run)`; it may add
`add_arguments(parser)` for its own options and COMMANDS for extra verbs (see __main__).
"""
import importlib

RECIPES = ("initial_state", "shakespeare", "feedback", "stacked_lstm")


def load(name):
    return importlib.import_module(f"recipes.{name}")
