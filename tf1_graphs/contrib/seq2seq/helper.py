"""The helpers a `BasicDecoder` asks for its next inputs: read them (training), or make them from
the outputs (greedy, sampled, scheduled, custom).

TF 1.15's rules kept here: a `TrainingHelper` entry is finished once `time + 1 >=
sequence_length` and, once all are, gets zeros as input; an embedding helper is finished on
`end_token` and, once all are, gets the start inputs again; the scheduled helpers mark an entry
they did not sample with id -1 (embedding) or False (output).
"""
import abc

import tensorflow as tf
from tensorflow.python.ops.rnn import _transpose_batch_time

v1 = tf.compat.v1
nest = tf.nest


def _embedding_fn(embedding):
    """A callable is used as is; anything else is the `params` of an embedding lookup."""
    if callable(embedding):
        return embedding
    return lambda ids: tf.nn.embedding_lookup(embedding, ids)


def _unstack_ta(inp):
    return tf.TensorArray(dtype=inp.dtype, size=tf.shape(inp)[0], element_shape=inp.shape[1:]).unstack(inp)


def _sample_batch(draw_n, sample_shape):
    """Samples shaped `sample_shape + batch shape` from `draw_n(n)` ([n] + batch shape)."""
    sample_shape = tf.convert_to_tensor(sample_shape, dtype=tf.int32, name="sample_shape")
    sample_shape = tf.reshape(sample_shape, [-1])
    samples = draw_n(tf.reduce_prod(sample_shape))
    return tf.reshape(samples, tf.concat([sample_shape, tf.shape(samples)[1:]], 0))


def bernoulli_sample(probs=None, logits=None, dtype=tf.int32, sample_shape=(), seed=None):
    """Bernoulli draws (uniform < p), as TF 1.15's helper drew them without `tf.distributions`."""
    probs = tf.sigmoid(logits, name="probs") if probs is None else tf.convert_to_tensor(probs, name="probs")

    def draw_n(n):
        uniform = v1.random_uniform(tf.concat([[n], tf.shape(probs)], 0), seed=seed, dtype=probs.dtype)
        return tf.cast(tf.less(uniform, probs), dtype)

    return _sample_batch(draw_n, sample_shape)


def categorical_sample(logits, dtype=tf.int32, sample_shape=(), seed=None):
    """Categorical draws from `logits` ([..., classes]) through `multinomial`."""
    logits = tf.convert_to_tensor(logits, name="logits")
    classes, batch_shape = tf.shape(logits)[-1], tf.shape(logits)[:-1]

    def draw_n(n):
        flat = logits if logits.shape.ndims == 2 else tf.reshape(logits, [-1, classes])
        draws = v1.multinomial(flat, n, seed=seed,
                               output_dtype=tf.int64 if logits.dtype.size > 4 else tf.int32)
        return tf.cast(tf.reshape(tf.transpose(draws), tf.concat([[n], batch_shape], 0)), dtype)

    return _sample_batch(draw_n, sample_shape)


class Helper(abc.ABC):
    """The interface `BasicDecoder` uses: `initialize`, `sample`, `next_inputs`."""

    @property
    @abc.abstractmethod
    def batch_size(self):
        """A scalar int32 tensor."""

    @property
    @abc.abstractmethod
    def sample_ids_shape(self):
        """A `TensorShape` (per batch entry)."""

    @property
    @abc.abstractmethod
    def sample_ids_dtype(self):
        """A DType."""

    @abc.abstractmethod
    def initialize(self, name=None):
        """`(initial_finished, initial_inputs)`."""

    @abc.abstractmethod
    def sample(self, time, outputs, state, name=None):
        """`sample_ids`."""

    @abc.abstractmethod
    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        """`(finished, next_inputs, next_state)`."""


