"""Every claim quotes its post verbatim or says it is ours, and the quotes really are the post's.

The quotes live in `recipes/dNNN_*/post_words.py`; the posts in `../shared/seeds/` beside the
repository.  A quote counts as found when it occurs in its seed after both are whitespace-
normalised (every run of whitespace becomes one space), so line breaks and indentation in the
post do not matter, and nothing else is forgiven.  The claim ids are read from the code itself
(the first argument of every check_*/Claim call), so a new claim without a quote or an "ours"
reason fails here, and so does a quote for a claim the code no longer makes.  The checks that own
the ids live in `recipes/dNNN_*/claims.py`; some hand the id to a shared helper of their module.
"""
import ast
import importlib.util
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"

# folder under recipes/ -> (seed file, the recipe name every module of that document has in its path)
DOCUMENTS = {
    "d000_initial_state": ("000_00c5a7e54969fe2a.txt", "initial_state"),
    "d001_shakespeare": ("001_1479d1fa0be8bff9.txt", "shakespeare"),
    "d002_feedback": ("002_fe943fbcb8f810b3.txt", "feedback"),
    "d003_stacked_lstm": ("003_128ee8fee058467c.txt", "stacked_lstm"),
}
CLAIM_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)+")
RECORDED_KEYS = {"what", "original", "where", "beside", "comparable_in_quick", "why_not"}
MAX_QUOTE = 200  # characters: the smallest span that carries the claim, not a paragraph


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


def occurs(quote, text):
    return normalise(quote) in normalise(text)


def load_post_words(folder):
    """By file path: the data modules need neither the recipes package nor TensorFlow."""
    path = ROOT / "recipes" / folder / "post_words.py"
    spec = importlib.util.spec_from_file_location(f"post_words_{folder}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seed_text(folder):
    path = SEEDS / DOCUMENTS[folder][0]
    assert path.is_file(), f"the post is not at {path} (the seeds live in ../shared/seeds/ beside the repository)"
    return path.read_text(encoding="utf-8")


def claim_helpers(tree):
    """The module's own functions whose first parameter is `id`: _still_zero(id, source, ...) makes a claim."""
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and node.args.args and node.args.args[0].arg == "id"}


def makes_a_claim(call, helpers=()):
    """check_that(...), m.check_still_zero(...), _check_same(...), Claim(...), a helper taking an id first:
    not checkpoint_path(...)."""
    name = getattr(call.func, "id", None) or getattr(call.func, "attr", "")
    return name == "Claim" or name in helpers or re.match(r"_?check_", name) is not None


def id_argument(call):
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "id"), None)


def as_pattern(node):
    """A literal id as itself; an f-string id ("question-converges-{input_name}-input") as a regex."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and CLAIM_ID.fullmatch(node.value):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr) and any(isinstance(part, ast.Constant) and re.search("[a-z]", part.value)
                                               for part in node.values):
        return "".join(re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z0-9-]+"
                       for part in node.values)
    return None


def emitted_claim_ids():
    """{folder: set of id patterns} from every check_*(...) and Claim(...) call in the code."""
    found = {folder: set() for folder in DOCUMENTS}
    for path in sorted((ROOT / "tf1_graphs").rglob("*.py")) + sorted((ROOT / "recipes").rglob("*.py")):
        if path.name == "post_words.py":
            continue
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = claim_helpers(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and makes_a_claim(node, helpers)):
                continue
            pattern = as_pattern(id_argument(node))
            if pattern is None:
                continue
            owners = [folder for folder, (_, name) in DOCUMENTS.items() if name in relative]
            assert len(owners) == 1, f"claim id {pattern} in {relative}, which is no single document's module"
            found[owners[0]].add(pattern)
    return found


EMITTED = emitted_claim_ids()
WORDS = {folder: load_post_words(folder) for folder in DOCUMENTS}


def matches(patterns, claim_id):
    return any(re.fullmatch(pattern, claim_id) for pattern in patterns)


def marked(words):
    return set(words.QUOTES) | set(words.OURS)


def unmarked(patterns, marked_ids):
    """The code's claims that neither quote nor reason covers."""
    return sorted(pattern for pattern in patterns if not any(re.fullmatch(pattern, i) for i in marked_ids))


def unemitted(patterns, marked_ids):
    """Quoted or reasoned ids that no claim of the code matches."""
    return sorted(i for i in marked_ids if not matches(patterns, i))


def test_the_code_emits_claims_of_every_document():
    """Guards the scan itself: were the calls renamed, every test below would pass on nothing."""
    assert {folder: len(patterns) >= 9 for folder, patterns in EMITTED.items()} == dict.fromkeys(DOCUMENTS, True)


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_every_quote_occurs_verbatim_in_its_post(folder):
    text = seed_text(folder)
    missing = [claim_id for claim_id, (quote, _) in WORDS[folder].QUOTES.items() if not occurs(quote, text)]
    assert missing == []


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_broken_twin_an_altered_quote_is_not_found(folder):
    """The same search with one character of each quote changed must find none of them."""
    text = seed_text(folder)
    for quote, _ in WORDS[folder].QUOTES.values():
        middle = len(quote) // 2
        altered = quote[:middle] + chr(ord(quote[middle]) + 1) + quote[middle + 1:]
        assert not occurs(altered, text), altered


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_quotes_are_short_and_rendered_in_english(folder):
    for claim_id, (quote, english) in WORDS[folder].QUOTES.items():
        assert 0 < len(normalise(quote)) <= MAX_QUOTE, claim_id
        assert english.strip() and english.isascii(), claim_id


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_every_emitted_claim_is_quoted_or_ours_exactly_once(folder):
    words = WORDS[folder]
    assert set(words.QUOTES).isdisjoint(words.OURS)
    assert unmarked(EMITTED[folder], marked(words)) == []
    assert all(reason.strip() for reason in words.OURS.values())


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_no_quote_or_reason_for_a_claim_the_code_never_makes(folder):
    assert unemitted(EMITTED[folder], marked(WORDS[folder])) == []


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_broken_twin_a_dropped_or_invented_id_is_caught(folder):
    dropped = next(iter(WORDS[folder].OURS))
    assert unmarked(EMITTED[folder], marked(WORDS[folder]) - {dropped}) == [re.escape(dropped)]
    assert unemitted(EMITTED[folder], marked(WORDS[folder]) | {"not-a-claim-of-this-code"}) == [
        "not-a-claim-of-this-code"]


def test_no_claim_id_is_marked_in_two_documents():
    seen = [i for words in WORDS.values() for i in marked(words)]
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_recorded_numbers_say_where_they_come_from_and_what_they_stand_beside(folder):
    ids = marked(WORDS[folder])
    for entry in WORDS[folder].RECORDED:
        assert set(entry) == RECORDED_KEYS, entry
        assert all(entry[key] for key in ("what", "original", "where", "beside")), entry
        assert entry["beside"] in ids or entry["beside"].startswith("measurement: "), entry
        assert isinstance(entry["comparable_in_quick"], bool)
        assert (entry["why_not"] is None) == entry["comparable_in_quick"], entry


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_summary_is_one_paragraph(folder):
    summary = WORDS[folder].SUMMARY
    assert isinstance(summary, str) and summary.strip() and "\n" not in summary


@pytest.mark.parametrize("folder", DOCUMENTS)
def test_post_words_are_plain_data(folder):
    """No imports at all (so no TensorFlow): the report reads them cheaply."""
    tree = ast.parse((ROOT / "recipes" / folder / "post_words.py").read_text(encoding="utf-8"))
    assert [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))] == []
