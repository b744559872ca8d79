"""The numbers a program printed, in order, and the first one where two runs' printouts part.

`--against-tf115` judges two runs of one program by what they print, as a reader comparing
two terminals would: every number by its printed text (`0.1` and `0.10` differ, `-0.0` and
`0.0` differ), in order.  The words around the numbers are not part of the verdict, so TF 1.15's
`shape=(?, 28)` and TF 2's `shape=(None, 28)` agree; lines whose words differ are only
counted.  A number is a run of digits (with a sign, a decimal point, an exponent), `nan` or
`inf`, not glued to a name before it: `tf1_plots`, `v1.15`, `t10k`, `Exit_2` hold none.
Text that matches `ignore` (a timing, a date) is blanked out of every line on both sides first.
"""
import re
from dataclasses import dataclass

NUMBER = re.compile(r"(?<![\w.])[-+]?(?:(?:\d+(?:\.\d+|\.(?![a-z_]))?|\.\d+)(?:e[-+]?\d+)?|(?:nan|inf)(?!\w))",
                    re.IGNORECASE)  # a point ends a number unless a name follows it (figure-001.png)


@dataclass(frozen=True)
class Number:
    text: str  # as printed
    line: int  # 1-based, in the whole printout (ignored lines counted)
    column: int  # 0-based, where the number starts in its line


def _blanked(line, ignore):
    """`line` with the text `ignore` matches turned into spaces: its numbers go, the columns stay."""
    return ignore.sub(lambda match: " " * len(match.group()), line) if ignore else line


def printed_numbers(printout, ignore=None):
    """Every number in `printout`, in order, after blanking the text that `ignore` (a compiled regex) matches."""
    return [Number(match.group(), number, match.start())
            for number, line in enumerate(printout.splitlines(), 1)
            for match in NUMBER.finditer(_blanked(line, ignore))]


def words_of(line):
    """A line with its numbers taken out: what is left to compare when the numbers agree."""
    return NUMBER.sub("#", line)


def first_difference(ours, theirs):
    """(index, our Number or None, their Number or None) where the lists first differ, or None."""
    for index, (mine, other) in enumerate(zip(ours, theirs)):
        if mine.text != other.text:
            return index, mine, other
    if len(ours) == len(theirs):
        return None
    index = min(len(ours), len(theirs))
    return index, ours[index] if index < len(ours) else None, theirs[index] if index < len(theirs) else None


def lines_with_other_words(our_printout, their_printout, ignore=None):
    """Line numbers (1-based) where the two printouts' lines differ in their words, line by line."""
    pairs = zip(our_printout.splitlines(), their_printout.splitlines())
    return [number for number, (mine, other) in enumerate(pairs, 1)
            if words_of(_blanked(mine, ignore)).split() != words_of(_blanked(other, ignore)).split()]
