"""`tf.contrib.crf`: TF 1.15's linear-chain conditional random field, all of it.

A tag path y_1..y_n through [batch, time, num_tags] unary scores x scores
sum_t x[t, y_t] + sum_t T[y_t, y_t+1] with the [num_tags, num_tags] transitions T; only the
first `sequence_lengths` steps of each row count.  `crf_log_norm` is the log of the sum of
exp(score) over every path (the forward algorithm, run by `dynamic_rnn` over
`CrfForwardRnnCell`), `crf_log_likelihood` the path's score minus it, and it creates
`transitions` ([num_tags, num_tags], the scope's initializer, else glorot uniform) in the
current variable scope when no matrix is given.  `crf_decode` finds the best path in the graph
(`CrfDecodeForwardRnnCell` keeps back-pointers, `CrfDecodeBackwardRnnCell` follows them),
`viterbi_decode` in NumPy.

As in TF 1.15: a length of 0 gives a log-norm of 0, a sequence score of 0 when the time axis
has one step, and `crf_decode` still returns the first step's best tag and score; when the
time axis has one step (known or not while building) the functions take a shortcut that
reads only the unary scores.  The CRF cells hold no variables and open no variable scope.
"""
import numpy as np
import tensorflow as _tf

from tf1_graphs.contrib._cell_parts import RNNCell

_v1 = _tf.compat.v1


def _one_step_or_more(inputs, one_step_fn, more_steps_fn):
    """`one_step_fn()` when the time axis (axis 1) has length 1, decided while building when
    its length is known, by a `tf.cond` otherwise (as TF 1.15's `smart_cond` decided)."""
    steps = _tf.compat.dimension_value(inputs.shape[1])
    if steps is not None:
        return one_step_fn() if steps == 1 else more_steps_fn()
    return _tf.cond(_tf.equal(_tf.shape(inputs)[1], 1), one_step_fn, more_steps_fn)


def _zero_where_empty(values, sequence_lengths):
    """`values` with the rows of sequences of length <= 0 set to 0."""
    return _tf.where(sequence_lengths <= 0, _tf.zeros_like(values), values)


