"""Document 001's claims on a tiny generated corpus and a tiny model, each with a counterpart that must fail.

Tests of a graph's structure (its variables, scopes, loop-function calls) build the model
pair inline, untrained, once per cell kind where `--cell` matters (the shared `cell` fixture).
One model is trained once per module (rnn_size 16, batch 4 x 8 words, 20 iterations) and
every other check reads from it; the counterparts break the thing each check guards (the
state carry, the variable reuse, the resumed state) and show that the check then fails.
"""
import dataclasses
import json
import math
import os
import pickle
import random
import shutil
import subprocess
import sys

import numpy as np
import pytest

from recipes import UserError
from recipes.claims import max_abs_diff
from recipes.d001_shakespeare import claims, cli, data, post, recipe, training
from recipes.d001_shakespeare.data import Corpus
from recipes.run import Run
from recipes.tftools import new_session
from tf1_graphs import reference, seed_everything, tf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TINY = recipe.TestConfig()

LINES = ["to be or not to be that is the question", "thou art more lovely and more temperate",
         "wherefore art thou romeo", "the rest is silence", "now is the winter of our discontent"]


def tiny_corpus_text(sentences=48, seed=0):
    """Lines of a few famous sentences; each line ends in a space, so the newline glues nothing."""
    rng = random.Random(seed)
    return "".join(rng.choice(LINES) + " \n" for _ in range(sentences))


def quiet(*_):
    pass


@pytest.fixture(scope="module")
def dataset():
    return data.prepare_data(Corpus(tiny_corpus_text(), "tiny"), TINY)


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("shakespeare"))


@pytest.fixture(scope="module")
def trained(dataset, out_dir):
    trainer = training.Training(TINY, dataset, seed=0, out_dir=out_dir, log=quiet)
    trainer.run()
    yield trainer
    trainer.close()


@pytest.fixture(scope="module")
def sampler(trained, out_dir):
    restored = training.CheckpointSampler(out_dir, unrolled_steps=TINY.sample_words)
    yield restored
    restored.close()


def test_the_tiny_run_is_what_the_tests_assume(dataset, trained):
    assert len(dataset.batches) == 10 and trained.progress.done == 20
    assert [it for it, _ in trained.progress.samples][::3] == [5, 10, 15, 20]


# --- the two models' variables


def test_inference_model_reuses_every_trainable_variable(cell, dataset):
    """On either cell kind: the five variables of FACTS.md, none added by the inference model; the
    check fails when the expected shapes are wrong.  As the notes' TensorBoard figure shows, rnn_decoder
    (training) and rnn_decoder_1 (inference) are two structures around one set of variables."""
    models = post.build_models(dataclasses.replace(TINY, cell=cell), dataset.vocab_size, 0)
    assert type(models.infer.lstm_cell).__name__ == {"basic": "BasicLSTMCell", "block": "LSTMBlockCell"}[cell]
    expected = claims.expected_variables(TINY, dataset.vocab_size)
    claim = claims.check_inference_adds_no_trainable(models.trainable_before, models.trainable_after, expected)
    assert claim.passed, claim
    assert claims.check_adam_adds_only_beta_powers(models.global_before, models.global_after).passed
    wrong = claims.expected_variables(dataclasses.replace(TINY, embedding_size=8), dataset.vocab_size)
    assert not claims.check_inference_adds_no_trainable(models.trainable_before, models.trainable_after, wrong).passed
    graph = models.graph
    scopes = {op.name.split("/")[0] for op in graph.get_operations()}
    assert {"rnn_decoder", "rnn_decoder_1", "lstm_vars", "lstm_vars_1"} <= scopes
    trainable = graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)
    assert {v.op.name.split("/")[0] for v in trainable} == {"lstm_vars", "rnn_decoder"}


