"""Command line: `python -m recipes list | run NAME | all | report`, plus recipes' own verbs.

Bad input (an unknown recipe, a nonsense number, a missing file) ends in one line on
stderr and exit status 2; a failed claim makes the exit status 1.
"""
import argparse
import sys
import time
import traceback

from recipes import RECIPES, load
from tf1_graphs.cells import CELL_KINDS
from tf1_graphs.recipe import at_least

EXIT_CLAIM_FAILED = 1
EXIT_USAGE = 2
EXIT_RECIPE_ERROR = 3


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line, not the whole usage block."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def add_common(parser):
    parser.add_argument("--seed", type=at_least(0), default=0,
                        help="seed for Python, NumPy and the graphs (default 0): same seed, same numbers")
    parser.add_argument("--out", default="out", help="output folder (default ./out); each recipe writes OUT/NAME/")
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
    report = verbs.add_parser("report", help="rebuild OUT/REPORT.md from the results already in OUT")
    report.add_argument("--out", default="out")
    extra = {}
    for name, module in modules.items():
        for verb, (configure, handler) in getattr(module, "COMMANDS", {}).items():
            if verb not in extra:
                extra[verb] = verbs.add_parser(verb, help=f"{verb} (recipe-specific)").add_subparsers(
                    dest="name", required=True, metavar="NAME", parser_class=Parser)
            configure(extra[verb].add_parser(name))
            extra[verb].choices[name].set_defaults(handler=handler)
    return parser


def run_recipe(module, args, echo=True):
    """Run one recipe; returns its Run (claims and all)."""
    from tf1_graphs.recipe import Run

    options = {k: v for k, v in vars(args).items() if k not in ("verb", "name", "seed", "out", "full", "cell")}
    run = Run(module.NAME, args.out, seed=args.seed, full=args.full, cell=args.cell, options=options, echo=echo)
    try:
        run.log(f"== {module.TITLE} ({module.DOCUMENT}), {run.mode} mode, seed {run.seed}, cell {run.cell}, "
                f"started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        module.run(run)
        run.finish(module)
    finally:
        run.close()
    failed = [c.id for c in run.claims if not c.passed]
    run_summary = f"{len(run.claims) - len(failed)} of {len(run.claims)} claims passed"
    print(f"== {module.NAME}: {run_summary}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return run


def main(argv=None):
    modules = {name: load(name) for name in RECIPES}
    args = build_parser(modules).parse_args(argv)
    from tf1_graphs.recipe import UserError
    from tf1_graphs.report import write_report

    try:
        if args.verb == "list":
            for name, module in modules.items():
                print(f"{name:15s} {module.DOCUMENT}  {module.TITLE}")
            return 0
        if args.verb == "report":
            print(f"report: {write_report(args.out, RECIPES)}")
            return 0
        if args.verb == "run":
            run = run_recipe(modules[args.name], args)
            return 0 if run.all_passed else EXIT_CLAIM_FAILED
        if args.verb == "all":
            status, errors = 0, {}
            for name, module in modules.items():
                try:
                    if not run_recipe(module, args).all_passed:
                        status = status or EXIT_CLAIM_FAILED
                except UserError as error:  # e.g. no corpus: the others still run
                    errors[name] = str(error)
                    print(f"== {name}: error: {error}", file=sys.stderr)
                    status = EXIT_RECIPE_ERROR
                except Exception as error:  # one recipe's crash must not hide the others' results
                    errors[name] = f"{type(error).__name__}: {error}"
                    print(f"== {name}: ERROR {errors[name]}", file=sys.stderr)
                    traceback.print_exc()
                    status = EXIT_RECIPE_ERROR
            print(f"report: {write_report(args.out, RECIPES, errors)}")
            return status
        return args.handler(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; files already written are complete", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
