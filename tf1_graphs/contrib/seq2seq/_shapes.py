"""Shape helpers every seq2seq module needs: a static size when known, else the dynamic one."""
import tensorflow as tf

nest = tf.nest


def dim(tensor, axis):
    """`tensor.shape[axis]` when static, else `tf.shape(tensor)[axis]` (TF 1.15's `x or shape(t)[i]`)."""
    return tf.compat.dimension_value(tensor.shape[axis]) or tf.shape(tensor)[axis]


def zeros_for(size, batch_size, dtype):
    """Zeros shaped [batch_size] + size for each size in a nested structure of sizes (a cell's zero state).

    A size is an int, a TensorShape, or a scalar tensor (an attention's memory length unknown
    until run time)."""
    static_batch = tf.get_static_value(batch_size)

    def zeros(s):
        if isinstance(s, tf.Tensor):
            dynamic, static = tf.reshape(s, [1]), tf.TensorShape([tf.get_static_value(s)])
        else:
            static = tf.TensorShape(s)
            dynamic = tf.constant(static.as_list(), tf.int32)
        value = tf.zeros(tf.concat([tf.reshape(tf.cast(batch_size, tf.int32), [1]), dynamic], 0), dtype=dtype)
        value.set_shape(tf.TensorShape([static_batch]).concatenate(static))
        return value

    return nest.map_structure(zeros, size)
