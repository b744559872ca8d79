"""Imports a module of its own folder that has a SyntaxError."""
print("before the import")
import broken_helper  # noqa: E402,F401