def build_pair_without_reuse(vocab_size):
    """The counterpart: the inference model in a scope of its own, without reuse."""
    with tf.Graph().as_default():
        seed_everything(0)
        post.LSTMModel(TINY, vocab_size)
        before = post.variable_snapshot()
        with tf.variable_scope("inference"):
            post.LSTMModel(TINY, vocab_size, infer_sample=True)
        return before, post.variable_snapshot()


def test_variable_checks_fail_when_the_inference_model_does_not_reuse(dataset):
    (trainable_before, global_before), (trainable_after, global_after) = build_pair_without_reuse(dataset.vocab_size)
    assert len(trainable_after) == 10
    assert not claims.check_inference_adds_no_trainable(
        trainable_before, trainable_after, claims.expected_variables(TINY, dataset.vocab_size)).passed
    assert not claims.check_adam_adds_only_beta_powers(global_before, global_after).passed


def test_each_cell_kind_steps_the_inference_model_like_the_training_graph(cell, dataset):
    """--cell basic|block, from the initial weights: the inference steps match the training graph's
    logits, and do not when the state is not carried."""
    models, batch = post.build_models(dataclasses.replace(TINY, cell=cell), dataset.vocab_size, 0), dataset.batches[0]
    with new_session(models.graph) as sess:
        sess.run(models.init)
        unrolled = claims.training_logits(sess, models.train, batch)
        claim = claims.check_inference_parity(unrolled, claims.stepwise_logits(sess, models.infer, batch[0]))
        dropped = claims.stepwise_logits(sess, models.infer, batch[0], carry_state=False)
    assert claim.passed, claim
    assert not claims.check_inference_parity(unrolled, dropped).passed


# --- the loss


def test_initial_loss_is_above_log_vocab_and_falls(trained, dataset):
    losses = trained.progress.losses
    assert claims.check_initial_loss(losses, dataset.vocab_size).passed
    assert claims.check_loss_falls(losses, window=5).passed


def test_initial_loss_check_fails_without_the_wide_init(dataset, tmp_path):
    """With W zeroed the first logits are all 0: the loss is exactly ln V, not above it."""
    trainer = training.Training(dataclasses.replace(TINY, epochs=1), dataset, seed=0, out_dir=str(tmp_path), log=quiet)
    with trainer.models.graph.as_default():
        W = [v for v in tf.global_variables() if v.op.name == "lstm_vars/W"][0]
        trainer.sess.run(W.assign(tf.zeros_like(W)))
    trainer.run()
    trainer.close()
    first = trainer.progress.losses[0]
    assert first == pytest.approx(math.log(dataset.vocab_size), abs=1e-5)
    assert not claims.check_initial_loss(trainer.progress.losses, dataset.vocab_size).passed


def test_loss_falls_check_fails_on_a_rising_loss():
    assert not claims.check_loss_falls(list(np.linspace(5, 6, 40)), window=10).passed
    assert not claims.check_loss_falls([5.0], window=10).passed  # too short to judge
    assert claims.check_loss_falls([6.0, 5.9, 5.5], window=10).passed


def test_cost_is_the_mean_cross_entropy_of_the_next_word(trained, dataset):
    """The cost against NumPy: mean sparse cross-entropy of the training logits on np.roll'd targets."""
    model, batch = trained.models.train, dataset.batches[3]
    c, h = model.initial_state
    zeros = np.zeros([TINY.batch_size, TINY.rnn_size], np.float32)
    feed = {model.x_data: batch, model.y_output: np.roll(batch, -1, axis=1), c: zeros, h: zeros}
    logits, cost = trained.sess.run([model.logit_output, model.cost], feed)
    expected = reference.sparse_softmax_cross_entropy(np.roll(batch, -1, axis=1).ravel(), logits).mean()
    assert cost == pytest.approx(expected, abs=1e-5)