class CustomHelper(Helper):
    """A helper made of three functions; its batch size is known once `initialize` ran."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None, sample_ids_dtype=None):
        self._initialize_fn = initialize_fn
        self._sample_fn = sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = tf.TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = sample_ids_dtype or tf.int32

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_ids_dtype

    def initialize(self, name=None):
        with v1.name_scope(name, "%sInitialize" % type(self).__name__):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = tf.size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with v1.name_scope(name, "%sSample" % type(self).__name__):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with v1.name_scope(name, "%sNextInputs" % type(self).__name__):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state, sample_ids=sample_ids)


class TrainingHelper(Helper):
    """Reads the given inputs step by step (teacher forcing); its samples are the outputs' argmax."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with v1.name_scope(name, "TrainingHelper", [inputs, sequence_length]):
            inputs = tf.convert_to_tensor(inputs, name="inputs")
            self._inputs = inputs
            if not time_major:
                inputs = nest.map_structure(_transpose_batch_time, inputs)
            self._input_tas = nest.map_structure(_unstack_ta, inputs)
            self._sequence_length = tf.convert_to_tensor(sequence_length, name="sequence_length")
            if self._sequence_length.shape.ndims != 1:
                raise ValueError("Expected sequence_length to be a vector, but received shape: %s"
                                 % self._sequence_length.shape)
            self._zero_inputs = nest.map_structure(lambda inp: tf.zeros_like(inp[0, :]), inputs)
            self._batch_size = tf.size(sequence_length)

    @property
    def inputs(self):
        return self._inputs

    @property
    def sequence_length(self):
        return self._sequence_length

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return tf.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return tf.int32

    def initialize(self, name=None):
        with v1.name_scope(name, "TrainingHelperInitialize"):
            finished = tf.equal(0, self._sequence_length)
            return finished, self._inputs_at(0, finished)

    def sample(self, time, outputs, name=None, **unused_kwargs):
        with v1.name_scope(name, "TrainingHelperSample", [time, outputs]):
            return tf.cast(tf.argmax(outputs, axis=-1), tf.int32)

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        with v1.name_scope(name, "TrainingHelperNextInputs", [time, outputs, state]):
            finished = time + 1 >= self._sequence_length
            return finished, self._inputs_at(time + 1, finished), state

    def _inputs_at(self, time, finished):
        """The inputs of step `time`, or zeros once every entry is finished (there may be no step `time`)."""
        return tf.cond(tf.reduce_all(finished), lambda: self._zero_inputs,
                       lambda: nest.map_structure(lambda ta: ta.read(time), self._input_tas))


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """A `TrainingHelper` that, with `sampling_probability`, feeds the embedding of a sampled id instead."""

    def __init__(self, inputs, sequence_length, embedding, sampling_probability, time_major=False,
                 seed=None, scheduling_seed=None, name=None):
        with v1.name_scope(name, "ScheduledEmbeddingSamplingWrapper", [embedding, sampling_probability]):
            self._embedding_fn = _embedding_fn(embedding)
            self._sampling_probability = _checked_probability(sampling_probability)
            self._seed = seed
            self._scheduling_seed = scheduling_seed
            super().__init__(inputs=inputs, sequence_length=sequence_length, time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with v1.name_scope(name, "ScheduledEmbeddingTrainingHelperSample", [time, outputs, state]):
            select = bernoulli_sample(probs=self._sampling_probability, dtype=tf.bool,
                                      sample_shape=self.batch_size, seed=self._scheduling_seed)
            return v1.where(select, categorical_sample(logits=outputs, seed=self._seed),
                            tf.fill([self.batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with v1.name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs",
                           [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)

            def mixed():
                sampled = tf.cast(v1.where(sample_ids > -1), tf.int32)
                kept = tf.cast(v1.where(sample_ids <= -1), tf.int32)
                return _scatter_two(sampled, self._embedding_fn(tf.gather_nd(sample_ids, sampled)),
                                    kept, tf.gather_nd(base_next_inputs, kept), tf.shape(base_next_inputs))

            next_inputs = tf.cond(tf.reduce_all(finished), lambda: base_next_inputs, mixed)
            return finished, next_inputs, state


class ScheduledOutputTrainingHelper(TrainingHelper):
    """A `TrainingHelper` that, with `sampling_probability`, feeds the previous output (optionally
    through `next_inputs_fn`, with `auxiliary_inputs` appended) instead of the given input."""

    def __init__(self, inputs, sequence_length, sampling_probability, time_major=False, seed=None,
                 next_inputs_fn=None, auxiliary_inputs=None, name=None):
        with v1.name_scope(name, "ScheduledOutputTrainingHelper",
                           [inputs, auxiliary_inputs, sampling_probability]):
            self._sampling_probability = _checked_probability(sampling_probability)
            if auxiliary_inputs is None:
                given = inputs
            else:
                inputs = tf.convert_to_tensor(inputs, name="inputs")
                auxiliary_inputs = tf.convert_to_tensor(auxiliary_inputs, name="auxiliary_inputs")
                given = nest.map_structure(lambda x, y: tf.concat((x, y), -1), inputs, auxiliary_inputs)
                if not time_major:
                    auxiliary_inputs = nest.map_structure(_transpose_batch_time, auxiliary_inputs)
            self._auxiliary_input_tas = (None if auxiliary_inputs is None
                                         else nest.map_structure(_unstack_ta, auxiliary_inputs))
            self._seed = seed
            self._next_inputs_fn = next_inputs_fn
            super().__init__(inputs=given, sequence_length=sequence_length, time_major=time_major, name=name)

    def sample(self, time, outputs, state, name=None):
        with v1.name_scope(name, "ScheduledOutputTrainingHelperSample", [time, outputs, state]):
            return bernoulli_sample(probs=self._sampling_probability, sample_shape=self.batch_size, seed=self._seed)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with v1.name_scope(name, "ScheduledOutputTrainingHelperNextInputs", [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)
            sampling = tf.cast(sample_ids, tf.bool)

            def with_auxiliary(values, indices=None):
                if self._auxiliary_input_tas is None:
                    return values
                auxiliary = nest.map_structure(lambda ta: ta.read(time + 1), self._auxiliary_input_tas)
                if indices is not None:
                    auxiliary = tf.gather_nd(auxiliary, indices)
                return nest.map_structure(lambda x, y: tf.concat((x, y), -1), values, auxiliary)

            def mixed():
                if self._next_inputs_fn is None:
                    return v1.where(sampling, with_auxiliary(outputs), base_next_inputs)
                sampled = tf.cast(v1.where(sampling), tf.int32)
                kept = tf.cast(v1.where(tf.logical_not(sampling)), tf.int32)
                made = with_auxiliary(self._next_inputs_fn(tf.gather_nd(outputs, sampled)), sampled)
                return _scatter_two(sampled, made, kept, tf.gather_nd(base_next_inputs, kept),
                                    tf.shape(base_next_inputs))

            skip = tf.logical_or(tf.reduce_all(finished), tf.logical_not(tf.reduce_any(sampling)))
            next_inputs = tf.cond(skip, lambda: base_next_inputs, mixed)
            return finished, next_inputs, state


class GreedyEmbeddingHelper(Helper):
    """Feeds the embedding of the outputs' argmax; an entry is finished when it emits `end_token`."""

    def __init__(self, embedding, start_tokens, end_token):
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = tf.convert_to_tensor(start_tokens, dtype=tf.int32, name="start_tokens")
        self._end_token = tf.convert_to_tensor(end_token, dtype=tf.int32, name="end_token")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._batch_size = tf.size(start_tokens)
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._start_inputs = self._embedding_fn(self._start_tokens)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return tf.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return tf.int32

    def initialize(self, name=None):
        return tf.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return tf.argmax(_single_tensor(outputs), axis=-1, output_type=tf.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        finished = tf.equal(sample_ids, self._end_token)
        next_inputs = tf.cond(tf.reduce_all(finished), lambda: self._start_inputs,
                              lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """A `GreedyEmbeddingHelper` that samples the id from softmax(outputs / softmax_temperature)."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None, seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        logits = _single_tensor(outputs)
        if self._softmax_temperature is not None:
            logits = logits / self._softmax_temperature
        return categorical_sample(logits=logits, seed=self._seed)


class InferenceHelper(Helper):
    """Inference on continuous outputs: `sample_fn(outputs)` gives ids, `end_fn(ids)` the finished
    flags, and the next inputs are `next_inputs_fn(ids)` (the ids themselves by default)."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn, next_inputs_fn=None):
        self._sample_fn = sample_fn
        self._end_fn = end_fn
        self._sample_shape = tf.TensorShape(sample_shape)
        self._sample_dtype = sample_dtype
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = tf.shape(start_inputs)[0]
        self._start_inputs = tf.convert_to_tensor(start_inputs, name="start_inputs")

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def initialize(self, name=None):
        return tf.tile([False], [self._batch_size]), self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        next_inputs = sample_ids if self._next_inputs_fn is None else self._next_inputs_fn(sample_ids)
        return self._end_fn(sample_ids), next_inputs, state


def _checked_probability(sampling_probability):
    probability = tf.convert_to_tensor(sampling_probability, name="sampling_probability")
    if probability.shape.ndims not in (0, 1):
        raise ValueError("sampling_probability must be either a scalar or a vector. saw shape: %s"
                         % probability.shape)
    return probability


def _scatter_two(indices_a, updates_a, indices_b, updates_b, shape):
    """Rows `updates_a` at `indices_a` and `updates_b` at `indices_b` of one tensor shaped `shape`."""
    return (tf.scatter_nd(indices=indices_a, updates=updates_a, shape=shape)
            + tf.scatter_nd(indices=indices_b, updates=updates_b, shape=shape))


def _single_tensor(outputs):
    if not isinstance(outputs, tf.Tensor):
        raise TypeError("Expected outputs to be a single Tensor, got: %s" % type(outputs))
    return outputs
