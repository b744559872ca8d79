"""Small MNIST files in the standard IDX `.gz` format, written by the tests (no download)."""
import gzip
import struct

import numpy as np


def write_idx(path, magic, array):
    """An IDX file: big-endian magic and dimensions, then the uint8 payload."""
    with gzip.open(path, "wb") as stream:
        stream.write(struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape))
        stream.write(array.astype(np.uint8).tobytes())


def write_mnist(folder, train=12, test=3, rows=28, cols=28):
    """The four files TF 1.x's reader expects, with random pixels and labels; returns the arrays."""
    rng = np.random.default_rng(7)
    arrays = {
        "train-images-idx3-ubyte.gz": (2051, rng.integers(0, 256, (train, rows, cols))),
        "train-labels-idx1-ubyte.gz": (2049, rng.integers(0, 10, train)),
        "t10k-images-idx3-ubyte.gz": (2051, rng.integers(0, 256, (test, rows, cols))),
        "t10k-labels-idx1-ubyte.gz": (2049, rng.integers(0, 10, test)),
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, (magic, array) in arrays.items():
        write_idx(folder / name, magic, array)
    return {name: array.astype(np.uint8) for name, (_, array) in arrays.items()}
