"""A module with a SyntaxError, imported by imports_broken_module.py."""


def mean(values:
    return sum(values) / len(values)