def test_recorded_curve_check_accepts_the_recorded_shape_and_rejects_another():
    per_epoch = 181
    recorded_like = np.full(1810, 5.8)
    recorded_like[:per_epoch * 2] = np.linspace(10.5, 5.8, per_epoch * 2)
    for iteration, loss in claims.RECORDED_LOSS.items():
        recorded_like[iteration - 1] = loss + 0.2
    assert claims.check_recorded_curve(list(recorded_like), per_epoch).passed
    stuck = recorded_like.copy()
    stuck[per_epoch * 2:] = 7.5  # a run that stops learning after epoch 2
    assert not claims.check_recorded_curve(list(stuck), per_epoch).passed


# --- the state carry: inference steps against the training graph


def test_training_graph_matches_numpy(trained, dataset):
    """The training graph's logits against embeddings -> reference LSTM -> W, b in float64."""
    weights, words = trained.weights(), dataset.batches[0][0]
    logits = claims.training_logits(trained.sess, trained.models.train, dataset.batches[0])
    expected = numpy_logits(weights, words)
    assert max_abs_diff(logits, expected) < 1e-4


def numpy_logits(weights, words, gate_order=reference.LSTM_GATE_ORDER):
    embedded = weights["lstm_vars/embedding_mat"][words][None]
    kernel, bias = weights["rnn_decoder/basic_lstm_cell/kernel"], weights["rnn_decoder/basic_lstm_cell/bias"]
    if gate_order != reference.LSTM_GATE_ORDER:  # reorder the column blocks as if the kernel were laid out so
        blocks = reference.split_lstm_kernel(kernel, bias, gate_order)
        kernel = np.concatenate([blocks[g][0] for g in reference.LSTM_GATE_ORDER], axis=1)
        bias = np.concatenate([blocks[g][1] for g in reference.LSTM_GATE_ORDER])
    outputs, _, _ = reference.lstm_sequence(embedded, kernel, bias)
    return outputs[0] @ weights["lstm_vars/W"] + weights["lstm_vars/b"]


def test_numpy_comparison_fails_with_swapped_gates(trained, dataset):
    weights, words = trained.weights(), dataset.batches[0][0]
    logits = claims.training_logits(trained.sess, trained.models.train, dataset.batches[0])
    assert max_abs_diff(logits, numpy_logits(weights, words, gate_order=("f", "j", "i", "o"))) > 1e-2


def test_stepping_the_inference_model_gives_the_training_logits(trained, dataset):
    batch = dataset.batches[0]
    unrolled = claims.training_logits(trained.sess, trained.models.train, batch)
    stepped = claims.stepwise_logits(trained.sess, trained.models.infer, batch[0])
    claim = claims.check_inference_parity(unrolled, stepped)
    assert claim.passed, claim


def test_parity_check_fails_when_the_state_is_not_carried(trained, dataset):
    batch = dataset.batches[0]
    unrolled = claims.training_logits(trained.sess, trained.models.train, batch)
    stepped = claims.stepwise_logits(trained.sess, trained.models.infer, batch[0], carry_state=False)
    assert np.allclose(stepped[0], unrolled[0], atol=claims.PARITY_ATOL)  # the first step needs no carry
    assert not claims.check_inference_parity(unrolled, stepped).passed


# --- the loop function


def test_the_one_step_inference_model_never_calls_the_loop_function(dataset):
    """The original's one-step model never calls it; the check fails on the many-step twin, which does."""
    models = post.build_models(TINY, dataset.vocab_size, 0, unrolled_steps=TINY.sample_words)
    assert claims.check_loop_function_unused(models.infer).passed
    assert models.unrolled.loop_function_calls == TINY.sample_words - 1
    assert not claims.check_loop_function_unused(models.unrolled).passed


def test_many_step_graph_generates_what_sample_generates(sampler):
    in_graph = [sampler.sample_in_graph(p) for p in post.PRIME_TEXTS]
    by_feed = [sampler.sample(p) for p in post.PRIME_TEXTS]
    assert any(len(s.split()) > len(p.split()) for s, p in zip(by_feed, post.PRIME_TEXTS))  # something generated
    assert claims.check_in_graph_sampling(in_graph, by_feed, TINY.sample_words).passed


