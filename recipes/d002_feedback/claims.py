"""Document 002's claims: the tolerances, the timing measurement, and the checks, each owning its claim id."""
import numpy as np

from recipes.claims import check_bit_exact, check_close, check_that, describe_error, max_abs_diff
from recipes.d002_feedback.post import data_type, generate_by_feeding, generate_in_graph
from recipes.timing import time_side_by_side
from tf1_graphs import tf

QUESTION = "002, question"
ANSWER_1 = "002, answer 1"
ANSWER_2 = "002, answer 2"
ANSWER_3 = "002, answer 3"

# How far two graphs that compute the same values may disagree, by the model's dtype.
# float64: predictions that go through a matmul over a different number of rows (one step
# against the whole sequence) may differ in the last bit; 1e-12 leaves room for that
# round-off to travel through a few hundred fed-back steps and nothing more.
# float32 (the fused cell's model): TensorFlow's oneDNN kernels, used for float32 and not for
# float64, also round answer 3's while_loop and answer 1's loop differently in the last bit
# (bit-identical with TF_ENABLE_ONEDNN_OPTS=0); over 1000 fed-back steps, seeds 0-2, the
# largest difference was 1.4e-6.
ROUND_OFF_ATOL = {tf.float64: 1e-12, tf.float32: 1e-5}


def round_off_atol(config):
    return ROUND_OFF_ATOL[data_type(config)]


def while_loop_atol(config):
    """None (bit-exact) in float64; in float32 oneDNN's round-off, so `round_off_atol`."""
    return None if data_type(config) == tf.float64 else round_off_atol(config)


# --- timing (reported, never pass/fail) -------------------------------------------------------

def time_generation(session, answers, prime, steps, repeats):
    """Seconds per run of answer 1's feed_dict loop and of answer 3's while_loop, side by side.

    Both generate `steps` values from the same prime: {"feed_dict_loop": summary, "in_graph": summary}.
    """
    return time_side_by_side({
        "feed_dict_loop": lambda: generate_by_feeding(session, answers.model, prime, steps),
        "in_graph": lambda: generate_in_graph(session, answers.self_feeding, prime, steps)}, repeats)


def describe_timing(timing, steps):
    loop, graph = (1e6 * timing[k]["median"] / steps for k in ("feed_dict_loop", "in_graph"))
    return (f"answer 1 feed_dict loop {loop:.0f} us/step, answer 3 while_loop {graph:.1f} us/step: "
            f"in-graph is {loop / graph:.1f}x faster ({steps} steps, median of "
            f"{len(timing['in_graph']['samples'])})")


# --- checks: each returns a Claim; the recipe and the tests use the same ones ----------------

def fraction_fallen_by(losses, step):
    """How much of the loss's fall over the whole run is done by `step` (1 = all of it)."""
    return float((losses[0] - losses[step]) / (losses[0] - losses[-1]))


def check_converges(input_name, losses, config):
    fraction = fraction_fallen_by(losses, config.converged_by)
    return check_that(
        f"question-converges-{input_name}-input", QUESTION, f"Trained on the {input_name} input, the model converges within about "
                      f"{config.converged_by} iterations.",
        f"fraction of the loss's fall from step 0 to step {len(losses) - 1} already done at step "
        f"{config.converged_by}: (L[0] - L[{config.converged_by}]) / (L[0] - L[end])",
        f">= {config.converged_fraction:g}",
        f"{fraction:.3f} (loss {losses[0]:.4f} -> {losses[config.converged_by]:.4f} -> {losses[-1]:.4f})",
        fraction >= config.converged_fraction)


def check_printed_loop_fails(error):
    observed = "ran without error" if error is None else describe_error(error)
    return check_that(
        "question-loop-appends-whole-array", QUESTION,
        "The printed sampling loop appends each whole prediction array as one value, "
        "so the next np.array(test_vals) cannot be built.",
        "run the loop as printed for 3 calls; the error must be np.array's ragged-sequence one",
        "a ValueError from np.array (inhomogeneous shape)", observed,
        isinstance(error, ValueError) and "inhomogeneous" in str(error))


