"""`gather_tree`, the beam-search back-trace, from core ops: TensorFlow 2.21 has no `GatherTree` kernel.

For each batch entry b and beam k it follows the parent pointers back from step
min(max_sequence_lengths[b], max_time) - 1, writing the token each step chose on the way, as
TF 1.15's kernel did: steps at or past that length are `end_token`, and once a path reaches
`end_token` every later step is `end_token` too.  A parent id below 0 or above beam_width
fails with TF 1.15's message ("Saw invalid parent id ... at (batch, time, beam) == ...");
one equal to beam_width, which TF 1.15's CPU kernel accepted and read past the row with, is
read as the last beam here.
"""
import tensorflow as tf

v1 = tf.compat.v1


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """[max_time, batch, beam] token ids of each beam's full path, from per-step ids and parents."""
    with v1.name_scope(name, "GatherTree", [step_ids, parent_ids, max_sequence_lengths, end_token]):
        step_ids = tf.convert_to_tensor(step_ids, name="step_ids")
        parent_ids = tf.convert_to_tensor(parent_ids, dtype=step_ids.dtype, name="parent_ids")
        max_sequence_lengths = tf.convert_to_tensor(max_sequence_lengths, dtype=tf.int32,
                                                    name="max_sequence_lengths")
        end_token = tf.convert_to_tensor(end_token, dtype=step_ids.dtype, name="end_token")
        max_time, beam_width = tf.shape(step_ids)[0], tf.shape(step_ids)[2]
        lengths = tf.minimum(max_sequence_lengths, max_time)[:, None]  # [batch, 1]
        own_beams = tf.broadcast_to(tf.range(beam_width, dtype=step_ids.dtype), tf.shape(step_ids)[1:])

        def back_one_step(carried, step):
            """From the pointers into step `time` to its tokens and the pointers into step `time - 1`."""
            pointer, _ = carried
            time, ids, parents = step
            in_sequence = time < lengths
            below_leaf = time < lengths - 1
            with tf.control_dependencies([_assert_valid(pointer, below_leaf, time, beam_width)]):
                safe = tf.clip_by_value(pointer, 0, tf.cast(beam_width, pointer.dtype) - 1)
            tokens = tf.where(in_sequence, tf.gather(ids, safe, batch_dims=1), end_token)
            return tf.where(in_sequence, tf.gather(parents, safe, batch_dims=1), pointer), tokens

        _, beams = tf.scan(back_one_step, (tf.range(max_time), step_ids, parent_ids),
                           initializer=(own_beams, tf.zeros_like(own_beams)), reverse=True)
        in_sequence = tf.range(max_time)[:, None, None] < lengths[None]
        ended_before = tf.cumsum(tf.cast(tf.logical_and(tf.equal(beams, end_token), in_sequence), tf.int32),
                                 axis=0, exclusive=True) > 0
        beams = tf.where(ended_before, tf.broadcast_to(end_token, tf.shape(beams)), beams)
        beams.set_shape(step_ids.shape)
        return beams


def _assert_valid(pointer, checked, time, beam_width):
    """TF 1.15's error for the first (batch, beam) whose parent pointer leaves [0, beam_width]."""
    bad = tf.logical_and(checked, tf.logical_or(pointer < 0, pointer > tf.cast(beam_width, pointer.dtype)))
    first = tf.argmax(tf.cast(tf.reshape(bad, [-1]), tf.int32), output_type=tf.int32)
    batch, beam = first // beam_width, first % beam_width
    message = tf.strings.format("Saw invalid parent id {} at (batch, time, beam) == ({}, {}, {})",
                                (tf.reshape(pointer, [-1])[first], batch, time, beam))
    return tf.debugging.Assert(tf.logical_not(tf.reduce_any(bad)), [message])
