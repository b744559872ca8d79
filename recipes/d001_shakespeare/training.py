"""Document 001's training loop, checkpoints and resuming, and the sampler that reads a checkpoint back.

Training carries the LSTM state from batch to batch through `feed_dict`, zeroing it at
each epoch; `sample()` does the same one word at a time.  Everything a resumed run needs to
continue bit for bit (weights and Adam slots, the carried state, the shuffle order and RNG,
the iteration, the losses) goes to disk with each checkpoint.
"""
import glob
import os
import pickle
import random
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace

from recipes import UserError
from recipes.d001_shakespeare.data import encode_prime, targets_for, validate_primes, vocab_size
from recipes.d001_shakespeare.post import PRIME_TEXTS, build_models
from recipes.files import atomic_write
from recipes.tftools import new_session
from tf1_graphs import tf

CHECKPOINT_PREFIX = "model"
VOCAB_FILE = "vocab.pkl"


@dataclass
class Progress:
    """Where the loop stands; saved with every checkpoint so that a resumed run continues bit for bit."""
    iteration: int                 # the next iteration's number (the original's iteration_count, from 1)
    epoch: int = 0                 # the current epoch, from 0
    batch_index: int = 0           # position in this epoch's order of the next batch
    order: list = field(default_factory=list)    # this epoch's shuffled batch order
    rng_state: tuple = None        # the shuffle RNG after this epoch's shuffle
    lstm_state: tuple = None       # (c, h) carried into the next batch
    losses: list = field(default_factory=list)   # every iteration's loss
    samples: list = field(default_factory=list)  # (iteration, sampled sentence)

    @classmethod
    def fresh(cls, num_batches, seed):
        return cls(iteration=1, order=list(range(num_batches)), rng_state=random.Random(seed).getstate())

    @property
    def done(self):
        return self.iteration - 1


def checkpoint_state_path(checkpoint):
    return checkpoint + ".progress.pkl"


def save_checkpoint(sess, models, out_dir, progress, config, dataset, log):
    """Progress and vocabulary first, then the weights: the checkpoint index only ever names a complete set."""
    step = progress.done
    prefix = os.path.join(out_dir, CHECKPOINT_PREFIX)
    atomic_write(checkpoint_state_path(f"{prefix}-{step}"),
                 pickle.dumps({"progress": asdict(progress), "config": asdict(config),
                               "vocab2ix": dataset.vocab2ix}))
    atomic_write(os.path.join(out_dir, VOCAB_FILE), pickle.dumps([dataset.vocab2ix, dataset.ix2vocab]))
    models.saver.save(sess, prefix, global_step=step)
    remove_stale_progress(out_dir, models.saver.last_checkpoints)
    log(f"Model Saved To: {prefix}-{step}")


def remove_stale_progress(out_dir, kept_checkpoints):
    """The Saver deletes all but its last five checkpoints; their progress files go with them."""
    kept = {checkpoint_state_path(c) for c in kept_checkpoints}
    for path in glob.glob(os.path.join(out_dir, f"{CHECKPOINT_PREFIX}-*.progress.pkl")):
        if path not in kept:
            os.remove(path)


def remove_checkpoints(out_dir):
    """A fresh run starts without the previous run's checkpoints (else --resume could mix the two)."""
    paths = glob.glob(os.path.join(out_dir, f"{CHECKPOINT_PREFIX}-*")) + glob.glob(os.path.join(out_dir, "checkpoint"))
    for path in paths:
        os.remove(path)
    return len(paths)


def checkpoint_iteration(checkpoint):
    return int(checkpoint.rsplit("-", 1)[1])


def checkpoints_before(out_dir, iteration):
    """The checkpoints listed in out_dir that were saved before `iteration`, oldest first."""
    known = tf.train.get_checkpoint_state(out_dir)
    paths = list(known.all_model_checkpoint_paths) if known else []
    return [p for p in paths if checkpoint_iteration(p) < iteration]


