"""Shape helpers every seq2seq module needs: a static size when known, else the dynamic one."""
import tensorflow as tf

nest = tf.nest


def dim(tensor, axis):
    """`tensor.shape[axis]` when static, else `tf.shape(tensor)[axis]` (TF 1.15's `x or shape(t)[i]`)."""
    return tf.compat.dimension_value(tensor.shape[axis]) or tf.shape(tensor)[axis]


def zeros_for(size, batch_size, dtype):
    """Zeros shaped [batch_size] + size for each size in a nested structure of sizes (a cell's zero state)."""
    static_batch = tf.get_static_value(batch_size)

    def zeros(s):
        shape = tf.TensorShape(s)
        full = tf.concat([tf.reshape(tf.cast(batch_size, tf.int32), [1]),
                          tf.constant(shape.as_list(), tf.int32)], 0)
        value = tf.zeros(full, dtype=dtype)
        value.set_shape(tf.TensorShape([static_batch]).concatenate(shape))
        return value

    return nest.map_structure(zeros, size)
