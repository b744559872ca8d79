"""The choice every recipe offers with `--cell`: the posts' BasicLSTMCell or the fused kernel.

`block` is contrib's LSTMBlockCell given BasicLSTMCell's scope name, so it creates the
very same variables (`.../basic_lstm_cell/kernel` and `/bias`, same shapes and layout):
a recipe's claims about variable names hold for both, and checkpoints load either way.
"""
CELL_KINDS = ("basic", "block")


def lstm_cell(kind, num_units, forget_bias=1.0):
    """A new LSTM cell of the chosen kind, with the posts' variable names."""
    from tf1_graphs.contrib import rnn  # here, so that the CLI can offer CELL_KINDS without TensorFlow

    if kind == "basic":
        return rnn.BasicLSTMCell(num_units, forget_bias=forget_bias)
    if kind == "block":
        return rnn.LSTMBlockCell(num_units, forget_bias=forget_bias, name="basic_lstm_cell")
    raise ValueError(f"unknown cell kind {kind!r}; expected one of {', '.join(CELL_KINDS)}")
