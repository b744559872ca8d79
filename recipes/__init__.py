"""The replication suite: one folder per document, in document order, and the machinery they share.

Each document's folder holds the post (`post.py`: what the post built, in its own names),
the claims (`claims.py`: measurements and the checks, each owning its claim id) and the
recipe (`recipe.py`: the configs, the run in the post's order, the plots, the deviations),
the post's own words behind each claim (`post_words.py`, data only) and today's way of
writing it (`modern.py`, Keras 3 in a process of its own, and `modern_parity.py`, its TF 1.x side).
A recipe module defines NAME, DOCUMENT, TITLE, SOURCE, DEVIATIONS and `run(run)`; it may
add `add_arguments(parser)` for its own options and COMMANDS for extra verbs (see __main__).
Those command-line names live in the folder's light `cli.py` (no TensorFlow), which the
recipe module re-exports, so that `--help`, `list` and `report` answer at once.

This module stays light (no TensorFlow): it only names the recipes.
"""
import importlib

FOLDERS = {"initial_state": "d000_initial_state", "shakespeare": "d001_shakespeare",
           "feedback": "d002_feedback", "stacked_lstm": "d003_stacked_lstm"}
RECIPES = tuple(FOLDERS)  # the command-line names, in document order


class UserError(Exception):
    """Bad input from the user: the runner prints the message as one line and exits non-zero."""


def load(name):
    """The recipe module of the command-line name `name` (imports TensorFlow)."""
    return importlib.import_module(f"recipes.{FOLDERS[name]}.recipe")


def load_cli(name):
    """The light command-line module of `name`: NAME, DOCUMENT, TITLE, add_arguments, COMMANDS."""
    return importlib.import_module(f"recipes.{FOLDERS[name]}.cli")
