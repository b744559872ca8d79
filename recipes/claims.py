"""Claims as data: what a post says, how we check it on our own run, and the verdict.

A recipe builds one `Claim` per statement it checks; the report prints them and the
tests assert on the same objects, so both always judge by the same rule.  The helpers
below state their tolerance in the claim itself, so a reader sees "max |diff| 3e-8 <= 1e-6"
and not just "PASS".
"""
from dataclasses import asdict, dataclass

import numpy as np


@dataclass
class Claim:
    id: str          # short, stable: "a0-model-step-keeps-state"
    source: str      # the document and answer it comes from: "000, answer 0"
    statement: str   # the claim in the post's own sense
    method: str      # how our run checks it
    expected: str
    observed: str
    passed: bool
    quote: dict = None  # the post's words it tests: {"text": as posted, "english": a rendering}
    ours: str = None    # or, for a claim the post does not make, why it is ours

    @property
    def verdict(self):
        return "PASS" if self.passed else "FAIL"

    def to_dict(self):
        return dict(asdict(self), verdict=self.verdict)

    @classmethod
    def from_dict(cls, data):
        return cls(**{k: v for k, v in data.items() if k != "verdict"})


def with_post_words(claim, words):
    """`claim` with its quote or "ours" reason from a document's post_words module (None: no document)."""
    if words is not None:
        if claim.id in words.QUOTES:
            text, english = words.QUOTES[claim.id]
            claim.quote = {"text": text, "english": english}
        claim.ours = words.OURS.get(claim.id)
    return claim


def max_abs_diff(actual, desired):
    """The largest element-wise |actual - desired|, in float64; arrays of different shapes are an error."""
    actual, desired = np.asarray(actual, np.float64), np.asarray(desired, np.float64)
    if actual.shape != desired.shape:
        raise ValueError(f"shapes differ: {actual.shape} vs {desired.shape}")
    return float(np.max(np.abs(actual - desired))) if actual.size else 0.0


def describe_error(error):
    """'ValueError: its first line', how a claim reports an error it expected."""
    return f"{type(error).__name__}: {str(error).splitlines()[0]}"


def check_close(id, source, statement, actual, desired, atol, method="max |actual - expected| over every element"):
    """PASS when every element agrees within `atol` (absolute); reports the worst difference."""
    diff = max_abs_diff(actual, desired)
    return Claim(id, source, statement, method, expected=f"max |diff| <= {atol:g}",
                 observed=f"max |diff| = {diff:.3g}", passed=bool(diff <= atol))


def check_bit_exact(id, source, statement, actual, desired, method="element-wise equality, no tolerance"):
    """PASS only when the arrays have the same shape and equal values, element by element.

    `np.array_equal`: no tolerance at all, but float32 1.5 equals float64 1.5 and -0.0 equals 0.0.
    """
    actual, desired = np.asarray(actual), np.asarray(desired)
    same = actual.shape == desired.shape and np.array_equal(actual, desired)
    observed = "identical" if same else (
        f"max |diff| = {max_abs_diff(actual, desired):.3g}" if actual.shape == desired.shape
        else f"shapes {actual.shape} vs {desired.shape}")
    return Claim(id, source, statement, method, expected="bit-identical", observed=observed, passed=same)


def check_that(id, source, statement, method, expected, observed, passed):
    """Any other claim: the caller states what it measured and decides the verdict."""
    return Claim(id, source, statement, method, str(expected), str(observed), bool(passed))