def test_in_graph_sampling_check_fails_without_the_primed_state(sampler):
    """Starting the many-step graph from the zero state, not the state after the prime, changes the words."""
    unprimed = []
    for prime in post.PRIME_TEXTS:
        zero = sampler.infer.zero_state(sampler.sess)
        unprimed.append(sampler.unrolled.sample_in_graph(sampler.sess, sampler.ix2vocab, sampler.vocab2ix, zero, prime))
    by_feed = [sampler.sample(p) for p in post.PRIME_TEXTS]
    assert not claims.check_in_graph_sampling(unprimed, by_feed, TINY.sample_words).passed


# --- checkpoints: sampling and resuming


def test_the_checkpoint_samples_what_the_training_session_samples(trained, sampler):
    trained_texts = [trained.sample(p) for p in post.PRIME_TEXTS]
    restored = [sampler.sample(p) for p in post.PRIME_TEXTS]
    assert claims.check_restored_samples(restored, trained_texts, sampler.iteration).passed
    assert sampler.iteration == trained.progress.done


def test_restored_samples_check_fails_for_an_earlier_checkpoint(trained, out_dir, tmp_path):
    earlier = checkpoint_at(out_dir, 5)
    folder = str(tmp_path)
    for path in [p for p in os.listdir(out_dir) if p.startswith(os.path.basename(earlier) + ".")] + ["vocab.pkl"]:
        shutil.copy(os.path.join(out_dir, path), folder)
    tf.train.update_checkpoint_state(folder, os.path.join(folder, os.path.basename(earlier)))
    early = training.CheckpointSampler(folder)
    restored = [early.sample(p) for p in post.PRIME_TEXTS]
    early.close()
    trained_texts = [trained.sample(p) for p in post.PRIME_TEXTS]
    assert not claims.check_restored_samples(restored, trained_texts, 5).passed


def resume(dataset, checkpoint, folder, damage=None):
    """Resume from `checkpoint` into `folder` and train to the end; `damage` may break the restored progress."""
    trainer = training.Training(TINY, dataset, seed=0, out_dir=folder, log=quiet, resume_from=checkpoint)
    if damage:
        damage(trainer.progress)
    trainer.run()
    result = trainer.progress.losses, trainer.weights()
    trainer.close()
    return result


def checkpoint_at(out_dir, iteration):
    return [c for c in training.checkpoints_before(out_dir, 20) if training.checkpoint_iteration(c) == iteration][0]


@pytest.fixture(scope="module")
def mid_checkpoint(trained, out_dir):
    """Iteration 5: mid-epoch 1 of 2 (10 batches each): the carried state, the order and the RNG all matter."""
    return checkpoint_at(out_dir, 5)


def test_resuming_gives_the_unbroken_run_bit_for_bit(trained, dataset, mid_checkpoint, tmp_path):
    resumed = resume(dataset, mid_checkpoint, str(tmp_path))
    claim = claims.check_resume((trained.progress.losses, trained.weights()), resumed, 5)
    assert claim.passed, claim


@pytest.mark.parametrize("damage", [
    lambda p: setattr(p, "lstm_state", tuple(np.zeros_like(s) for s in p.lstm_state)),   # state not carried over
    lambda p: setattr(p, "order", sorted(p.order)),                                      # epoch order not saved
    lambda p: setattr(p, "rng_state", random.Random(1).getstate()),                      # shuffle RNG not saved
], ids=["lstm-state", "batch-order", "shuffle-rng"])
def test_resume_check_fails_when_progress_is_not_restored(trained, dataset, mid_checkpoint, tmp_path, damage):
    resumed = resume(dataset, mid_checkpoint, str(tmp_path), damage)
    assert not claims.check_resume((trained.progress.losses, trained.weights()), resumed, 5).passed


