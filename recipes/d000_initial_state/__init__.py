"""Document 000: a trainable initial state for an LSTM fed in chunks (post, claims, recipe)."""
