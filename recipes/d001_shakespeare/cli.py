"""Document 001 on the command line: its names, options and `sample` verb, without TensorFlow.

The `sample` verb's work (a checkpoint, a graph, a session) is imported when it runs.
"""
import argparse
import os

from recipes.run import at_least

NAME = "shakespeare"
DOCUMENT = "001_1479d1fa0be8bff9.txt"
TITLE = "The cookbook's Shakespeare LSTM: training and inference models sharing variables"
PRIME_TEXTS = ("thou art more", "to be or not to", "wherefore art thou")  # the cookbook's
MOST_SAMPLE_WORDS = 1000


def prime_text(text):
    if not text.split():
        raise argparse.ArgumentTypeError("a prime text needs at least one word")
    return text


def add_prime_option(parser):
    parser.add_argument("--prime", action="append", type=prime_text, metavar="TEXT",
                        help="a prime text, lowercase words of the vocabulary; repeat for several "
                             f"(default: {', '.join(map(repr, PRIME_TEXTS))})")


def add_arguments(parser):
    parser.add_argument("--corpus", metavar="PATH",
                        help="a plain-text (UTF-8) corpus to train on (default: the Shakespeare texts, cached in "
                             "~/.cache/tf1_graphs/ after the first download)")
    parser.add_argument("--resume", action="store_true",
                        help="continue from the latest checkpoint in OUT/shakespeare/ (same mode, corpus, cell "
                             "and seed; default: off, a fresh run)")
    parser.add_argument("--overwrite", action="store_true",
                        help="start afresh in a folder that holds an earlier run's checkpoints, deleting them "
                             "(without --overwrite or --resume such a folder is refused, and nothing is lost)")
    add_prime_option(parser)


def configure_sample(parser):
    parser.add_argument("--out", default="out", help="the output folder the training run wrote (default ./out)")
    add_prime_option(parser)
    parser.add_argument("--num", type=at_least(1, most=MOST_SAMPLE_WORDS), default=None, metavar="WORDS",
                        help=f"at most this many words after each prime, 1 to {MOST_SAMPLE_WORDS} "
                             "(default: the checkpoint's sample_words, 10 as the original)")


def sample_command(args):
    """`python -m recipes sample shakespeare`: greedy samples from the latest checkpoint, in a new process."""
    from recipes.d001_shakespeare import data, training

    primes = args.prime or PRIME_TEXTS
    sampler = training.CheckpointSampler(os.path.join(args.out, NAME))
    data.validate_primes(primes, sampler.vocab2ix)
    print(f"{sampler.checkpoint} (iteration {sampler.iteration})")
    for prime in primes:
        print(sampler.sample(prime, args.num))
    sampler.close()
    return 0


COMMANDS = {"sample": (configure_sample, sample_command)}
