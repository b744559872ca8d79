"""`tf.contrib.legacy_seq2seq`: the static decoder and the per-example sequence losses.

Semantics of TF 1.15, as the cookbook used them (FACTS.md): `rnn_decoder` unrolls over
a Python list and, given a `loop_function`, feeds step i > 0 from the previous output
instead of the list; the losses take lists of [batch, classes] logits and [batch] labels.
"""
import tensorflow as _tf

_v1 = _tf.compat.v1


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """Static unroll of `cell` over the list `decoder_inputs`; returns (outputs, final state).

    With `loop_function`, only `decoder_inputs[0]` is read: step i > 0 gets
    `loop_function(previous_output, i)`, built in scope `loop_function` with reuse.
    """
    with _v1.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        for step, given_input in enumerate(decoder_inputs):
            step_input = given_input
            if loop_function is not None and outputs:
                with _v1.variable_scope("loop_function", reuse=True):
                    step_input = loop_function(outputs[-1], step)
            if step > 0:
                _v1.get_variable_scope().reuse_variables()
            output, state = cell(step_input, state)
            outputs.append(output)
    return outputs, state


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """Weighted cross-entropy summed over the list; divided by the weight total if averaging.

    Returns a [batch] vector.  The 1e-12 keeps an all-zero weight row from dividing by zero.
    """
    if not len(logits) == len(targets) == len(weights):
        raise ValueError(
            "Lengths of logits, weights, and targets must be the same "
            f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with _v1.name_scope(name, "sequence_loss_by_example", list(logits) + list(targets) + list(weights)):
        per_step = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                target = _tf.reshape(target, [-1])
                crossent = _tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            per_step.append(crossent * weight)
        log_perps = _tf.add_n(per_step)
        if average_across_timesteps:
            log_perps /= _tf.add_n(weights) + 1e-12
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """The sum over the batch of `sequence_loss_by_example`, divided by the batch size if asked."""
    with _v1.name_scope(name, "sequence_loss", list(logits) + list(targets) + list(weights)):
        cost = _tf.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            cost /= _tf.cast(_tf.shape(targets[0])[0], cost.dtype)
    return cost


from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
