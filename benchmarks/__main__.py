"""`python -m benchmarks [--repeats N] [--out DIR] [--only SECTION ...]`: time, then write the tables.

Writes OUT/BENCH.md (the Markdown table the README quotes) and OUT/bench.json (every
sample).  Timings never decide a test; the parity of the fast paths is tested in tests/.
"""
import argparse
import dataclasses
import functools
import json
import os
import sys

import numpy as np

from benchmarks import first_step, harness
from benchmarks.models import (COOKBOOK_VOCAB, RNN_KINDS, SHAKESPEARE, SINE, shakespeare_step_flops,
                               shakespeare_training_step, sine_training_step)
from recipes.d001_shakespeare import post as shakespeare_post
from recipes.d002_feedback import claims as feedback_claims
from recipes.d002_feedback import post as feedback_post
from recipes.files import atomic_write, atomic_write_json
from recipes.modern_process import last_error_line, run_keras3_module
from recipes.run import at_least
from recipes.tftools import THREADS, new_session
from recipes.timing import summary, time_call, time_side_by_side
from tf1_graphs import tf

RNN_LABELS = {"dynamic_rnn": "dynamic_rnn(BasicLSTMCell) (posts)", "rnn_decoder": "rnn_decoder static unroll (cookbook)",
              "block": "dynamic_rnn(LSTMBlockCell)", "fused": "LSTMBlockFusedCell"}