def check_reruns_prefix(sampling, whole_outputs):
    """Call k must return k LSTM outputs, bit-identical to the first k of one zero-state run of
    the final sequence: it started again from the zero state and re-ran the whole prefix."""
    n = len(sampling.calls)
    lengths_ok = [len(call) for call in sampling.calls] == list(range(1, n + 1))
    same = lengths_ok and all(np.array_equal(call, whole_outputs[:len(call)]) for call in sampling.calls)
    return check_that(
        "question-loop-reruns-prefix", QUESTION,
        "Every call of the sampling loop starts again from a zero state and re-runs the whole "
        f"prefix, so N values cost N(N+1)/2 cell steps ({n * (n + 1) // 2} for N = {n}), not N.",
        "call k returns the LSTM outputs of k steps; each set against the first k of one "
        "zero-state run over the final sequence, element-wise equality",
        f"lengths 1..{n}, bit-identical",
        f"lengths {f'1..{n}' if lengths_ok else 'differ'}, {'bit-identical' if same else 'different'}",
        same)


def check_prefix_loop_equals_stepping(prefix_values, stepped, atol):
    n = len(stepped)
    return check_close(
        "question-loop-equals-answer1-loop", f"{QUESTION}; {ANSWER_1}",
        "The question's loop keeps the continuity by recomputing it: it generates what answer 1's "
        f"loop generates with the state carried over, at N(N+1)/2 cell steps instead of N.",
        prefix_values, stepped, atol,
        method=f"both loops on answer 1's trained model from the seed 0, {n} generated values; "
               "max |diff| (the readout's matmul over k rows against 1 row may round differently)")


def check_printed_answer1_fails(error):
    observed = "built without error" if error is None else describe_error(error)
    return check_that(
        "answer1-printed-state-dtype-fails", ANSWER_1,
        "As printed, answer 1's float32 zero state does not fit the float64 model.",
        "build the answer's graph with `zero_state(batch_size, dtype=tf.float32)`; the error "
        "must name both float64 and float32",
        "graph construction raises a float64/float32 mismatch", observed,
        error is not None and "float64" in str(error) and "float32" in str(error))


def check_steps_match_sequence(stepped, whole):
    return check_bit_exact(
        "answer1-steps-equal-one-run", ANSWER_1,
        "Feeding one step per run, with the state fed back, gives the outputs of the whole "
        "sequence in one run.",
        stepped, whole, method="LSTM outputs at all 100 steps of the sine input, element-wise equality")


def peak_to_peak(values):
    return float(np.ptp(values))


def mean_period(values):
    """Mean distance between upward zero crossings, in steps (inf if it crosses fewer than twice)."""
    up = np.flatnonzero((values[:-1] < 0) & (values[1:] >= 0))
    return float(np.diff(up).mean()) if len(up) > 1 else np.inf


def check_continues_wave(generated, truth, period, period_tolerance=0.1, min_swing=1.5):
    """The generated values must keep the sine's period and still swing fully at the end."""
    generated_period = mean_period(generated)
    last_swing = peak_to_peak(generated[-period:])
    first_error = max_abs_diff(generated[:period], truth[:period])
    return check_that(
        "answer1-generation-continues-wave", ANSWER_1,
        "Feeding its output back, the trained model generates the continuation of the wave.",
        f"primed with the 100 samples, {len(generated)} values generated: their period (mean "
        f"distance of upward zero crossings) against sin's {period} steps, and their peak-to-peak "
        "over the last period",
        f"period within {period_tolerance:.0%}; last peak-to-peak >= {min_swing:g}",
        f"period {generated_period:.1f}; last peak-to-peak {last_swing:.2f} "
        f"(max |generated - sin| over the first period: {first_error:.3f})",
        abs(generated_period / period - 1) <= period_tolerance and last_swing >= min_swing)


