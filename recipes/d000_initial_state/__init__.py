"""Document 000: a trainable initial state for an LSTM fed one long sequence in chunks."""
