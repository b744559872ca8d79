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
        if r["deviations"]:
            lines += ["", "Deviations from the original, and why:", ""]
            lines += [f"- {d}" for d in r["deviations"]]
        for plot in r["plots"]:
            lines += ["", f"![{plot['caption']}]({name}/{plot['file']})", "", f"*{plot['caption']}*"]
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