def keras3(which, config, repeats):
    """Keras 3's seconds per step, from a process of its own (it needs v2 behaviour), at `config`'s sizes
    and with the suite's sessions' thread count, so that both sides get the same cores."""
    result = run_keras3_module("benchmarks.keras3_lstm", which, json.dumps(config), THREADS, repeats)
    if result.returncode != 0:
        raise RuntimeError(f"keras3 benchmark failed: {last_error_line(result)}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    return measured["keras"], summary(measured["samples"])


def training_rows(name, which, build, keras_config, tokens, repeats):
    """Tokens per second of one training step, for every RNN kind side by side, then Keras 3."""
    steps = {}
    for kind in RNN_KINDS:
        step = build(kind)
        steps[kind] = functools.partial(step.session.run, step.model.train_op, feed_dict=step.feed)
    stats = time_side_by_side(steps, repeats)
    base = stats["dynamic_rnn"]
    rows = [harness.row(name, RNN_LABELS[k], stats[k], tokens, "tokens/s", base) for k in RNN_KINDS]
    keras_version, keras_stats = keras3(which, keras_config, repeats)
    rows.append(harness.row(name, f"Keras {keras_version} LSTM, train_on_batch", keras_stats, tokens,
                            "tokens/s", base, note="own process, run after the others"))
    return rows, stats


def sine_generation_rows(repeats, steps=1000):
    """Answer 1's one-run-per-step loop against answer 3's while_loop, same weights and prime."""
    data = feedback_post.sine_data(SINE.n_samples)
    graph, answers = feedback_post.build(feedback_post.build_answers, SINE, data, 0)
    session = new_session(graph)
    session.run(answers.init)
    stats = feedback_claims.time_generation(session, answers, data.sine[:, :1], steps, repeats)
    name = "generation, sine (002)"
    return [harness.row(name, "feed_dict loop, one run per step (answer 1)", stats["feed_dict_loop"], steps, "us/step"),
            harness.row(name, "tf.while_loop, one run (answer 3)", stats["in_graph"], steps, "us/step",
                        baseline=stats["feed_dict_loop"])]


def shakespeare_generation_rows(repeats, steps=50):
    """sample()'s one-run-per-word loop against one run of the many-step loop-function model.

    The cookbook's sizes and vocabulary, untrained weights (the work per word does not
    depend on them); both generate `steps` greedy words from the same zero state.
    """
    models = shakespeare_post.build_models(SHAKESPEARE, COOKBOOK_VOCAB, 0, unrolled_steps=steps)
    infer, unrolled = models.infer, models.unrolled
    session = new_session(models.graph)
    session.run(models.init)
    start = infer.zero_state(session)
    first_words = np.zeros([1, steps], np.int32)
    first_words[0, 0] = 1

    def feed_dict_loop():
        word, state = 1, start
        for _ in range(steps):
            probabilities, state = infer.step(session, word, state)
            word = int(np.argmax(probabilities))

    def in_graph():
        session.run(unrolled.model_output, {unrolled.x_data: first_words, unrolled.initial_state: start})

    stats = time_side_by_side({"loop": feed_dict_loop, "in_graph": in_graph}, repeats)
    name = "generation, Shakespeare (001)"
    return [harness.row(name, "feed_dict loop, one run per word (sample())", stats["loop"], steps, "us/word"),
            harness.row(name, "rnn_decoder loop_function, one run", stats["in_graph"], steps, "us/word",
                        baseline=stats["loop"])]


def matmul_ceiling_rows(step_stats, repeats, config=SHAKESPEARE, vocab_size=COOKBOOK_VOCAB):
    """GFLOP/s of a plain matmul of the projection's shape, and the training step as a fraction of it."""
    tokens, units = config.batch_size * config.training_seq_len, config.rnn_size
    graph = tf.Graph()
    with graph.as_default():
        a = tf.Variable(tf.random_normal([tokens, units]))
        b = tf.Variable(tf.random_normal([units, vocab_size]))
        product = tf.reduce_sum(tf.matmul(a, b))
        session = new_session(graph)
        session.run(tf.global_variables_initializer())
    flops = 2 * tokens * units * vocab_size
    ceiling = time_call(lambda: session.run(product), repeats)
    rows = [harness.row("FLOP rate, Shakespeare step", f"plain matmul [{tokens},{units}]x[{units},{vocab_size}] (ceiling)",
                        ceiling, flops / 1e9, "GFLOP/s")]
    for kind, stats in step_stats.items():
        entry = harness.row("FLOP rate, Shakespeare step", RNN_LABELS[kind], stats,
                            shakespeare_step_flops(config, vocab_size) / 1e9, "GFLOP/s", note="")
        entry["note"] = f"{entry['median'] / rows[0]['median']:.0%} of the ceiling"
        rows.append(entry)
    return rows


def first_step_rows(repeats):
    stats = time_side_by_side(first_step.RECIPES, repeats)
    return [harness.row("build graph + first step", name, stats[name], 1, "ms", note="quick-mode sizes"
                        if name != "shakespeare" else "the cookbook's sizes") for name in first_step.RECIPES]


SECTIONS = ("generation", "training", "ceiling", "first-step")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=at_least(1, most=1000), default=7,
                        help="timed repeats per variant, 1 to 1000 (default 7)")
    parser.add_argument("--out", default=os.path.join("out", "bench"), help="output folder (default out/bench)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS)
    args = parser.parse_args(argv)
    rows = []
    if "generation" in args.only:
        rows += sine_generation_rows(args.repeats) + shakespeare_generation_rows(args.repeats)
    if "training" in args.only or "ceiling" in args.only:
        sine_rows, _ = training_rows("training, sine (002)", "sine", sine_training_step,
                                     dataclasses.asdict(SINE), SINE.n_samples, args.repeats)
        shakespeare_rows, step_stats = training_rows(
            "training, Shakespeare (001)", "shakespeare", shakespeare_training_step,
            dict(dataclasses.asdict(SHAKESPEARE), vocab_size=COOKBOOK_VOCAB),
            SHAKESPEARE.batch_size * SHAKESPEARE.training_seq_len, args.repeats)
        rows += sine_rows + shakespeare_rows
        if "ceiling" in args.only:
            rows += matmul_ceiling_rows(step_stats, args.repeats)
    if "first-step" in args.only:
        rows += first_step_rows(args.repeats)
    machine = harness.machine()
    table = harness.markdown(rows, machine)
    print(table)
    atomic_write(os.path.join(args.out, "BENCH.md"), "# Benchmarks\n\n" + table)
    atomic_write_json(os.path.join(args.out, "bench.json"), {"machine": machine, "rows": rows})
    print(f"written: {args.out}/BENCH.md, {args.out}/bench.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
