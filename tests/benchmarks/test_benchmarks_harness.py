"""The benchmark tables: rates and times from the same samples, ratios against the baseline."""
import pytest

from benchmarks import harness
from benchmarks.__main__ import main
from recipes.timing import summary, time_side_by_side


def test_rows_turn_seconds_into_rates_and_times():
    slow, fast = summary([2.0, 1.0, 3.0]), summary([0.5, 0.25, 1.0])
    base = harness.row("b", "slow", slow, per=100, unit="tokens/s")
    quick = harness.row("b", "fast", fast, per=100, unit="tokens/s", baseline=slow)
    assert (base["median"], base["low"], base["high"]) == (50.0, 100 / 3, 100.0)
    assert quick["ratio"] == 4.0
    per_step = harness.row("g", "loop", slow, per=1000, unit="us/step")
    assert (per_step["median"], per_step["low"], per_step["high"]) == (2000.0, 1000.0, 3000.0)
    table = harness.markdown([base, quick], harness.machine())
    assert "| b | fast | 200 tokens/s | 100-400 | 4.00x |" in table and "cores" in table


def test_side_by_side_times_every_variant_each_round():
    calls = []
    stats = time_side_by_side({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3)
    assert calls == ["a", "b"] + ["a", "b"] * 3  # one warm-up each, then interleaved rounds
    assert len(stats["a"]["samples"]) == 3 and stats["a"]["min"] <= stats["a"]["median"] <= stats["a"]["max"]


def test_nonsense_repeats_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--repeats", "0"])
    assert exit_info.value.code == 2 and "expected a whole number from 1 to 1000" in capsys.readouterr().err
