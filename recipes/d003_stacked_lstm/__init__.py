"""Document 003: stacked LSTMs, their trainable variables and gate equations."""
