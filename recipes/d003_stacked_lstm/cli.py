"""Document 003 on the command line: its names and options, without TensorFlow (see recipes.__main__)."""
from recipes.run import at_least

NAME = "stacked_lstm"
DOCUMENT = "003_128ee8fee058467c.txt"
TITLE = "Stacked LSTMs: their trainable variables and the gate equations"
NUM_LAYERS = 3  # the asker's num_layers, in both modes


def add_arguments(parser):
    parser.add_argument("--gate-layer", type=at_least(0, most=NUM_LAYERS - 1), default=0, metavar="K",
                        help=f"which layer's gates to plot, 0 to {NUM_LAYERS - 1} (0 = the one reading x; default 0)")
