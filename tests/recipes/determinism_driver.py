"""Trains a small Shakespeare model in a process of its own and prints its losses, bit for bit.

`python determinism_driver.py OUT [initial_state]`: with `initial_state`, a few sequences of
document 000's question run first in the same process, as `python -m recipes all` does.
The model is large enough that TensorFlow would split its matrix products across threads
(128 units, batches of 20 x 25 words), and trains for a few iterations only.
"""
import dataclasses
import json
import random
import sys

from recipes.d001_shakespeare import data, recipe, training

LINES = ["to be or not to be that is the question", "thou art more lovely and more temperate",
         "wherefore art thou romeo", "the rest is silence", "now is the winter of our discontent"]
CONFIG = dataclasses.replace(recipe.TestConfig(), rnn_size=128, embedding_size=128, batch_size=20,
                             training_seq_len=25, epochs=1, save_every=1000, eval_every=1000, print_every=1000)


def initial_state_first(out):
    from recipes.d000_initial_state import post
    from recipes.d000_initial_state import recipe as initial_state
    from recipes.run import Run

    config = dataclasses.replace(initial_state.TestConfig(), train_sequences=2, eval_sequences=2)
    run = Run(initial_state.NAME, out, echo=False)
    _, train, held_out = post.make_task(config, 0)
    initial_state.question(run, config, train, held_out)
    run.close()


def shakespeare_losses(out):
    rng = random.Random(0)
    text = "".join(rng.choice(LINES) + " \n" for _ in range(300))
    dataset = data.prepare_data(data.Corpus(text, "generated"), CONFIG)
    trainer = training.Training(CONFIG, dataset, seed=0, out_dir=out, log=lambda *_: None)
    losses = trainer.run().losses
    trainer.close()
    return losses


if __name__ == "__main__":
    if sys.argv[2:] == ["initial_state"]:
        initial_state_first(sys.argv[1])
    print(json.dumps([loss.hex() for loss in shakespeare_losses(sys.argv[1])]))
