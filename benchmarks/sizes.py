"""The sizes the benchmarks train at, kept apart from TensorFlow so any process can read them."""


class SineSizes:
    """Document 002: 100 samples of sin, 5 units, batch 1 (float32: the fused kernels have no float64)."""
    n_samples, units, batch = 100, 5, 1


class ShakespeareSizes:
    """Document 001's hyperparameters and the recorded run's vocabulary size."""
    vocab, units, batch, seq_len, clip = 8009, 128, 100, 50, 4.5
