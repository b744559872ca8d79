"""The recipe runner: Run's files, claims as data, the report, and the command line's errors."""
import json
import types

import numpy as np
import pytest

from recipes import RECIPES
from recipes.__main__ import EXIT_USAGE, build_parser, run_recipe
from recipes.claims import Claim, check_bit_exact, check_close, check_that
from recipes.report import _cell, load_results, render
from recipes.run import Run, matplotlib_figure, post_words


def _fake_recipe(claims):
    def run(r):
        r.log("hello")
        for claim in claims:
            r.claim(claim)
        r.measure("steps per second", "12.5")
        fig, ax = matplotlib_figure()
        ax.plot([0, 1])
        r.save_plot(fig, "line.png", "a line")

    return types.SimpleNamespace(NAME="fake", DOCUMENT="999_fake.txt", TITLE="A fake recipe",
                                 SOURCE="999, answer 0", DEVIATIONS=["none really"], run=run)


def test_close_and_bit_exact_checks_state_their_tolerance():
    assert check_close("a", "s", "t", [1.0, 2.0], [1.0, 2.0 + 1e-7], atol=1e-6).passed
    failed = check_close("a", "s", "t", [1.0], [1.1], atol=1e-6)
    assert not failed.passed and failed.expected == "max |diff| <= 1e-06" and "0.1" in failed.observed
    assert check_bit_exact("b", "s", "t", np.float32([1, 2]), np.float32([1, 2])).observed == "identical"
    assert not check_bit_exact("b", "s", "t", np.float32([1, 2]), np.float32([1, 2.0000002])).passed
    assert not check_bit_exact("b", "s", "t", np.zeros(2), np.zeros(3)).passed


def test_run_writes_log_claims_plots_and_the_report(tmp_path, capsys):
    claims = [check_that("ok", "999, answer 0", "it works", "ran it", "yes", "yes", True),
              check_that("bad", "999, answer 1", "it fails", "ran it", "no", "yes", False)]
    module = _fake_recipe(claims)
    args = build_parser({"fake": module}).parse_args(["run", "fake", "--out", str(tmp_path), "--seed", "3"])
    run = run_recipe(module, args)
    assert not run.all_passed
    assert "1 of 2 claims passed; failed: bad" in capsys.readouterr().out
    saved = json.loads((tmp_path / "fake" / "claims.json").read_text())
    assert [Claim.from_dict(c) for c in saved["claims"]] == claims
    assert saved["seed"] == 3 and saved["mode"] == "quick" and saved["plots"][0]["file"] == "line.png"
    assert (tmp_path / "fake" / "line.png").read_bytes()[:4] == b"\x89PNG"
    assert "hello" in (tmp_path / "fake" / "log.txt").read_text()
    report = render(load_results(str(tmp_path), ["fake"]), errors={"other": "ValueError: boom"})
    assert "| 999_fake.txt | `fake` | quick | 1 / 2 |" in report
    assert "| bad | 999, answer 1 | it fails |  | ran it | no | yes | **FAIL** |" in report
    assert "- none really" in report and "![a line](fake/line.png)" in report
    assert "steps per second: 12.5" in report and "ERROR: ValueError: boom" in report


def test_write_graph_makes_a_tensorboard_event_file(tmp_path):
    from tf1_graphs import tf

    graph = tf.Graph()
    with graph.as_default():
        tf.constant(1.0, name="one")
    run = Run("fake", str(tmp_path), echo=False)
    run.write_graph(graph, "train")
    files = list((tmp_path / "fake" / "graphs" / "train").iterdir())
    assert len(files) == 1 and files[0].name.startswith("events.out.tfevents")


@pytest.mark.parametrize("argv,message", [
    (["run", "fake", "--seed", "-1"], "expected a whole number from 0 to 4294967295, got -1"),
    (["run", "fake", "--seed", "many"], "expected a whole number"),
    (["run", "nosuch"], "invalid choice: 'nosuch'"),
    (["run", "fake", "--quick", "--full"], "not allowed with argument"),
])
def test_nonsense_command_lines_end_in_one_line(argv, message, capsys):
    parser = build_parser({"fake": _fake_recipe([])})
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(argv)
    assert exit_info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_failed_rerun_keeps_the_earlier_log(tmp_path):
    module = _fake_recipe([])
    parser = build_parser({"fake": module})
    run_recipe(module, parser.parse_args(["run", "fake", "--out", str(tmp_path)]), echo=False)

    def broken(run):
        raise RuntimeError("boom")

    module.run = broken
    with pytest.raises(RuntimeError):
        run_recipe(module, parser.parse_args(["run", "fake", "--out", str(tmp_path)]), echo=False)
    log = (tmp_path / "fake" / "log.txt").read_text()
    assert log.count("== A fake recipe") == 2 and "hello" in log


def test_result_files_are_readable_by_others(tmp_path):
    from recipes.files import atomic_write

    atomic_write(tmp_path / "result.txt", "x")
    assert (tmp_path / "result.txt").stat().st_mode & 0o044 == 0o044


def test_the_report_names_the_command_that_reproduces_a_result():
    from recipes.report import command_line

    result = {"mode": "full", "seed": 3, "cell": "block",
              "options": {"resume": True, "prime": ["thou art", "to"], "corpus": "/c.txt"}}
    assert command_line("shakespeare", result) == (
        'python -m recipes run shakespeare --full --seed 3 --cell block --resume '
        '--prime "thou art" --prime to --corpus /c.txt')