def check_python_chunks(chunked, unbroken):
    return check_bit_exact(
        "answer2a-python-state-equals-unbroken", ANSWER_2,
        "Fetching the final state to Python and feeding it to the next truncated chunk (the PTB "
        "tutorial's way) gives the outputs of one unbroken run.",
        chunked, unbroken, method="LSTM outputs over the 100 sine samples in chunks of 25, "
                                  "element-wise equality")


def check_graph_chunks(chunked, unbroken, atol):
    return check_close(
        "answer2b-variable-state-equals-unbroken", ANSWER_2,
        "Keeping the state in variables updated by in-graph assign ops (tensorpack's way) gives "
        "the predictions of one unbroken run.",
        chunked, unbroken, atol,
        method="predictions over the 100 sine samples in chunks of 25; max |diff| (the readout's "
               "matmul over 25 rows against 100 may round differently)")


def check_state_in_graph(chunks, unbroken_outputs, unbroken_final, chunk_length):
    """After chunk k the variables must hold the unbroken run's state at step k * chunk_length."""
    boundaries = np.arange(chunk_length, unbroken_outputs.shape[1] + 1, chunk_length) - 1
    held_h = np.stack([state.h for state in chunks.states])
    expected_h = np.stack([unbroken_outputs[:, t] for t in boundaries])
    held = np.concatenate([held_h.ravel(), chunks.states[-1].c.ravel()])
    expected = np.concatenate([expected_h.ravel(), unbroken_final.c.ravel()])
    return check_bit_exact(
        "answer2b-state-stays-in-graph", ANSWER_2,
        "With assign ops under control dependencies the state advances inside the graph: "
        "each chunk's run feeds only the chunk and fetches only the prediction.",
        held, expected,
        method="state variables read after each chunk (h) and after the last (c) against the "
               "unbroken run's h at the chunk boundaries and its final c, element-wise equality")


def check_reset(state_after_reset, replay, first_chunk):
    zero = not np.any(np.concatenate([state_after_reset.c, state_after_reset.h]))
    same = np.array_equal(replay, first_chunk)
    return check_that(
        "answer2b-reset-zeroes-state", ANSWER_2,
        "The grouped reset op returns the carried state to zeros.",
        "run the reset op after all chunks; read the variables; run the first chunk again",
        "variables all zero; first chunk's predictions bit-identical to its first run",
        f"variables {'all zero' if zero else 'not zero'}; first chunk "
        f"{'identical' if same else 'differs'}",
        zero and same)


def _check_same(id, statement, actual, desired, atol, method):
    """Bit-exact when `atol` is None (float64); else within `atol` (float32, see ROUND_OFF_ATOL)."""
    if atol is None:
        return check_bit_exact(id, ANSWER_3, statement, actual, desired, method=f"{method}, element-wise equality")
    return check_close(id, ANSWER_3, statement, actual, desired, atol,
                       method=f"{method}, max |diff| (float32: oneDNN rounds the two graphs differently)")


def check_in_graph_equals_loop(in_graph, loop, atol=None):
    steps = in_graph.shape[1]
    return _check_same(
        "answer3-equals-answer1-loop",
        f"self_feeding_rnn generates the same sequence as answer 1's Python loop with the same "
        f"weights, in one session.run instead of {steps}.",
        in_graph, loop, atol, method=f"{steps} values generated after the same prime")


def check_original_reshape_mixes_rows(original, per_row, wrong_above=0.1):
    diff = max_abs_diff(original, per_row)
    return check_that(
        "answer3-original-reshape-mixes-rows", ANSWER_3,
        "The gist's final reshape of the time-major stack is wrong for a batch larger than 1.",
        "batch of 2 primes (two phases of the wave); the gist's reshape against answer 1's loop "
        "on the same batch; max |diff|",
        f"> {wrong_above:g} (rows interleaved)", f"{diff:.3g}", diff > wrong_above)


def check_fixed_reshape(fixed, per_row, atol=None):
    return _check_same(
        "answer3-transpose-fixes-batch",
        "With a transpose in place of the reshape, self_feeding_rnn generates every batch row right.",
        fixed, per_row, atol,
        method="batch of 2 primes (two phases of the wave) against answer 1's loop on the same batch")
