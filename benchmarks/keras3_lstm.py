"""The same models written as a user would today: Keras 3, `model.train_on_batch`.

Runs in its own process (`python -m benchmarks.keras3_lstm sine|shakespeare REPEATS`),
because Keras 3 needs TensorFlow's v2 behaviour, which tf1_graphs turns off for its
whole process; so it cannot import tf1_graphs (nor its timer) and times its steps itself.
Prints the seconds of each timed training step as JSON.
"""
import json
import os
import sys
import time

os.environ.pop("TF_USE_LEGACY_KERAS", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.sizes import ShakespeareSizes, SineSizes  # noqa: E402


def sine_model(sizes=SineSizes):
    wave = np.sin(np.linspace(0, 10, sizes.n_samples))[None, :, None].astype(np.float32)
    model = keras.Sequential([keras.Input((sizes.n_samples, 1)), keras.layers.LSTM(sizes.units, return_sequences=True),
                              keras.layers.Dense(1, activation="tanh")])
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    return model, wave, np.roll(wave, 1)


def shakespeare_model(sizes=ShakespeareSizes):
    model = keras.Sequential([keras.Input((sizes.seq_len,), dtype="int32"),
                              keras.layers.Embedding(sizes.vocab, sizes.units),
                              keras.layers.LSTM(sizes.units, return_sequences=True),
                              keras.layers.Dense(sizes.vocab)])
    model.compile(optimizer=keras.optimizers.Adam(0.001, global_clipnorm=sizes.clip),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    words = np.random.default_rng(0).integers(0, sizes.vocab, size=(sizes.batch, sizes.seq_len))
    return model, words, np.roll(words, -1, axis=1)


def main(which, repeats, warmup=2):
    keras.utils.set_random_seed(0)
    model, x, y = {"sine": sine_model, "shakespeare": shakespeare_model}[which]()
    seconds = []
    for step in range(warmup + repeats):  # the first calls trace and compile the train function
        start = time.perf_counter()
        model.train_on_batch(x, y)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"keras": keras.__version__, "samples": seconds[warmup:]}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
