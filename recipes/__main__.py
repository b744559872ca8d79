"""Command line: `python -m recipes list | run NAME | all | report`, plus recipes' own verbs.

Bad input (an unknown recipe, a nonsense number, a missing file) and a disk that refuses a
write (full, read-only, a file where a folder should be) end in one line on stderr and exit
status 2; a failed claim makes the exit status 1.
"""
import argparse
import os
import sys
import time
import traceback

from recipes import RECIPES, UserError, load, load_cli
from recipes.cells import CELL_KINDS
from recipes.files import is_filesystem_error
from recipes.run import at_least

EXIT_CLAIM_FAILED = 1
EXIT_USAGE = 2
EXIT_RECIPE_ERROR = 3
EXIT_INTERRUPTED = 130
OVERWRITE_HELP = ("replace an earlier run's checkpoints in OUT/shakespeare; without it (and without --resume) "
                  "a folder holding them is refused, so that no training is lost by mistake")


def output_folder(text):
    """An argparse type: a folder name; the empty string (which would write into the current folder) is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder name, got an empty one")
    return text


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not the whole usage block."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def add_common(parser):
    parser.add_argument("--seed", type=at_least(0, most=2**32 - 1), default=0,
                        help="seed for Python, NumPy and the graphs, 0 to 4294967295 (default 0): same seed, same numbers")
    parser.add_argument("--out", type=output_folder, default="out",
                        help="output folder (default ./out); each recipe writes OUT/NAME/")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="full", action="store_false",
                      help="small, fast settings (the default); the recipe says what it shortened")
    mode.add_argument("--full", dest="full", action="store_true",
                      help="the documents' own hyperparameters (slow)")
    parser.set_defaults(full=False)
    parser.add_argument("--cell", choices=CELL_KINDS, default="basic",
                        help="LSTM implementation: basic = BasicLSTMCell, as the posts (default); "
                             "block = the fused LSTMBlockCell kernel on the same variables")


def build_parser(modules):
    parser = Parser(prog="python -m recipes", description=(
        "Run the replications of legacy TensorFlow 1 posts and check their claims. "
        "Each run writes OUT/NAME/{log.txt,claims.json,*.png,graphs/}; `all` also writes OUT/REPORT.md."))
    verbs = parser.add_subparsers(dest="verb", required=True, parser_class=Parser)
    verbs.add_parser("list", help="list the recipes and their documents")
    run = verbs.add_parser("run", help="run one recipe and check its claims")
    names = run.add_subparsers(dest="name", required=True, metavar="NAME", parser_class=Parser)
    for name, module in modules.items():
        sub = names.add_parser(name, help=module.TITLE, description=module.TITLE)
        add_common(sub)
        if hasattr(module, "add_arguments"):
            module.add_arguments(sub)
    everything = verbs.add_parser("all", help="run every recipe and write OUT/REPORT.md")
    add_common(everything)
    everything.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    report = verbs.add_parser("report", help="rebuild OUT/REPORT.md from the results already in OUT")
    report.add_argument("--out", type=output_folder, default="out",
                        help="the output folder the runs wrote (default ./out)")
    extra = {}
    for name, module in modules.items():
        for verb, (configure, handler) in getattr(module, "COMMANDS", {}).items():
            if verb not in extra:
                extra[verb] = verbs.add_parser(verb, help=f"a recipe's own verb ({verb} NAME --help)").add_subparsers(
                    dest="name", required=True, metavar="NAME", parser_class=Parser)
            configure(extra[verb].add_parser(name))
            extra[verb].choices[name].set_defaults(handler=handler)
    return parser


def run_recipe(module, args, echo=True):
    """Run one recipe; returns its Run (claims and all)."""
    from recipes.run import Run

    options = {k: v for k, v in vars(args).items() if k not in ("verb", "name", "seed", "out", "full", "cell")}
    try:
        run = Run(module.NAME, args.out, seed=args.seed, full=args.full, cell=args.cell, options=options, echo=echo)
    except OSError as error:
        raise UserError(f"cannot write the results under {error.filename or args.out}: {error.strerror}") from None
    try:
        run.log(f"== {module.TITLE} ({module.DOCUMENT}), {run.mode} mode, seed {run.seed}, cell {run.cell}, "
                f"started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        module.run(run)
        failed = [c.id for c in run.claims if not c.passed]
        run.log(f"== {module.NAME}: {len(run.claims) - len(failed)} of {len(run.claims)} claims passed"
                + (f"; failed: {', '.join(failed)}" if failed else ""))
        run.finish(module)
    finally:
        run.close()
    return run


def run_reporting_errors(name, args, errors):
    """Run recipe `name` for `run` or `all`; an error is recorded in `errors`, not raised. Returns the exit status."""
    try:
        return 0 if run_recipe(load(name), args).all_passed else EXIT_CLAIM_FAILED
    except UserError as error:  # e.g. no corpus: in `all`, the others still run
        return report_error(name, str(error), errors)
    except OSError as error:
        if not is_filesystem_error(error):
            raise
        return report_error(name, f"cannot write {error.filename or args.out}: {error.strerror}", errors)
    except Exception as error:  # a bug: show where, and keep the other recipes' results
        errors[name] = f"{type(error).__name__}: {error}"
        traceback.print_exc()
        print(f"== {name}: ERROR {errors[name]}", file=sys.stderr)
        return EXIT_RECIPE_ERROR


def report_error(name, message, errors):
    """A recipe stopped by bad input or a refusing disk: one line, kept for the report; exit status 2."""
    errors[name] = message
    print(f"error: {name}: {message}", file=sys.stderr)
    return EXIT_USAGE


def lock_output(out_dir):
    """The lock on OUT itself (an open file to close); a folder that cannot be made is one line."""
    from recipes.run import lock_folder

    try:
        os.makedirs(out_dir, exist_ok=True)
        return lock_folder(out_dir)
    except OSError as error:
        if not is_filesystem_error(error):
            raise
        raise UserError(f"cannot write {error.filename or out_dir}: {error.strerror}") from None


def run_all(args):
    """Every recipe whatever happens to the others, then the report; the worst exit status."""
    errors = {}
    statuses = [run_reporting_errors(name, args, errors) for name in RECIPES]
    try:
        statuses.append(report_verb(args.out, errors))
    except UserError as error:  # e.g. REPORT.md unwritable: the recipes' statuses are kept
        print(f"error: {error}", file=sys.stderr)
        statuses.append(EXIT_USAGE)
    return max(statuses)  # the worst: a crash (3), bad input (2), a failed claim (1)


def report_verb(out_dir, errors=None):
    """Write OUT/REPORT.md; each claims.json it cannot read is one line on stderr, and exit status 2."""
    from recipes.report import write_report

    path, unreadable = write_report(out_dir, RECIPES, errors)
    for message in unreadable.values():
        print(f"error: {message}", file=sys.stderr)
    print(f"report: {path}")
    return EXIT_USAGE if unreadable else 0


def main(argv=None):
    modules = {name: load_cli(name) for name in RECIPES}  # light: TensorFlow loads when a recipe runs
    args = build_parser(modules).parse_args(argv)
    try:
        if args.verb == "list":
            for name, module in modules.items():
                print(f"{name:15s} {module.DOCUMENT}  {module.TITLE}")
            return 0
        if args.verb == "report":
            return report_verb(args.out)
        if args.verb == "run":
            return run_reporting_errors(args.name, args, {})
        if args.verb == "all":
            with lock_output(args.out):  # one `all` per folder at a time; `run` locks OUT/NAME alone
                return run_all(args)
        return args.handler(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: this run's results are incomplete (no file is half-written; claims.json, if any, "
              "is an earlier run's); `run shakespeare --resume` continues from its latest checkpoint",
              file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
