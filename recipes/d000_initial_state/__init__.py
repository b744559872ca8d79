"""Document 000: a trainable initial state for an LSTM (Q&A, in Chinese)."""
