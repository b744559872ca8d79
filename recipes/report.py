"""REPORT.md: every recipe's claims with verdicts, its deviations from the original, its plots.

Built only from the claims.json files the runs wrote, so `python -m recipes report`
can rebuild it from an output folder without running anything again.
"""
import json
import os

from recipes import UserError
from recipes.files import atomic_write


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def load_results(out_dir, names):
    """{name: claims.json contents} for each recipe that has a result in `out_dir`."""
    results = {}
    for name in names:
        path = os.path.join(out_dir, name, "claims.json")
        if os.path.exists(path):
            with open(path) as f:
                results[name] = json.load(f)
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


def render(results, errors=None):
    """The report's Markdown; `errors` maps a recipe that crashed to its one-line error."""
    errors = errors or {}
    lines = ["# Replication report", ""]
    lines += ["| document | recipe | mode | claims passed |", "|---|---|---|---|"]
    for name, r in results.items():
        passed = sum(c["passed"] for c in r["claims"])
        lines.append(f"| {r['document']} | `{name}` | {r['mode']} | {passed} / {len(r['claims'])} |")
    for name, message in errors.items():
        lines.append(f"| | `{name}` | | ERROR: {_cell(message)} |")
    for name, r in results.items():
        lines += ["", f"## {r['title']}", "",
                  f"Document `{r['document']}`: {r['source']}.  Run: `{command_line(name, r)}`.", "",
                  "| claim | source | statement | how checked | expected | observed | verdict |",
                  "|---|---|---|---|---|---|---|"]
        for c in r["claims"]:
            lines.append("| " + " | ".join(_cell(c[k]) for k in (
                "id", "source", "statement", "method", "expected", "observed")) +
                f" | **{c['verdict']}** |")
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
    """Write OUT/REPORT.md; a recipe that errored is reported as such, not by an older result."""
    errors = errors or {}
    results = load_results(out_dir, [n for n in names if n not in errors])
    if not results and not errors:
        raise UserError(f"no results in {out_dir!r} to report: run `python -m recipes all --out {out_dir}` first")
    path = os.path.join(out_dir, "REPORT.md")
    atomic_write(path, render(results, errors))
    return path
