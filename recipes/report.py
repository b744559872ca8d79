"""REPORT.md: a paragraph per document, then every recipe's claims with verdicts beside the post's own
words, the original's recorded numbers beside ours, its deviations from the original, its plots.

Built only from the claims.json files the runs wrote, so `python -m recipes report`
can rebuild it from an output folder without running anything again.
"""
import json
import os

from recipes import UserError
from recipes.files import atomic_write

# What each claim observed when the recipes ran under TensorFlow 1.15.5 itself (tests/tf115/record_recipes.py)
TF115_OBSERVED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf115_observed.json")


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


# what render() reads from a claims.json, with the JSON type each must have
RESULT_FIELDS = {"document": str, "title": str, "source": str, "mode": str, "seed": int,
                 "deviations": list, "plots": list, "claims": list}
CLAIM_FIELDS = ("id", "source", "statement", "method", "expected", "observed", "passed", "verdict")


def layout_problem(result):
    """What keeps render() from reading `result` (a parsed claims.json), or None when nothing does."""
    if not isinstance(result, dict):
        return f"it holds a JSON {type(result).__name__}, not the object a run writes"
    wrong = [key for key, kind in RESULT_FIELDS.items() if not isinstance(result.get(key), kind)]
    if wrong:
        return f"missing or of the wrong type: {', '.join(wrong)}"
    for number, claim in enumerate(result["claims"], 1):
        if not isinstance(claim, dict) or any(key not in claim for key in CLAIM_FIELDS):
            return f"claim {number} lacks some of {', '.join(CLAIM_FIELDS)}"
    if any(not isinstance(p, dict) or not {"file", "caption"} <= set(p) for p in result["plots"]):
        return "a plot lacks its file or caption"
    if any(not isinstance(m, dict) or not {"label", "value"} <= set(m) for m in result.get("measurements") or []):
        return "a measurement lacks its label or value"
    return None


def read_result(path):
    """One claims.json, checked; a UserError naming the file and what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as f:
            result = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    problem = layout_problem(result)
    if problem:
        raise UserError(f"cannot report {path}: {problem}")
    return result


def load_results(out_dir, names, unreadable=None):
    """{name: claims.json contents} for each recipe that has a result in `out_dir`.

    A claims.json that cannot be read raises a UserError, or with `unreadable` (a dict) is
    recorded there by recipe name, so that the other recipes are still reported.
    """
    results = {}
    for name in names:
        path = os.path.join(out_dir, name, "claims.json")
        if not os.path.lexists(path):
            continue
        try:
            results[name] = read_result(path)
        except UserError as error:
            if unreadable is None:
                raise
            unreadable[name] = str(error)
    return results


def command_line(name, result):
    """The command that reproduces a result: mode, seed, cell and the recipe's own options."""
    words = ["python -m recipes run", name] + (["--full"] if result["mode"] == "full" else [])
    words += ["--seed", str(result["seed"])]
    if result.get("cell", "basic") != "basic":
        words += ["--cell", result["cell"]]
    for key, value in result.get("options", {}).items():
        flag = "--" + key.replace("_", "-")
        if value is True:
            words.append(flag)
            continue
        for item in value if isinstance(value, list) else [value]:  # a list: a repeated option
            words += [flag, f'"{item}"' if " " in str(item) else str(item)]
    return " ".join(words)


def passed_line(result):
    """'n of m claims passed (quick mode)': the live count a summary is followed by."""
    passed = sum(c["passed"] for c in result["claims"])
    return f"{passed} of {len(result['claims'])} claims passed ({result['mode']} mode)"


def summaries(results):
    """Per document, the post's summary paragraph and this run's count, for the top of the report."""
    lines = []
    for name, r in results.items():
        if r.get("summary"):
            lines += ["", f"**{r['document'][:3]}, `{name}`.** {r['summary']} *This run: {passed_line(r)}.*"]
    return ["", "## The documents in one paragraph each"] + lines if lines else []


def post_words(claim):
    """The report's cell for what a claim tests: the post's words with their English, or why it is ours."""
    if claim.get("quote"):
        return f"“{claim['quote']['text']}” *{claim['quote']['english']}*"
    return f"ours: {claim['ours']}" if claim.get("ours") else ""


def recorded_beside(result, beside):
    """Our value beside a recorded one: a claim's observation and verdict, or a measurement's value."""
    if beside.startswith("measurement: "):
        label = beside[len("measurement: "):]
        return next((m["value"] for m in result.get("measurements", []) if m["label"] == label),
                    f"not measured in {result['mode']} mode")
    claim = next((c for c in result["claims"] if c["id"] == beside), None)
    if claim is None:
        return f"`{beside}` is not checked in {result['mode']} mode"
    return f"{claim['observed']} (`{beside}`: **{claim['verdict']}**)"


def recorded_table(result):
    """What the original recorded, where, and ours beside it; in quick mode, why a row is not comparable."""
    if not result.get("recorded"):
        return []
    lines = ["", "What the original recorded, beside ours:", "",
             "| what | original | where | ours | comparable? |", "|---|---|---|---|---|"]
    for entry in result["recorded"]:
        comparable = "yes" if result["mode"] == "full" or entry["comparable_in_quick"] else \
            f"not in quick mode: {entry['why_not']}"
        lines.append("| " + " | ".join(_cell(text) for text in (
            entry["what"], entry["original"], entry["where"], recorded_beside(result, entry["beside"]),
            comparable)) + " |")
    return lines


