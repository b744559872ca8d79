"""The same models written as a user would today: Keras 3, `model.train_on_batch`.

Runs in its own process (`python -m benchmarks.keras3_lstm sine|shakespeare CONFIG THREADS REPEATS`),
because Keras 3 needs TensorFlow's v2 behaviour, which tf1_graphs turns off for its
whole process; so it cannot import tf1_graphs (nor its timer, nor the recipes' configs)
and times its steps itself.  CONFIG is the document's config as JSON, its fields' names
(and `vocab_size` for Shakespeare); THREADS is the intra- and inter-op thread count the TF 1.x
side's sessions get (recipes.tftools), so the comparison is on the same cores.  Prints the
seconds of each timed training step as JSON.
"""
import json
import os
import sys
import time

os.environ.pop("TF_USE_LEGACY_KERAS", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def sine_model(config):
    """The asker's model: the zero input, target the wave one step back."""
    wave = np.sin(np.linspace(0, 10, config["n_samples"]))[None, :, None].astype(np.float32)
    model = keras.Sequential([keras.Input((config["n_samples"], 1)),
                              keras.layers.LSTM(config["state_size"], return_sequences=True),
                              keras.layers.Dense(1, activation="tanh")])
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse")
    return model, np.zeros_like(wave), np.roll(wave, 1)


def shakespeare_model(config):
    vocab, batch, steps = config["vocab_size"], config["batch_size"], config["training_seq_len"]
    model = keras.Sequential([keras.Input((steps,), dtype="int32"),
                              keras.layers.Embedding(vocab, config["embedding_size"]),
                              keras.layers.LSTM(config["rnn_size"], return_sequences=True),
                              keras.layers.Dense(vocab)])
    model.compile(optimizer=keras.optimizers.Adam(config["learning_rate"], global_clipnorm=config["max_grad_norm"]),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    words = np.random.default_rng(0).integers(0, vocab, size=(batch, steps))
    return model, words, np.roll(words, -1, axis=1)


def main(which, config, threads, repeats, warmup=2):
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    tf.config.threading.set_inter_op_parallelism_threads(threads)
    keras.utils.set_random_seed(0)
    model, x, y = {"sine": sine_model, "shakespeare": shakespeare_model}[which](config)
    seconds = []
    for step in range(warmup + repeats):  # the first calls trace and compile the train function
        start = time.perf_counter()
        model.train_on_batch(x, y)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"keras": keras.__version__, "samples": seconds[warmup:]}))


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
