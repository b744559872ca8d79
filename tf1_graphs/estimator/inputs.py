"""`tf.estimator.inputs.numpy_input_fn`: batches of NumPy arrays as an Estimator's input.

TF 1.15 fed the arrays through a queue filled by Python threads (so the graph stayed small
however large the arrays).  Here a `tf.data` generator plays that part: the arrays stay in
Python, the graph holds one `IteratorGetNext`, and the batches are TF 1.15's: the features as
a dict with `x`'s keys (or the tensor itself when `x` is an array), `num_epochs` passes over
the data as one stream (a batch may straddle two epochs), a smaller last batch when
`num_epochs` is set, and a static batch size when it is None.  With `shuffle=True` each epoch
is a permutation drawn from NumPy's global generator (TF 1.15's shuffling queue gave another
order, which no seed reproduced).  `pandas_input_fn` is not provided.
"""
import collections

import numpy as np
import tensorflow as _tf

from tf1_graphs.estimator._missing import refuse_missing

_v1 = _tf.compat.v1
_TARGET_KEY = "__target_key__"


def _feature_columns(x):
    if isinstance(x, dict):
        if not x:
            raise ValueError("x cannot be an empty dict")
        return collections.OrderedDict(sorted(x.items(), key=lambda item: item[0]))
    if isinstance(x, np.ndarray):
        if x.size == 0:
            raise ValueError("x cannot be an empty array")
        return collections.OrderedDict({"__direct_np_input__": x})
    raise TypeError(f"x must be a dict or array; got {type(x).__name__}")


def _index_stream(length, num_epochs, shuffle):
    """Row indices, epoch after epoch (forever when num_epochs is None)."""
    epoch = 0
    while num_epochs is None or epoch < num_epochs:
        yield from (np.random.permutation(length) if shuffle else range(length))
        epoch += 1


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000, num_threads=1):
    """An input_fn giving (features, targets) batches of `x` and `y` (features alone when `y` is None).

    `queue_capacity` and `num_threads` sized TF 1.15's queue; they are accepted and unused.
    """
    if not isinstance(shuffle, bool):
        raise ValueError("shuffle must be provided and explicitly set as boolean (it is recommended to set it as "
                         f"True for training); got {shuffle}")

    def input_fn():
        columns = _feature_columns(x)
        feature_keys = list(columns)
        if y is None:
            target_keys = None
        elif isinstance(y, dict):
            if not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            targets = collections.OrderedDict(sorted(y.items(), key=lambda item: item[0]))
            target_keys = list(targets)
            duplicates = set(feature_keys) & set(target_keys)
            if duplicates:
                raise ValueError(f"{len(duplicates)} duplicate keys are found in both x and y: {duplicates}")
            columns.update(targets)
        else:
            target_keys = _TARGET_KEY
            while target_keys in columns:
                target_keys += "_n"
            columns[target_keys] = y
        arrays = [np.asarray(value) for value in columns.values()]
        if len({array.shape[0] for array in arrays}) != 1:
            x_shapes = {k: columns[k].shape for k in feature_keys}
            y_shapes = (None if target_keys is None else y.shape if isinstance(target_keys, str)
                        else {k: columns[k].shape for k in target_keys})
            raise ValueError("Length of tensors in x and y is mismatched. All elements in x and y must have the same "
                             f"length.\nShapes in x: {x_shapes}\nShapes in y: {y_shapes}\n")

        def batches():
            indices = []
            for index in _index_stream(len(arrays[0]), num_epochs, shuffle):
                indices.append(index)
                if len(indices) == batch_size:
                    yield tuple(array[indices] for array in arrays)
                    indices = []
            if indices:  # only reached with a finite num_epochs: the smaller last batch
                yield tuple(array[indices] for array in arrays)

        rows = batch_size if num_epochs is None else None
        signature = tuple(_tf.TensorSpec((rows,) + array.shape[1:], _tf.as_dtype(array.dtype)) for array in arrays)
        dataset = _tf.data.Dataset.from_generator(batches, output_signature=signature)
        batch = list(_v1.data.make_one_shot_iterator(dataset).get_next())
        features = batch[0] if isinstance(x, np.ndarray) else dict(zip(feature_keys, batch[:len(feature_keys)]))
        if target_keys is None:
            return features
        if isinstance(target_keys, str):
            return features, batch[-1]
        return features, dict(zip(target_keys, batch[-len(target_keys):]))

    return input_fn


__getattr__ = refuse_missing("tf.estimator.inputs", {"pandas_input_fn"})