def _verdicts(ids, claims, longest=60):
    """A side-by-side row's parity: each claim it names, its verdict and what was observed (cut to
    `longest` characters: the claim's own row above has it whole)."""
    by_id = {c["id"]: c for c in claims}
    found = [by_id[i] for i in ids if i in by_id]
    shown = [(c, c["observed"] if len(c["observed"]) <= longest else c["observed"][:longest] + "...") for c in found]
    return "; ".join(f"**{c['verdict']}** `{c['id']}`: {_cell(observed)}" for c, observed in shown) or "not checked"


def today_lines(result):
    """A document's post's way and today's way (TF 2.21 + Keras 3) side by side, with the parity's verdicts."""
    today = result.get("today")
    if not today:
        return []
    lines = ["", f"Today's TensorFlow, beside the post: {today['key_lines']}.", "",
             "| the post's way | today's way | parity |", "|---|---|---|"]
    return lines + [f"| {_cell(post)} | {_cell(now)} | {_verdicts(ids, result['claims'])} |"
                    for post, now, ids in today["side_by_side"]]


def mapping_lines(results):
    """The weight-mapping table, once after the documents: every run that wrote one wrote the same."""
    mapping = next((r["today"]["mapping"] for r in results.values() if r.get("today")), None)
    if not mapping:
        return []
    return (["", "## The weight mapping, TF 1.x -> Keras 3 (recipes/keras_weights.py)", "",
             "| TF 1.x | Keras 3 | how |", "|---|---|---|"]
            + ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in mapping])


def read_tf115_observed(path=TF115_OBSERVED):
    """The recorded TF 1.15.5 run ({} when there is none: the report then leaves the comparison out)."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def tf115_lines(name, result, tf115):
    """Each claim's observation here beside TF 1.15.5's, for a run of the settings TF 1.15 was run with."""
    recorded = tf115.get("recipes", {}).get(name)
    if recorded is None:
        return []
    settings = {key: tf115[key] for key in ("mode", "seed", "cell")}
    header = f"Under TensorFlow {tf115['tensorflow']}, the same recipe ({settings['mode']} mode, seed " \
             f"{settings['seed']}, cell {settings['cell']}; `tests/tf115/record_recipes.py`)"
    if {key: result.get(key, "basic") for key in settings} != settings:
        return ["", header + " was recorded; run those settings to see it beside this run."]
    lines = ["", header + ", beside this run:", "",
             f"| claim | here | TensorFlow {tf115['tensorflow']} | same? |", "|---|---|---|---|"]
    alike = 0
    for c in result["claims"]:
        there = recorded.get(c["id"])
        if there is None:
            cells = ("not checked there", "")
        else:
            same = there["observed"] == c["observed"] and there["verdict"] == c["verdict"]
            alike += same
            cells = (f"{there['observed']} (**{there['verdict']}**)", "yes" if same else "no")
        lines.append("| " + " | ".join(_cell(text) for text in (
            c["id"], f"{c['observed']} (**{c['verdict']}**)", *cells)) + " |")
    return lines + ["", f"{alike} of {len(result['claims'])} observations are the same text under both."]


def render(results, errors=None, tf115=None):
    """The report's Markdown; `errors` maps a recipe that crashed to its one-line error."""
    errors = errors or {}
    tf115 = read_tf115_observed() if tf115 is None else tf115
    lines = ["# Replication report", ""]
    lines += ["| document | recipe | mode | claims passed |", "|---|---|---|---|"]
    for name, r in results.items():
        passed = sum(c["passed"] for c in r["claims"])
        lines.append(f"| {r['document']} | `{name}` | {r['mode']} | {passed} / {len(r['claims'])} |")
    for name, message in errors.items():
        lines.append(f"| | `{name}` | | ERROR: {_cell(message)} |")
    lines += summaries(results)
    for name, r in results.items():
        lines += ["", f"## {r['title']}", "",
                  f"Document `{r['document']}`: {r['source']}.  Run: `{command_line(name, r)}`.", "",
                  "| claim | source | statement | the post's words | how checked | expected | observed | verdict |",
                  "|---|---|---|---|---|---|---|---|"]
        for c in r["claims"]:
            lines.append("| " + " | ".join(_cell(text) for text in (
                c["id"], c["source"], c["statement"], post_words(c), c["method"], c["expected"], c["observed"])) +
                f" | **{c['verdict']}** |")
        lines += recorded_table(r)
        lines += tf115_lines(name, r, tf115)
        if r.get("measurements"):
            lines += ["", "Measurements (reported, not pass/fail):", ""]
            lines += [f"- {m['label']}: {m['value']}" for m in r["measurements"]]
        lines += today_lines(r)
        if r["deviations"]:
            lines += ["", "Deviations from the original, and why:", ""]
            lines += [f"- {d}" for d in r["deviations"]]
        for plot in r["plots"]:
            lines += ["", f"![{plot['caption']}]({name}/{plot['file']})", "", f"*{plot['caption']}*"]
    lines += mapping_lines(results)
    return "\n".join(lines) + "\n"


def write_report(out_dir, names, errors=None):
    """Write OUT/REPORT.md; a recipe that errored is reported as such, not by an older result.

    Returns the report's path and {name: why its claims.json could not be read}; those
    recipes appear in the report as errors, the others as usual.
    """
    errors = errors or {}
    unreadable = {}
    results = load_results(out_dir, [n for n in names if n not in errors], unreadable)
    if not results and not errors and not unreadable:
        raise UserError(f"no results in {out_dir!r} to report: run `python -m recipes all --out {out_dir}` first")
    path = os.path.join(out_dir, "REPORT.md")
    atomic_write(path, render(results, {**errors, **unreadable}))
    return path, unreadable
