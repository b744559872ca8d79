"""The TF 1.x side of every "Today's TensorFlow" parity: read a session's weights, leave it as found,
judge the round trip of the weight mapping, and end a recipe with the counterpart's part.
Each document's `modern_parity` module builds on it.
"""
import contextlib
import re

import numpy as np

from recipes.claims import check_that, max_abs_diff
from recipes.keras_weights import MAPPING_TABLE, fold_error_bound
from tf1_graphs import tf


def joined(results, names):
    """The arrays `results[name]` for each of `names`, flattened into one: one max |diff| over them all."""
    return np.concatenate([np.ravel(results[name]) for name in names])


def weights_by_name(session, variables):
    """{TF 1.x variable name (no ':0'): value} of `variables`, as IN.npz carries them."""
    return dict(zip((v.op.name for v in variables), session.run(list(variables))))


@contextlib.contextmanager
def variables_restored(session):
    """Run training steps for a parity inside this block; every global variable of the session's
    graph (weights, Adam slots, beta powers) is put back afterwards, so the recipe goes on as if
    nothing had run."""
    with session.graph.as_default():
        variables = tf.global_variables()
    saved = session.run(variables)
    try:
        yield
    finally:
        for variable, value in zip(variables, saved):
            variable.load(value, session)


ADAM_VARIABLE = re.compile(r"(/Adam(_\d+)?|^beta[12]_power(_\d+)?)$")  # slots and beta powers of tf.train.AdamOptimizer


def reset_adam(session):
    """Give every AdamOptimizer of the session's graph a fresh start (zero slots, beta powers back
    at beta), as a Keras optimizer created for the parity has: a trained model's Adam state would
    otherwise shape TF 1.x's first steps and not Keras's.  Use inside `variables_restored`."""
    with session.graph.as_default():
        adam = [v for v in tf.global_variables() if ADAM_VARIABLE.search(v.op.name)]
        session.run(tf.variables_initializer(adam))


def check_round_trip(id, source, sent, returned, lstm_biases, forget_bias=1.0):
    """TF 1.x -> Keras -> TF 1.x is the identity: bit for bit, except the LSTM biases, whose forget
    block went through the fold (+ forget_bias in Keras, - forget_bias on the way back) and may
    come back rounded by up to one unit in the last place of b + forget_bias."""
    missing = sorted(set(sent) ^ set(returned))
    exact = [name for name in sent if name not in lstm_biases]
    exact_ok = not missing and all(
        np.asarray(returned[n]).shape == np.asarray(sent[n]).shape and np.array_equal(returned[n], sent[n])
        for n in exact)
    bias_diff = max((max_abs_diff(returned[n], sent[n]) for n in lstm_biases if n in returned), default=0.0)
    bias_bound = max((fold_error_bound(sent[n], forget_bias) for n in lstm_biases), default=0.0)
    observed = (f"names differ: {missing}" if missing else
                f"{len(exact)} weights {'bit-identical' if exact_ok else 'DIFFERENT'}; "
                f"LSTM biases max |diff| {bias_diff:.3g}")
    return check_that(
        id, source, "The weight mapping round-trips: TF 1.x -> Keras 3 -> TF 1.x gives the TF 1.x weights back",
        "every variable sent to the Keras process, set into its layers, read back with get_weights and mapped "
        "back to TF 1.x names; element-wise equality, LSTM biases within the fold's round-off (one unit in the "
        "last place of b + forget_bias)",
        f"all names back; {len(exact)} weights bit-identical; LSTM biases max |diff| <= {bias_bound:.3g}",
        observed, exact_ok and bias_diff <= bias_bound)


WEIGHTS_ROW = ("the LSTM's kernel [in + H, 4H] and bias, forget_bias added at run time",
               "kernel, recurrent_kernel and bias, the forget bias folded in (the weight mapping below)")


def todays_tensorflow(run, parity, claims):
    """A recipe's last part: where to read today's way, its parity claims, and the rows the report
    sets side by side.  `parity` is the document's modern_parity module, `claims` its parity_claims;
    each row of its SIDE_BY_SIDE names the claims that give the row its verdict; a last row, the weights,
    gets the round trip's."""
    run.log("\n== Today's TensorFlow: " + parity.KEY_LINES)
    round_trip = [claim.id for claim in claims if claim.id.endswith("-weights-round-trip")]
    rows = [[post, today, list(ids)] for post, today, ids in parity.SIDE_BY_SIDE] + [[*WEIGHTS_ROW, round_trip]]
    run.today = {"key_lines": parity.KEY_LINES, "side_by_side": rows, "mapping": [list(row) for row in MAPPING_TABLE]}
    for claim in claims:
        run.claim(claim)
