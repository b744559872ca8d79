"""Document 001: the cookbook's Shakespeare word LSTM."""
