"""A sequence model that asks for a contrib piece tf1_graphs does not have."""


def build_cell(units):
    from tensorflow.contrib.rnn import BasicLSTMCell, NoSuchCell  # the missing piece
    return NoSuchCell(BasicLSTMCell(units))
