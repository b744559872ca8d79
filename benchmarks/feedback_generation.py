"""How much faster is answer 3's in-graph generation than answer 1's feed_dict loop? (document 002)

    python benchmarks/feedback_generation.py OUT.json [--steps 1000] [--repeats 7] [--seed 0]

Both generate from the same graph and weights (answer 1's model, answer 3's self_feeding_rnn
built on it): answer 1 makes one `session.run` per generated step, answer 3 one for all of
them.  The weights are left untrained: the work per step does not depend on their values.
Prints the time per generated step (median, min and max over the repeats, after one
warm-up run each) and writes it as JSON to OUT.json.
"""
import argparse
import json
import os
import platform
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from anywhere

from recipes.__main__ import Parser  # noqa: E402  (one-line usage errors, as the CLI's)
from tf1_graphs import feedback as fb  # noqa: E402
from tf1_graphs import tf  # noqa: E402
from tf1_graphs.files import atomic_write_json  # noqa: E402


def at_least(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value
    return parse


def parse_args(argv):
    parser = Parser(prog="feedback_generation.py", description=__doc__.split("\n")[0])
    parser.add_argument("out", help="where to write the JSON results")
    parser.add_argument("--steps", type=at_least(2), default=1000, help="values generated per run (default 1000)")
    parser.add_argument("--repeats", type=at_least(1), default=7, help="timed runs of each (default 7)")
    parser.add_argument("--seed", type=at_least(0), default=0, help="graph seed (default 0)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    config = fb.QuickConfig
    data = fb.sine_data(config.n_samples)
    graph, answers = fb.build_graph(args.seed, fb.build_answers, config, data)
    with tf.Session(graph=graph) as session:
        session.run(answers.init)
        summary = fb.time_generation(session, answers, data.sine[:, :1], args.steps, args.repeats)
    summary.update(seed=args.seed, tensorflow=tf.__version__, python=platform.python_version(),
                   machine=platform.machine(), cpu_count=os.cpu_count())
    print(fb.describe_timing(summary))
    print(json.dumps(summary, indent=2))
    atomic_write_json(args.out, summary)
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
