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
from recipes.files import WriteError, atomic_write
from recipes.tftools import new_session
from tf1_graphs import tf

CHECKPOINT_PREFIX = "model"
INDEX_FILE = "checkpoint"  # the Saver's list of checkpoints, newest last
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


def saved_settings(config, seed):
    """The settings a checkpoint records and a resumed run must share: the config and the seed."""
    return dict(asdict(config), seed=seed)


def save_checkpoint(sess, models, out_dir, progress, settings, dataset, log):
    """Progress and vocabulary first, then the weights: the checkpoint index only ever names a complete set."""
    step = progress.done
    prefix = os.path.join(out_dir, CHECKPOINT_PREFIX)
    atomic_write(checkpoint_state_path(f"{prefix}-{step}"),
                 pickle.dumps({"progress": asdict(progress), "config": settings, "vocab2ix": dataset.vocab2ix}))
    atomic_write(os.path.join(out_dir, VOCAB_FILE), pickle.dumps([dataset.vocab2ix, dataset.ix2vocab]))
    try:
        models.saver.save(sess, prefix, global_step=step)
    except tf.errors.OpError as error:  # a full or read-only disk, as TensorFlow reports it
        raise WriteError(f"cannot save checkpoint {prefix}-{step}: {op_error_cause(error)}") from None
    remove_stale_progress(out_dir, models.saver.last_checkpoints)
    log(f"Model Saved To: {prefix}-{step}")


def remove_stale_progress(out_dir, kept_checkpoints):
    """The Saver deletes all but its last five checkpoints; their progress files go with them."""
    kept = {checkpoint_state_path(c) for c in kept_checkpoints}
    for path in glob.glob(os.path.join(out_dir, f"{CHECKPOINT_PREFIX}-*.progress.pkl")):
        if path not in kept:
            os.remove(path)


def checkpoint_files(out_dir):
    """Every file of the checkpoints in out_dir, and their index."""
    return glob.glob(os.path.join(glob.escape(out_dir), f"{CHECKPOINT_PREFIX}-*")) + \
        glob.glob(os.path.join(glob.escape(out_dir), INDEX_FILE))


def remove_checkpoints(out_dir):
    """A fresh run starts without the previous run's checkpoints (else --resume could mix the two)."""
    paths = checkpoint_files(out_dir)
    for path in paths:
        os.remove(path)
    return len(paths)


def checkpoint_iteration(checkpoint):
    return int(checkpoint.rsplit("-", 1)[1])


def missing_file(checkpoint):
    """The first of the checkpoint's index, weights and progress files that is not on disk; None if all are."""
    paths = (checkpoint + ".index", checkpoint + ".data-00000-of-00001", checkpoint_state_path(checkpoint))
    return next((path for path in paths if not os.path.exists(path)), None)


def is_intact(checkpoint):
    return missing_file(checkpoint) is None


def on_disk(out_dir):
    """The intact checkpoints in out_dir by their files, whatever the index says, oldest first."""
    pattern = os.path.join(glob.escape(out_dir), f"{CHECKPOINT_PREFIX}-*.index")
    found = [path[:-len(".index")] for path in glob.glob(pattern)]
    intact = [c for c in found if c.rsplit("-", 1)[1].isdigit() and is_intact(c)]
    return sorted(intact, key=checkpoint_iteration)


def listed_checkpoints(out_dir):
    """The checkpoints the index lists, oldest first; None when the index is missing or unreadable."""
    try:
        known = tf.train.get_checkpoint_state(out_dir)
    except (ValueError, UnicodeDecodeError):  # not a checkpoint index (TensorFlow logs why)
        return None
    return list(known.all_model_checkpoint_paths) if known and known.model_checkpoint_path else None


def checkpoints_before(out_dir, iteration):
    """The checkpoints listed in out_dir that were saved before `iteration`, oldest first."""
    return [p for p in listed_checkpoints(out_dir) or [] if checkpoint_iteration(p) < iteration]


