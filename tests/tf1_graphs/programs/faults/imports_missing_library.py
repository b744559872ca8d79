"""Imports a library that is not installed."""
import os  # noqa: F401

import nosuch_library_for_tf1_graphs  # noqa: F401