def latest_checkpoint(out_dir):
    checkpoint = tf.train.latest_checkpoint(out_dir)
    if checkpoint is None:
        raise UserError(f"no checkpoint in {out_dir}: train first with `python -m recipes run shakespeare "
                        f"--out {os.path.dirname(out_dir.rstrip(os.sep)) or '.'}`")
    return checkpoint


def read_checkpoint_state(checkpoint):
    """The progress, config and vocabulary saved next to `checkpoint`; a clear error if missing or corrupt."""
    path = checkpoint_state_path(checkpoint)
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
        return Progress(**saved["progress"]), saved["config"], saved["vocab2ix"]
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError) as error:
        raise UserError(f"checkpoint {checkpoint} is incomplete or corrupt ({path}: {error!r}); "
                        "run again without --resume to start afresh") from None


def restore_weights(sess, saver, checkpoint):
    try:
        saver.restore(sess, checkpoint)
    except (tf.errors.OpError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UserError(f"cannot restore checkpoint {checkpoint}: {first_line}") from None


class Training:
    """Both models, a session and the loop's progress: the original's training script as an object."""

    def __init__(self, config, dataset, seed, out_dir, log, prime_texts=PRIME_TEXTS, resume_from=None):
        validate_primes(prime_texts, dataset.vocab2ix)  # before anything is trained or written
        self.config, self.dataset, self.out_dir, self.log = config, dataset, out_dir, log
        self.prime_texts = tuple(prime_texts)
        self.models = build_models(config, dataset.vocab_size, seed)
        self.sess = new_session(self.models.graph)
        if resume_from is None:
            self.progress = Progress.fresh(len(dataset.batches), seed)
            self.sess.run(self.models.init)
        else:
            self.progress = self._restore(resume_from)
        self.saved_at = self.progress.done if resume_from else None

    def _restore(self, checkpoint):
        progress, saved_config, saved_vocab = read_checkpoint_state(checkpoint)
        current = asdict(self.config)
        if saved_config != current:
            changed = sorted(k for k in set(saved_config) | set(current) if saved_config.get(k) != current.get(k))
            raise UserError(f"checkpoint {checkpoint} was trained with other settings ({', '.join(changed)}); "
                            "resume with the same mode (--quick/--full) or run without --resume")
        if saved_vocab != self.dataset.vocab2ix:
            raise UserError(f"checkpoint {checkpoint} was trained on another corpus (its vocabulary differs); "
                            "resume with the same --corpus or run without --resume")
        restore_weights(self.sess, self.models.saver, checkpoint)
        known = tf.train.get_checkpoint_state(self.out_dir)
        if known is not None:  # so the Saver keeps counting to five across the interruption
            self.models.saver.recover_last_checkpoints(list(known.all_model_checkpoint_paths))
        self.log(f"resumed from {checkpoint} after iteration {progress.done}")
        return progress

    def run(self):
        """The original's loop: shuffle, zero the state, carry it batch to batch; print, sample, save."""
        config, progress, model = self.config, self.progress, self.models.train
        batches = self.dataset.batches
        rng = random.Random()
        rng.setstate(progress.rng_state)
        while progress.epoch < config.epochs:
            if progress.batch_index == 0:
                rng.shuffle(progress.order)
                progress.rng_state = rng.getstate()
                progress.lstm_state = tuple(self.sess.run(model.initial_state))
                self.log(f"Starting Epoch #{progress.epoch + 1} of {config.epochs}.")
            c, h = model.initial_state
            for ix in range(progress.batch_index, len(batches)):
                batch = batches[progress.order[ix]]
                feed = {model.x_data: batch, model.y_output: targets_for(batch),
                        c: progress.lstm_state[0], h: progress.lstm_state[1]}
                loss, state, _ = self.sess.run([model.cost, model.final_state, model.train_op], feed)
                progress.losses.append(float(loss))
                progress.lstm_state = tuple(state)
                progress.batch_index = ix + 1
                self._report(ix, loss)
                progress.iteration += 1
                if progress.done % config.save_every == 0:
                    self.save()
            progress.epoch += 1
            progress.batch_index = 0
        if self.saved_at != progress.done:  # also after the last iteration, so the final weights can be sampled
            self.save()
        return progress

    def save(self):
        save_checkpoint(self.sess, self.models, self.out_dir, self.progress, self.config, self.dataset, self.log)
        self.saved_at = self.progress.done

    def _report(self, ix, loss):
        """The original's progress line every print_every iterations and samples every eval_every."""
        iteration, config = self.progress.iteration, self.config
        if iteration % config.print_every == 0:
            # the original's denominator is num_batches + 1
            self.log(f"Iteration: {iteration}, Epoch: {self.progress.epoch + 1}, "
                     f"Batch: {ix + 1} out of {len(self.dataset.batches) + 1}, Loss: {loss:.2f}")
        if iteration % config.eval_every == 0:
            for prime in self.prime_texts:
                sentence = self.sample(prime)
                self.progress.samples.append((iteration, sentence))
                self.log(sentence)

    def sample(self, prime_text, num=None):
        return self.models.infer.sample(self.sess, self.dataset.ix2vocab, self.dataset.vocab2ix,
                                        num=num or self.config.sample_words, prime_text=prime_text)

    def weights(self):
        """Every global variable (weights, Adam slots, beta powers) by name."""
        variables = self.models.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)
        return dict(zip((v.op.name for v in variables), self.sess.run(variables)))

    def close(self):
        self.sess.close()