def _steps_after_first(sequence_lengths):
    """Each sequence's length less its first step, never below 0."""
    return _tf.maximum(_tf.constant(0, sequence_lengths.dtype), sequence_lengths - 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """[batch] unnormalised scores of the [batch, time] tag paths `tag_indices`."""
    inputs = _tf.convert_to_tensor(inputs)
    tag_indices = _tf.convert_to_tensor(tag_indices)
    sequence_lengths = _tf.convert_to_tensor(sequence_lengths)

    def one_step():
        first_step = _tf.squeeze(inputs, [1])
        scores = _tf.gather(first_step, tag_indices, batch_dims=1)[:, 0]
        return _zero_where_empty(scores, sequence_lengths)

    def more_steps():
        return (crf_unary_score(tag_indices, sequence_lengths, inputs)
                + crf_binary_score(tag_indices, sequence_lengths, transition_params))

    return _one_step_or_more(inputs, one_step, more_steps)


def crf_multitag_sequence_score(inputs, tag_bitmap, sequence_lengths, transition_params):
    """[batch] log-sum-exp of the scores of every path whose tag at each step is one the
    [batch, time, num_tags] boolean `tag_bitmap` allows (a one-hot bitmap gives
    `crf_sequence_score`)."""
    inputs = _tf.convert_to_tensor(inputs)
    allowed_only = _tf.where(tag_bitmap, inputs, _tf.fill(_tf.shape(inputs), float("-inf")))
    return _one_step_or_more(
        inputs,
        lambda: _tf.reduce_logsumexp(allowed_only, axis=[1, 2]),
        lambda: crf_log_norm(allowed_only, sequence_lengths, transition_params))


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """[batch] log of the summed exp-scores of all tag paths (0 for a length of 0)."""
    inputs = _tf.convert_to_tensor(inputs)
    sequence_lengths = _tf.convert_to_tensor(sequence_lengths)
    first_step = _tf.squeeze(inputs[:, :1, :], [1])

    def one_step():
        return _zero_where_empty(_tf.reduce_logsumexp(first_step, [1]), sequence_lengths)

    def more_steps():
        _, alphas = _v1.nn.dynamic_rnn(
            CrfForwardRnnCell(transition_params), inputs[:, 1:, :],
            sequence_length=_steps_after_first(sequence_lengths),
            initial_state=first_step, dtype=_tf.float32)
        return _zero_where_empty(_tf.reduce_logsumexp(alphas, [1]), sequence_lengths)

    return _one_step_or_more(inputs, one_step, more_steps)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """([batch] log-likelihoods of the tag paths, the transitions), creating the variable
    `transitions` [num_tags, num_tags] when `transition_params` is None."""
    inputs = _tf.convert_to_tensor(inputs)
    if transition_params is None:
        num_tags = _tf.compat.dimension_value(inputs.shape[2])
        transition_params = _v1.get_variable("transitions", [num_tags, num_tags])
    sequence_scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    log_norm = crf_log_norm(inputs, sequence_lengths, transition_params)
    return sequence_scores - log_norm, transition_params


def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """[batch] sums of the unary scores the paths pick, over each sequence's steps."""
    inputs = _tf.convert_to_tensor(inputs)
    tag_indices = _tf.convert_to_tensor(tag_indices)
    picked = _tf.gather(inputs, tag_indices, batch_dims=2)  # [batch, time]
    steps = _tf.sequence_mask(sequence_lengths, maxlen=_tf.shape(tag_indices)[1], dtype=_tf.float32)
    return _tf.reduce_sum(picked * steps, 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """[batch] sums of the transition scores along the paths, over each sequence's steps."""
    tag_indices = _tf.convert_to_tensor(tag_indices)
    transition_params = _tf.convert_to_tensor(transition_params)
    moves = _tf.stack([tag_indices[:, :-1], tag_indices[:, 1:]], axis=-1)  # [batch, time - 1, 2]
    scores = _tf.gather_nd(transition_params, moves)
    steps = _tf.sequence_mask(sequence_lengths, maxlen=_tf.shape(tag_indices)[1], dtype=_tf.float32)
    return _tf.reduce_sum(scores * steps[:, 1:], 1)


class _StatelessCell(RNNCell):
    """A cell that only computes: TF 1.15's CRF cells replace `__call__`, so calling them
    makes no variable scope and no variables."""

    def __init__(self, state_size):
        super().__init__()
        self._cell_size = state_size

    @property
    def state_size(self):
        return self._cell_size

    @property
    def output_size(self):
        return self._cell_size


class CrfForwardRnnCell(_StatelessCell):
    """One step of the forward algorithm: new alphas [batch, num_tags] as output and state."""

    def __init__(self, transition_params):
        transition_params = _tf.convert_to_tensor(transition_params)
        super().__init__(_tf.compat.dimension_value(transition_params.shape[0]))
        self._transition_params = transition_params[None]  # [1, from, to]

    def __call__(self, inputs, state, scope=None):
        alphas = inputs + _tf.reduce_logsumexp(state[:, :, None] + self._transition_params, [1])
        return alphas, alphas


class CrfDecodeForwardRnnCell(_StatelessCell):
    """One Viterbi step: the best score of a path ending in each tag as state, and the
    previous tag it came from (int32 back-pointers) as output."""

    def __init__(self, transition_params):
        transition_params = _tf.convert_to_tensor(transition_params)
        super().__init__(_tf.compat.dimension_value(transition_params.shape[0]))
        self._transition_params = transition_params[None]  # [1, from, to]

    def __call__(self, inputs, state, scope=None):
        candidates = state[:, :, None] + self._transition_params  # [batch, from, to]
        backpointers = _tf.cast(_tf.argmax(candidates, 1), _tf.int32)
        return backpointers, inputs + _tf.reduce_max(candidates, [1])


class CrfDecodeBackwardRnnCell(_StatelessCell):
    """Follows back-pointers: from the [batch, 1] tag of the next step to this step's tag."""

    def __init__(self, num_tags):  # TF 1.15 took the number of tags and did not use it
        super().__init__(1)

    def __call__(self, inputs, state, scope=None):
        tags = _tf.gather(inputs, state, batch_dims=1)  # [batch, 1]
        return tags, tags


def viterbi_decode(score, transition_params):
    """The best tag path of one [seq_len, num_tags] sequence, in NumPy: (list of tags, score).

    The tags are Python ints (TF 1.15 gave NumPy ints, which NumPy 2 prints as `np.int32(1)`),
    so a printed path reads as it did under TF 1.15; the score is a NumPy scalar of the scores' dtype.
    """
    best = np.zeros_like(score)  # best[t, j]: the best score of a path that ends in tag j at t
    came_from = np.zeros_like(score, dtype=np.int32)
    best[0] = score[0]
    for t in range(1, score.shape[0]):
        candidates = best[t - 1][:, None] + transition_params  # [from, to]
        best[t] = score[t] + candidates.max(0)
        came_from[t] = candidates.argmax(0)
    path = [np.argmax(best[-1])]
    for pointers in came_from[:0:-1]:
        path.append(pointers[path[-1]])
    return [int(tag) for tag in path[::-1]], np.max(best[-1])


def crf_decode(potentials, transition_params, sequence_length):
    """([batch, time] int32 best tag paths, [batch] their scores), in the graph.

    Steps past a sequence's length hold tag 0; a sequence of length 0 still gets the first
    step's best tag and score, as in TF 1.15.
    """
    potentials = _tf.convert_to_tensor(potentials)
    sequence_length = _tf.convert_to_tensor(sequence_length)

    def one_step():
        first_step = _tf.squeeze(potentials, [1])
        best_tags = _tf.cast(_tf.argmax(first_step, axis=1), _tf.int32)[:, None]
        return best_tags, _tf.reduce_max(first_step, axis=1)

    def more_steps():
        num_tags = _tf.compat.dimension_value(potentials.shape[2])
        steps_after_first = _steps_after_first(sequence_length)
        backpointers, last_scores = _v1.nn.dynamic_rnn(
            CrfDecodeForwardRnnCell(transition_params), potentials[:, 1:, :],
            sequence_length=steps_after_first, initial_state=potentials[:, 0, :], dtype=_tf.int32)
        backpointers = _tf.reverse_sequence(backpointers, steps_after_first, seq_axis=1, batch_axis=0)
        last_tags = _tf.cast(_tf.argmax(last_scores, axis=1), _tf.int32)[:, None]  # [batch, 1]
        earlier_tags, _ = _v1.nn.dynamic_rnn(
            CrfDecodeBackwardRnnCell(num_tags), backpointers, sequence_length=steps_after_first,
            initial_state=last_tags, dtype=_tf.int32)
        tags_backwards = _tf.concat([last_tags, _tf.squeeze(earlier_tags, [2])], axis=1)
        tags = _tf.reverse_sequence(tags_backwards, sequence_length, seq_axis=1, batch_axis=0)
        return tags, _tf.reduce_max(last_scores, axis=1)

    return _one_step_or_more(potentials, one_step, more_steps)


from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__, known=frozenset())
