"""Document 001: the TensorFlow Machine Learning Cookbook's Shakespeare word LSTM (blog notes, in Chinese)."""