def load_vocab(out_dir):
    path = os.path.join(out_dir, VOCAB_FILE)
    try:
        with open(path, "rb") as f:
            vocab2ix, ix2vocab = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as error:
        raise UserError(f"cannot read the vocabulary {path}: {error!r}; train again to rewrite it") from None
    return ix2vocab, vocab2ix


class CheckpointSampler:
    """A new graph holding the model pair, its weights read back from the latest checkpoint.

    This is what `python -m recipes sample shakespeare` runs.  With `unrolled_steps`, a
    many-step twin (under reuse) lets rnn_decoder call the loop function, for the check.
    """

    def __init__(self, out_dir, seed=0, unrolled_steps=0):
        self.checkpoint = latest_checkpoint(out_dir)
        progress, saved_config, saved_vocab = read_checkpoint_state(self.checkpoint)
        self.ix2vocab, self.vocab2ix = load_vocab(out_dir)
        if saved_vocab != self.vocab2ix:
            raise UserError(f"{os.path.join(out_dir, VOCAB_FILE)} does not belong to {self.checkpoint}; "
                            "train again to rewrite both")
        self.iteration = progress.done
        self.config = SimpleNamespace(**saved_config)  # the settings the checkpoint was trained with
        models = build_models(self.config, vocab_size(self.ix2vocab), seed, unrolled_steps)
        self.infer, self.unrolled = models.infer, models.unrolled
        with models.graph.as_default():
            saver = tf.train.Saver(tf.trainable_variables())  # the weights; the sampler needs no Adam slots
        self.sess = new_session(models.graph)
        self.sess.run(models.init)
        restore_weights(self.sess, saver, self.checkpoint)

    def sample(self, prime_text, num=None):
        return self.infer.sample(self.sess, self.ix2vocab, self.vocab2ix,
                                 num=num or self.config.sample_words, prime_text=prime_text)

    def sample_in_graph(self, prime_text):
        """The same greedy words from one sess.run of the many-step model, primed like sample()."""
        start = self.infer.primed_state(self.sess, encode_prime(prime_text, self.vocab2ix))
        return self.unrolled.sample_in_graph(self.sess, self.ix2vocab, self.vocab2ix, start, prime_text)

    def close(self):
        self.sess.close()
