"""Document 003: stacked LSTMs, their trainable variables and the gate equations (Q&A, in English)."""
