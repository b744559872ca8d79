"""`tf.contrib.data`: the names TF 1.15 kept there after moving them to `tf.data.experimental`.

Aliases of TF 2.21's `tf.data.experimental`, plus the three contrib-only conveniences
that are one line on today's `Dataset` (`batch_and_drop_remainder`,
`padded_batch_and_drop_remainder`, `sloppy_interleave`). The rest (`LMDBDataset`,
`assert_element_shape`, `sliding_window_batch`...) is refused by name.
"""
import tensorflow as _tf


_MOVED = (
    "AUTOTUNE", "Counter", "CsvDataset", "Optional", "RandomDataset", "Reducer", "SqlDataset", "TFRecordWriter",
    "bucket_by_sequence_length", "choose_from_datasets", "copy_to_device", "dense_to_sparse_batch",
    "enumerate_dataset", "get_next_as_optional", "get_single_element", "group_by_reducer", "group_by_window",
    "ignore_errors", "make_batched_features_dataset", "make_csv_dataset", "make_saveable_from_iterator",
    "map_and_batch", "parallel_interleave", "parse_example_dataset", "prefetch_to_device", "rejection_resample",
    "sample_from_datasets", "scan", "shuffle_and_repeat", "unbatch", "unique",
)
globals().update({name: getattr(_tf.data.experimental, name) for name in _MOVED})


def batch_and_drop_remainder(batch_size):
    """A `Dataset.apply` transformation: batches of exactly `batch_size`, the short last one dropped."""
    return lambda dataset: dataset.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    return lambda dataset: dataset.padded_batch(batch_size, padded_shapes, padding_values, drop_remainder=True)


def sloppy_interleave(map_func, cycle_length, block_length=1):
    """`parallel_interleave` that may return elements out of order for speed."""
    return _tf.data.experimental.parallel_interleave(map_func, cycle_length, block_length, sloppy=True)


from tf1_graphs.contrib._missing import refuse_missing  # noqa: E402
__getattr__ = refuse_missing(__name__)
