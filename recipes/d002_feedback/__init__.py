"""Document 002: feeding an RNN's output back as its input."""
