"""`input_data.read_data_sets`: TF 1.x's MNIST reader, for `from tensorflow.examples.tutorials.mnist import input_data`.

The same arguments, return value (`Datasets(train, validation, test)`), prints and
`DataSet` behaviour as TF 1.15's reader: images as [n, 784] float32 scaled to [0, 1]
(or uint8, or [n, 28, 28, 1] with `reshape=False`), labels as uint8 ids or float64 one-hot
rows, the first `validation_size` training examples set aside for validation, and
`next_batch` shuffling at each epoch's start and stitching one epoch's tail to the next
one's head.  Like TF 1.15, each `DataSet` reseeds NumPy from the graph seed (with none,
from the OS).  One difference: it never downloads.  The four standard `.gz` files must be
in `train_dir`, else `MissingDataFiles` names those that are not.
"""
import collections
import gzip
import os

import numpy

from tf1_graphs.namespace import tf
from tf1_graphs.refusals import Refusal

FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
_IMAGES_MAGIC, _LABELS_MAGIC = 2051, 2049  # the IDX headers' first big-endian uint32

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


class MissingDataFiles(Refusal, FileNotFoundError):
    """MNIST files are not in `train_dir` (TF 1.x would have downloaded them)."""


def _read_idx(path, magic, kind):
    """The uint8 payload of an IDX file and its dimensions, after checking its magic number."""
    print("Extracting", path)
    with gzip.open(path, "rb") as stream:
        found = int(numpy.frombuffer(stream.read(4), dtype=">u4")[0])
        if found != magic:
            raise ValueError(f"Invalid magic number {found} in MNIST {kind} file: {path}")
        dims = numpy.frombuffer(stream.read(4 * (3 if kind == "image" else 1)), dtype=">u4")
        data = numpy.frombuffer(stream.read(int(numpy.prod(dims))), dtype=numpy.uint8)
    return data.reshape([int(d) for d in dims])


def extract_images(path):
    """[n, rows, cols, 1] uint8 images from an IDX image file."""
    return _read_idx(path, _IMAGES_MAGIC, "image")[..., numpy.newaxis]


def dense_to_one_hot(labels_dense, num_classes):
    """[n] class ids -> [n, num_classes] float64 rows of zeros with a 1 at the id."""
    one_hot = numpy.zeros((labels_dense.shape[0], num_classes))
    one_hot[numpy.arange(labels_dense.shape[0]), labels_dense] = 1
    return one_hot


def extract_labels(path, one_hot=False, num_classes=10):
    """[n] uint8 labels from an IDX label file, or their one-hot rows."""
    labels = _read_idx(path, _LABELS_MAGIC, "label")
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


class DataSet:
    """Images and labels with an epoch-aware, shuffling `next_batch`, as TF 1.15's."""

    def __init__(self, images, labels, fake_data=False, one_hot=False, dtype=tf.float32,
                 reshape=True, seed=None):
        graph_seed, op_seed = tf.get_seed(seed)
        numpy.random.seed(graph_seed if seed is None else op_seed)
        dtype = tf.as_dtype(dtype).base_dtype
        if dtype not in (tf.uint8, tf.float32):
            raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
        if fake_data:
            self._num_examples = 10000
            self.one_hot = one_hot
        else:
            assert images.shape[0] == labels.shape[0], (
                f"images.shape: {images.shape} labels.shape: {labels.shape}")
            self._num_examples = images.shape[0]
            if reshape:
                assert images.shape[3] == 1
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if dtype == tf.float32:
                images = numpy.multiply(images.astype(numpy.float32), 1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self):
        return self._images

    @property
    def labels(self):
        return self._labels

    @property
    def num_examples(self):
        return self._num_examples

    @property
    def epochs_completed(self):
        return self._epochs_completed

    def _shuffle(self):
        order = numpy.arange(self._num_examples)
        numpy.random.shuffle(order)
        self._images = self._images[order]
        self._labels = self._labels[order]

    def next_batch(self, batch_size, fake_data=False, shuffle=True):
        """The next `batch_size` examples; across an epoch's end, its tail then the next epoch's head."""
        if fake_data:
            label = [1] + [0] * 9 if self.one_hot else 0
            return [[1] * 784 for _ in range(batch_size)], [label for _ in range(batch_size)]
        start = self._index_in_epoch
        if shuffle and self._epochs_completed == 0 and start == 0:
            self._shuffle()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch = start + batch_size
            return self._images[start:self._index_in_epoch], self._labels[start:self._index_in_epoch]
        self._epochs_completed += 1
        tail_images, tail_labels = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = batch_size - (self._num_examples - start)
        head = slice(0, self._index_in_epoch)
        return (numpy.concatenate((tail_images, self._images[head]), axis=0),
                numpy.concatenate((tail_labels, self._labels[head]), axis=0))


def read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=tf.float32, reshape=True,
                   validation_size=5000, seed=None, source_url=None):
    """MNIST from the four IDX `.gz` files in `train_dir`: `Datasets(train, validation, test)`.

    `source_url` is accepted, as TF 1.x programs pass it, and unused: nothing is downloaded.
    """
    options = dict(dtype=dtype, reshape=reshape, seed=seed)
    if fake_data:
        return Datasets(*(DataSet([], [], fake_data=True, one_hot=one_hot, **options)
                          for _ in range(3)))
    paths = [os.path.join(train_dir, name) for name in FILES]
    missing = [name for name, path in zip(FILES, paths) if not os.path.isfile(path)]
    if missing:
        raise MissingDataFiles(
            f"MNIST not found: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not in "
            f"{os.path.abspath(train_dir)} (read_data_sets reads {len(FILES)} files there and never downloads)")
    train_images = extract_images(paths[0])
    train_labels = extract_labels(paths[1], one_hot=one_hot)
    test_images = extract_images(paths[2])
    test_labels = extract_labels(paths[3], one_hot=one_hot)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"Validation size should be between 0 and {len(train_images)}. "
                         f"Received: {validation_size}.")
    return Datasets(
        train=DataSet(train_images[validation_size:], train_labels[validation_size:], **options),
        validation=DataSet(train_images[:validation_size], train_labels[:validation_size], **options),
        test=DataSet(test_images, test_labels, **options))