def test_resume_check_fails_when_the_weights_are_not_restored(trained, dataset, out_dir, tmp_path):
    """Resuming from the iteration-10 checkpoint but pretending it was 15: Adam and the weights lag behind."""
    progress_15, _, _ = training.read_checkpoint_state(checkpoint_at(out_dir, 15))

    def use_progress_15(progress):
        for name, value in dataclasses.asdict(progress_15).items():
            setattr(progress, name, value)
    resumed = resume(dataset, checkpoint_at(out_dir, 10), str(tmp_path), use_progress_15)
    assert not claims.check_resume((trained.progress.losses, trained.weights()), resumed, 15).passed


def test_to_be_check_reads_the_samples_and_the_final_sentence():
    near_miss = (2, 0.1)
    assert claims.check_to_be([(750, "to be or not to be the")], "to be or not to the", near_miss).passed
    assert claims.check_to_be([], "to be or not to be", (1, 0.4)).passed
    assert not claims.check_to_be([(750, "to be or not to bear")], "to be or not to", near_miss).passed


def test_next_word_rank_agrees_with_sample(trained, dataset):
    """The word sample() picks after a prime is the one ranked first."""
    sentence = trained.sample("to be or not to", num=1).split()
    assert len(sentence) == 6
    next_word = sentence[-1]
    rank, probability = claims.next_word_rank(trained.sess, trained.models.infer, dataset.vocab2ix,
                                           "to be or not to", next_word)
    assert rank == 1 and 0 < probability <= 1


# --- a new process: the same numbers, and the `sample` verb


NEW_PROCESS = """
import json, sys
from recipes.d001_shakespeare import cli, data, recipe, training
from recipes.d001_shakespeare.data import Corpus
from tests.recipes.test_d001_shakespeare import TINY, tiny_corpus_text, quiet
from recipes.__main__ import Parser
out_dir, train_dir = sys.argv[1], sys.argv[2]
parser = Parser(prog="sample")
cli.configure_sample(parser)
args = parser.parse_args(["--out", out_dir, "--prime", "thou art more", "--prime", "to be or not to", "--num", "6"])
cli.sample_command(args)
trainer = training.Training(TINY, data.prepare_data(Corpus(tiny_corpus_text(), "tiny"), TINY), 0, train_dir, quiet)
trainer.run()
print(json.dumps(trainer.progress.losses))
"""


