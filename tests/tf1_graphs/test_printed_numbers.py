"""`printed_numbers`: the numbers two printouts hold, in order, and where they first part."""
import re

import pytest

from tf1_graphs.printed_numbers import first_difference, lines_with_other_words, printed_numbers


def texts(printout, ignore=None):
    return [number.text for number in printed_numbers(printout, ignore)]


@pytest.mark.parametrize("line, expected", [
    ("Step 10, Minibatch Loss= 2.1353, Training Accuracy= 0.234", ["10", "2.1353", "0.234"]),
    ("[[-1.4095545  0.5]\n [ .25 +3.]]", ["-1.4095545", "0.5", ".25", "+3."]),
    ("loss 1e-05 then 2.5E+3, nan, -inf, NaN", ["1e-05", "2.5E+3", "nan", "-inf", "NaN"]),
    ("x=-1 a-2 1-2", ["-1", "2", "1", "2"]),  # a hyphen after a word or a number is not a sign
    ('Tensor("rnn/Exit_2:0", shape=(?, 28), dtype=float32)', ["0", "28"]),
])
def test_numbers_are_taken_in_order_as_printed(line, expected):
    assert texts(line) == expected


def test_digits_glued_to_a_name_are_not_numbers():
    assert texts("tf1_plots/figure-001.png v1.15 t10k-images-idx3 info nano inference") == ["001"]


def test_each_number_knows_its_line_and_column():
    [first, second] = printed_numbers("no numbers\n  loss 0.5\nstep 3")
    assert (first.text, first.line, first.column) == ("0.5", 2, 7)
    assert (second.line, second.column) == (3, 5)


def test_ignored_text_is_blanked_out_keeping_lines_and_columns():
    numbers = printed_numbers("step 1\nTime: 3.21 s\nstep 2 loss 0.5, time/batch = 0.031",
                              re.compile(r"^Time.*|time/batch = \S+"))
    assert [(n.text, n.line, n.column) for n in numbers] == [("1", 1, 5), ("2", 3, 5), ("0.5", 3, 12)]
    assert len(printed_numbers("Time: 3.21 s", re.compile("^Time"))) == 1  # the twin: only the match goes


def test_the_same_numbers_in_other_words_agree():
    ours, theirs = "shape=(None, 28) loss 0.5", "shape=(?, 28) loss 0.5"
    assert first_difference(printed_numbers(ours), printed_numbers(theirs)) is None
    assert lines_with_other_words(ours, theirs) == [1]
    assert lines_with_other_words(ours, ours) == []  # the twin: the same line is not reported


def test_the_first_differing_number_is_found():
    index, ours, theirs = first_difference(printed_numbers("a 1 2 3\nb 4"), printed_numbers("a 1 2 3\nb 5"))
    assert (index, ours.text, theirs.text, ours.line) == (3, "4", "5", 2)


@pytest.mark.parametrize("ours, theirs", [("0.1", "0.10"), ("-0.0", "0.0"), ("1e-05", "1e-5"), ("nan", "NaN")])
def test_numbers_compare_by_their_printed_text(ours, theirs):
    assert first_difference(printed_numbers(ours), printed_numbers(theirs)) is not None
    assert first_difference(printed_numbers(ours), printed_numbers(ours)) is None  # the twin


def test_a_missing_number_is_a_difference_on_either_side():
    short, long = printed_numbers("1 2"), printed_numbers("1 2 3")
    index, ours, theirs = first_difference(short, long)
    assert (index, ours, theirs.text) == (2, None, "3")
    index, ours, theirs = first_difference(long, short)
    assert (index, ours.text, theirs) == (2, "3", None)
