"""Document 000 on the command line: its names and options, without TensorFlow (see recipes.__main__)."""
from recipes.run import at_least

NAME = "initial_state"
DOCUMENT = "000_00c5a7e54969fe2a.txt"
TITLE = "A trainable initial state for an LSTM fed one long sequence in chunks"
MOST_SEQUENCES = 100_000  # about 25 minutes a variant on one thread


def add_arguments(parser):
    parser.add_argument("--sequences", type=at_least(1, most=MOST_SEQUENCES), default=None, metavar="N",
                        help=f"training sequences per variant, 1 to {MOST_SEQUENCES:,} (default 1000; 3000 with "
                             "--full); progress is logged every 250 sequences (500 with --full)")