def test_unwritable_output_and_empty_report_are_one_line_errors(tmp_path, capsys):
    from recipes.__main__ import main

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["run", "stacked_lstm", "--out", str(blocker)]) == EXIT_USAGE
    assert "cannot write the results under" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path / "empty")]) == EXIT_USAGE
    assert "no results" in capsys.readouterr().err


def test_a_seed_numpy_cannot_take_is_refused(capsys):
    parser = build_parser({"fake": _fake_recipe([])})
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "fake", "--seed", str(2**32)])
    assert "expected a whole number from 0 to 4294967295" in capsys.readouterr().err


def test_quick_mode_names_every_setting_it_shortens():
    from recipes.run import shortened

    class Quick:
        steps, units, name = 10, 5, "sine"

    class Full(Quick):
        steps = 1000

    assert shortened(Quick, Full) == "steps 10 (full: 1000)"
    assert shortened(Full, Full) == "nothing"


def _document_run(tmp_path, name, claims=()):
    """A quick run of document `name` with the given claims, finished into claims.json; the report's Markdown."""
    run = Run(name, str(tmp_path), echo=False)
    for claim in claims:
        run.claim(claim)
    run.finish(types.SimpleNamespace(DOCUMENT=f"{name}.txt", TITLE=name, SOURCE="a post", DEVIATIONS=[]))
    run.close()
    return run, render(load_results(str(tmp_path), [name]))


def test_a_claim_carries_its_quote_or_ours_reason_into_claims_json_and_the_report(tmp_path):
    quoted = check_that("question-init-stays-zero", "000, question", "stays zero", "ran it", "0", "0", True)
    ours = check_that("a2-init-stays-zero", "000, answer 2", "stays zero too", "ran it", "<", "<", True)
    run, report = _document_run(tmp_path, "initial_state", [quoted, ours])
    text, english = post_words("initial_state").QUOTES["question-init-stays-zero"]
    assert quoted.quote == {"text": text, "english": english} and quoted.ours is None
    assert ours.quote is None and ours.ours == post_words("initial_state").OURS["a2-init-stays-zero"]
    saved = json.loads((tmp_path / "initial_state" / "claims.json").read_text())
    assert [Claim.from_dict(c) for c in saved["claims"]] == [quoted, ours]
    assert f"| stays zero | \u201c{text}\u201d *{english}* |" in report
    assert f"| stays zero too | ours: {_cell(ours.ours)} |" in report


def missing_recorded(report, recorded, mode="quick"):
    """The recorded originals (and, in quick mode, the reasons they are not comparable) the report lacks."""
    wanted = [entry["original"] for entry in recorded]
    wanted += [entry["why_not"] for entry in recorded if mode == "quick" and not entry["comparable_in_quick"]]
    return [text for text in wanted if _cell(text) not in report]


@pytest.mark.parametrize("name", RECIPES)
def test_the_quick_report_shows_the_originals_numbers_and_the_summary(tmp_path, name):
    """With no claim at all (the --full ones are absent in quick mode) every recorded row still prints."""
    _, report = _document_run(tmp_path, name)
    words = post_words(name)
    assert missing_recorded(report, words.RECORDED) == []
    assert f"{words.SUMMARY} *This run: 0 of 0 claims passed (quick mode).*" in report
    assert "is not checked in quick mode" in report or all(
        entry["beside"].startswith("measurement: ") for entry in words.RECORDED)


def test_broken_twin_a_recorded_number_the_report_lacks_is_caught(tmp_path):
    _, report = _document_run(tmp_path, "shakespeare")
    recorded = post_words("shakespeare").RECORDED
    altered = [dict(recorded[0], original="9.98")] + recorded[1:]
    assert missing_recorded(report, altered) == ["9.98"]


def _one_claim_result(observed, **settings):
    claim = {"id": "c1", "source": "s", "statement": "st", "method": "m", "expected": "e",
             "observed": observed, "passed": True, "verdict": "PASS"}
    return {"document": "d", "title": "t", "source": "s", "mode": "quick", "seed": 0, "cell": "basic",
            "deviations": [], "plots": [], "claims": [claim], **settings}


TF115 = {"tensorflow": "1.15.5", "mode": "quick", "seed": 0, "cell": "basic",
         "recipes": {"r": {"c1": {"observed": "0.25", "verdict": "PASS"}}}}


def test_the_report_shows_tf115s_observation_beside_ours():
    from recipes.report import tf115_lines

    assert "| c1 | 0.25 (**PASS**) | 0.25 (**PASS**) | yes |" in tf115_lines("r", _one_claim_result("0.25"), TF115)
    assert tf115_lines("other", _one_claim_result("0.25"), TF115) == []


def test_broken_twin_another_observation_or_other_settings_are_not_called_the_same():
    from recipes.report import tf115_lines

    assert "| c1 | 0.26 (**PASS**) | 0.25 (**PASS**) | no |" in tf115_lines("r", _one_claim_result("0.26"), TF115)
    elsewhere = tf115_lines("r", _one_claim_result("0.25", seed=1), TF115)
    assert len(elsewhere) == 2 and "run those settings to see it" in elsewhere[1]