def latest_checkpoint(out_dir, log=print):
    """The index's newest checkpoint; if the index is unreadable or names a missing one, the newest intact on disk."""
    listed = listed_checkpoints(out_dir)
    if listed and is_intact(listed[-1]):
        return listed[-1]
    index = os.path.join(out_dir, INDEX_FILE)
    why = (f"{index} names {os.path.basename(listed[-1])}, whose "
           f"{os.path.basename(missing_file(listed[-1]))} is missing" if listed else
           f"{index} is unreadable" if os.path.exists(index) else f"{index} is missing")
    intact = on_disk(out_dir)
    if intact:
        log(f"{why}: using the newest intact checkpoint on disk, {os.path.basename(intact[-1])}")
        return intact[-1]
    train = f"python -m recipes run shakespeare --out {os.path.dirname(out_dir.rstrip(os.sep)) or '.'}"
    if checkpoint_files(out_dir):
        raise UserError(f"{why}, and no intact checkpoint is on disk: train again with `{train} --overwrite`")
    raise UserError(f"no checkpoint in {out_dir}: train first with `{train}`")


def read_checkpoint_state(checkpoint):
    """The progress, config and vocabulary saved next to `checkpoint`; a clear error if missing or corrupt."""
    path = checkpoint_state_path(checkpoint)
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
        return Progress(**saved["progress"]), saved["config"], saved["vocab2ix"]
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError) as error:
        raise UserError(f"checkpoint {checkpoint} is incomplete or corrupt ({path}: {error!r}); "
                        "train again (`run shakespeare --overwrite`) to start afresh") from None


def op_error_cause(error):
    """The line of a TensorFlow error that says what went wrong, not the 'Graph execution error:' around it."""
    lines = [line.strip() for line in str(error).splitlines()]
    for before, line in zip(lines, lines[1:]):
        if before.startswith("Node: ") and line:  # graph execution: the cause follows the node's name
            return line
    return next((line for line in lines if line), type(error).__name__)


def restore_weights(sess, saver, checkpoint):
    weights = checkpoint + ".data-00000-of-00001"
    if not os.path.exists(weights):
        raise UserError(f"cannot restore checkpoint {checkpoint}: its weights file {weights} is missing")
    try:
        saver.restore(sess, checkpoint)
    except (tf.errors.OpError, ValueError) as error:
        raise UserError(f"cannot restore checkpoint {checkpoint}: {op_error_cause(error)}") from None


def describe_changes(saved, current):
    """'cell: block, now basic; seed: 0, now 5', naming the command-line option where one sets it."""
    options = {"cell": "--cell ", "seed": "--seed "}
    changed = sorted(k for k in set(saved) | set(current) if saved.get(k) != current.get(k))
    mode = [k for k in changed if k not in options]
    return "; ".join([f"{options[k]}{saved.get(k)}, now {current.get(k)}" for k in changed if k in options] +
                     ([f"{', '.join(mode)} (--quick/--full or --corpus)"] if mode else []))


class Training:
    """Both models, a session and the loop's progress: the original's training script as an object."""

    def __init__(self, config, dataset, seed, out_dir, log, prime_texts=PRIME_TEXTS, resume_from=None):
        validate_primes(prime_texts, dataset.vocab2ix)  # before anything is trained or written
        self.config, self.dataset, self.out_dir, self.log = config, dataset, out_dir, log
        self.settings = saved_settings(config, seed)
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
        saved_config.setdefault("seed", self.settings["seed"])  # checkpoints saved before the seed was recorded
        if saved_config != self.settings:
            raise UserError(f"checkpoint {checkpoint} was trained with other settings "
                            f"({describe_changes(saved_config, self.settings)}); resume with its settings, "
                            "or start afresh with --overwrite")
        if saved_vocab != self.dataset.vocab2ix:
            raise UserError(f"checkpoint {checkpoint} was trained on another corpus (its vocabulary differs); "
                            "resume with the same --corpus or run without --resume")
        restore_weights(self.sess, self.models.saver, checkpoint)
        listed = [c for c in listed_checkpoints(self.out_dir) or [] if is_intact(c)]
        if listed:  # so the Saver keeps counting to five across the interruption
            self.models.saver.recover_last_checkpoints(listed)
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
        save_checkpoint(self.sess, self.models, self.out_dir, self.progress, self.settings, self.dataset, self.log)
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

    def __init__(self, out_dir, seed=0, unrolled_steps=0, log=print):
        self.checkpoint = latest_checkpoint(out_dir, log)
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