def test_a_new_process_trains_the_same_numbers_and_samples_the_checkpoint_alike(trained, out_dir, tmp_path):
    parent = str(tmp_path / "out")
    shutil.copytree(out_dir, os.path.join(parent, recipe.NAME))
    result = subprocess.run([sys.executable, "-c", NEW_PROCESS, parent, str(tmp_path / "train")], cwd=ROOT,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONHASHSEED": "random"})
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()
    assert lines[1:3] == [trained.sample("thou art more", 6), trained.sample("to be or not to", 6)]
    assert json.loads(lines[-1]) == trained.progress.losses


# --- bad input


def test_unknown_prime_words_are_all_named_in_one_line(dataset, tmp_path):
    with pytest.raises(UserError) as error:
        training.Training(TINY, dataset, seed=0, out_dir=str(tmp_path), log=quiet,
                     prime_texts=("thou art more", "to be or nott to", "wherefore art thou zzz"))
    message = str(error.value)
    assert "'nott'" in message and "'zzz'" in message and "\n" not in message
    assert os.listdir(tmp_path) == []


def test_the_sample_verb_refuses_unknown_words(sampler):
    with pytest.raises(UserError, match="'romeo-and-juliet'"):
        data.validate_primes(["romeo-and-juliet"], sampler.vocab2ix)


def test_sampling_without_a_checkpoint_says_to_train_first(tmp_path):
    with pytest.raises(UserError, match="no checkpoint .* train first"):
        training.CheckpointSampler(str(tmp_path))


def copy_of(out_dir, folder):
    shutil.copytree(out_dir, folder)
    return folder


def test_a_corrupt_checkpoint_is_a_clear_error_that_shows_the_cause(out_dir, tmp_path):
    folder = copy_of(out_dir, str(tmp_path / "run"))
    latest = tf.train.latest_checkpoint(folder)
    with open(latest + ".data-00000-of-00001", "r+b") as f:
        f.truncate(10)
    with pytest.raises(UserError, match="cannot restore checkpoint") as error:
        training.CheckpointSampler(folder)
    assert not str(error.value).endswith("Graph execution error:") and "Read less bytes" in str(error.value)


def test_a_checkpoint_missing_its_weights_says_so(out_dir, tmp_path):
    folder = copy_of(out_dir, str(tmp_path / "run"))
    latest = tf.train.latest_checkpoint(folder)
    os.remove(latest + ".data-00000-of-00001")
    with pytest.raises(UserError, match=r"weights file .*model-20\.data-00000-of-00001 is missing"):
        training.restore_weights(None, None, latest)
    logged = []
    assert training.latest_checkpoint(folder, logged.append).endswith("model-15")  # the newest intact one
    assert "model-20.data-00000-of-00001 is missing" in logged[0]


@pytest.mark.parametrize("index", [b"\xff\xfegarbage", b"model_checkpoint_path: 5", b"{{{ not an index"])
def test_a_garbage_checkpoint_index_falls_back_to_the_newest_checkpoint_on_disk(out_dir, tmp_path, index):
    folder = copy_of(out_dir, str(tmp_path / "run"))
    with open(os.path.join(folder, training.INDEX_FILE), "wb") as f:
        f.write(index)
    logged = []
    assert training.latest_checkpoint(folder, logged.append).endswith("model-20")
    assert len(logged) == 1 and "unreadable: using the newest intact checkpoint on disk, model-20" in logged[0]


def test_an_index_naming_a_missing_checkpoint_uses_the_newest_intact_one(out_dir, tmp_path, capsys):
    folder = copy_of(out_dir, str(tmp_path / "run"))
    for name in os.listdir(folder):
        if name.startswith("model-20."):
            os.remove(os.path.join(folder, name))
    sampler = training.CheckpointSampler(folder)
    assert sampler.iteration == 15 and "names model-20" in capsys.readouterr().out
    sampler.close()
    for name in os.listdir(folder):
        if name.startswith("model-"):
            os.remove(os.path.join(folder, name))
    with pytest.raises(UserError, match="no intact checkpoint is on disk: train again"):
        training.latest_checkpoint(folder)


def test_a_checkpoint_with_a_truncated_progress_file_is_a_clear_error(out_dir, tmp_path):
    folder = copy_of(out_dir, str(tmp_path / "run"))
    with open(training.checkpoint_state_path(tf.train.latest_checkpoint(folder)), "r+b") as f:
        f.truncate(10)
    with pytest.raises(UserError, match="incomplete or corrupt") as error:
        training.CheckpointSampler(folder)
    assert "--resume" not in str(error.value)  # sample has no such option: the advice fits both verbs


def test_a_vocabulary_from_another_run_is_refused(out_dir, tmp_path):
    folder = copy_of(out_dir, str(tmp_path / "run"))
    with open(os.path.join(folder, training.VOCAB_FILE), "wb") as f:
        pickle.dump([{"unknown": 0, "other": 1}, {0: "unknown", 1: "other"}], f)
    with pytest.raises(UserError, match="does not belong to"):
        training.CheckpointSampler(folder)


def test_resuming_with_another_cell_or_seed_names_that_option(dataset, out_dir, tmp_path):
    checkpoint = tf.train.latest_checkpoint(out_dir)
    with pytest.raises(UserError) as error:
        training.Training(dataclasses.replace(TINY, cell="block"), dataset, 0, str(tmp_path), quiet,
                          resume_from=checkpoint)
    assert "--cell basic, now block" in str(error.value) and "--quick" not in str(error.value)
    with pytest.raises(UserError, match="--seed 0, now 5"):
        training.Training(TINY, dataset, 5, str(tmp_path), quiet, resume_from=checkpoint)


def test_resuming_with_other_settings_is_refused(dataset, out_dir, tmp_path):
    checkpoint = tf.train.latest_checkpoint(out_dir)
    with pytest.raises(UserError, match="other settings .*epochs"):
        training.Training(dataclasses.replace(TINY, epochs=3), dataset, 0, str(tmp_path), quiet, resume_from=checkpoint)


def test_the_command_line_refuses_nonsense_numbers():
    from recipes.__main__ import Parser
    parser = Parser(prog="sample")
    cli.configure_sample(parser)
    for bad in ("0", "-3", "ten"):
        with pytest.raises(SystemExit) as stop:
            parser.parse_args(["--num", bad])
        assert stop.value.code == 2
    with pytest.raises(SystemExit):
        parser.parse_args(["--prime", "   "])


# --- the recipe end to end, on a small corpus at the model's real sizes


def recipe_run(folder, **options):
    run = Run(recipe.NAME, folder, seed=0, full=False, options=options, echo=False)
    try:
        recipe.run(run)
        run.finish(recipe)
    finally:
        run.close()
    return run


@pytest.fixture(scope="module")
def recipe_corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    path.write_text(tiny_corpus_text(sentences=1800, seed=1))  # ~12,000 words: 3 batches of 100 x 50
    return str(path)


@pytest.fixture(scope="module")
def finished_run(recipe_corpus, tmp_path_factory):
    """One whole run of the recipe (its Keras 3 counterpart's process included), shared by the tests below."""
    return recipe_run(str(tmp_path_factory.mktemp("recipe")), corpus=recipe_corpus)


def test_the_recipe_runs_and_every_claim_passes(finished_run):
    run = finished_run
    assert run.all_passed, [c for c in run.claims if not c.passed]
    assert {c.id for c in run.claims} >= {
        "infer-model-reuses-every-variable", "infer-adam-adds-only-beta-powers", "loop-function-never-called",
        "initial-loss-above-log-vocab", "loss-falls", "infer-steps-match-training-logits",
        "checkpoint-samples-like-training", "loop-function-generates-like-sample",
        "modern-001-same-logits-state-carried", "modern-001-same-words", "modern-001-checkpoint-restores",
        "modern-001-same-training-losses", "modern-001-weights-round-trip"}
    files = os.listdir(run.dir)
    assert {"log.txt", "claims.json", "loss.png", "vocab.pkl", "checkpoint", "graphs"} <= set(files)


def contents(folder):
    """Every file but log.txt and .lock (which the runner reopens for each run), with its bytes."""
    return {name: open(os.path.join(folder, name), "rb").read() for name in os.listdir(folder)
            if name not in ("log.txt", ".lock") and os.path.isfile(os.path.join(folder, name))}


def test_the_recipe_resumes_a_finished_run_without_training_again(finished_run, recipe_corpus, tmp_path):
    copy_of(finished_run.dir, str(tmp_path / recipe.NAME))
    with open(os.path.join(finished_run.dir, "claims.json")) as f:
        first_claims = json.load(f)["claims"]
    again = recipe_run(str(tmp_path), corpus=recipe_corpus, resume=True)
    assert again.all_passed and [c.observed for c in again.claims] == [c["observed"] for c in first_claims]
    assert "resumed from" in open(os.path.join(again.dir, "log.txt")).read()


def test_a_bad_prime_stops_the_recipe_before_anything_is_lost(recipe_corpus, out_dir, tmp_path):
    folder = str(tmp_path / "out")
    previous = copy_of(out_dir, os.path.join(folder, recipe.NAME))
    before = contents(previous)
    with pytest.raises(UserError, match="'qwerty'"):
        recipe_run(folder, corpus=recipe_corpus, prime=["thou qwerty"], overwrite=True)
    assert contents(previous) == before


def test_resume_without_a_checkpoint_is_a_clear_error(recipe_corpus, tmp_path):
    with pytest.raises(UserError, match="no checkpoint"):
        recipe_run(str(tmp_path), corpus=recipe_corpus, resume=True)
