"""`input_data.read_data_sets` against TF 1.15's documented behaviour, on small IDX files written here."""
import numpy as np
import pytest

from mnist_files import write_idx, write_mnist
from tf1_graphs.examples.tutorials.mnist import input_data

TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"
# float32 images are pixels * float32(1/255): within one float32 rounding (6e-8 at 1.0) of pixels / 255
SCALING_TOLERANCE = 1e-7


@pytest.fixture
def mnist(tmp_path):
    return tmp_path, write_mnist(tmp_path, train=12, test=3)


def test_images_are_scaled_rows_and_validation_is_the_first_examples(mnist):
    folder, arrays = mnist
    data = input_data.read_data_sets(str(folder), validation_size=4)
    pixels = arrays[TRAIN_IMAGES].reshape(12, 784) / 255.0
    assert data.train.images.dtype == np.float32 and data.train.images.shape == (8, 784)
    np.testing.assert_allclose(data.validation.images, pixels[:4], rtol=0, atol=SCALING_TOLERANCE)
    np.testing.assert_allclose(data.train.images, pixels[4:], rtol=0, atol=SCALING_TOLERANCE)
    with pytest.raises(AssertionError):  # the twin: unscaled pixels are not what it returns
        np.testing.assert_allclose(data.train.images, pixels[4:] * 255, rtol=0, atol=SCALING_TOLERANCE)
    np.testing.assert_array_equal(data.train.labels, arrays[TRAIN_LABELS][4:])
    assert (data.train.num_examples, data.validation.num_examples, data.test.num_examples) == (8, 4, 3)


def test_one_hot_labels_and_uint8_images_unreshaped(mnist):
    folder, arrays = mnist
    data = input_data.read_data_sets(str(folder), one_hot=True, dtype=np.uint8, reshape=False,
                                     validation_size=0)
    np.testing.assert_array_equal(data.train.labels, np.eye(10)[arrays[TRAIN_LABELS]])
    assert data.train.labels.dtype == np.float64
    np.testing.assert_array_equal(data.train.images, arrays[TRAIN_IMAGES][..., None])


def test_next_batch_stitches_an_epochs_tail_to_the_next_ones_head(mnist):
    folder, arrays = mnist
    train = input_data.read_data_sets(str(folder), validation_size=4).train
    batches = [train.next_batch(5, shuffle=False)[1] for _ in range(3)]
    order = np.concatenate([np.arange(8), np.arange(8)])[:15]  # examples 0..7, then 0..6
    np.testing.assert_array_equal(np.concatenate(batches), arrays[TRAIN_LABELS][4:][order])
    assert train.epochs_completed == 1
    restarted = np.concatenate([np.arange(5), np.arange(5), np.arange(5)])  # the twin: no stitching
    assert not np.array_equal(np.concatenate(batches), arrays[TRAIN_LABELS][4:][restarted])


@pytest.mark.parametrize("reference_seed, matches", [(5, True), (6, False)])
def test_shuffling_follows_numpy_reseeded_from_the_op_seed(mnist, reference_seed, matches):
    folder, arrays = mnist
    train = input_data.read_data_sets(str(folder), validation_size=4, seed=5).train
    first_epoch = train.next_batch(8)[1]
    np.random.seed(reference_seed)  # TF 1.15: each DataSet calls numpy.random.seed(op seed)
    order = np.arange(8)
    np.random.shuffle(order)
    assert np.array_equal(first_epoch, arrays[TRAIN_LABELS][4:][order]) == matches


def test_fake_data_gives_ones_and_the_first_class():
    data = input_data.read_data_sets("unused", fake_data=True, one_hot=True)
    images, labels = data.train.next_batch(2, fake_data=True)
    assert images == [[1] * 784] * 2 and labels == [[1] + [0] * 9] * 2
    assert data.train.num_examples == 10000


def test_missing_files_name_all_four_and_the_folder(tmp_path):
    with pytest.raises(input_data.MissingDataFiles) as caught:
        input_data.read_data_sets(str(tmp_path / "MNIST_data"))
    message = str(caught.value)
    assert all(name in message for name in input_data.FILES) and str(tmp_path / "MNIST_data") in message
    assert not (tmp_path / "MNIST_data").exists()  # nothing created, nothing downloaded


def test_one_missing_file_is_named_alone(mnist):
    folder, _ = mnist
    (folder / TRAIN_LABELS).unlink()
    with pytest.raises(input_data.MissingDataFiles) as caught:
        input_data.read_data_sets(str(folder))
    message = str(caught.value)
    assert f"{TRAIN_LABELS} is not in {folder}" in message
    # the twin: the three files that are there go unnamed
    assert not any(name in message for name in input_data.FILES if name != TRAIN_LABELS)


def test_bad_magic_and_bad_validation_size_are_refused(mnist):
    folder, arrays = mnist
    with pytest.raises(ValueError, match="Validation size should be between 0 and 12. Received: 13."):
        input_data.read_data_sets(str(folder), validation_size=13)
    write_idx(folder / TRAIN_LABELS, 2051, arrays[TRAIN_LABELS])
    with pytest.raises(ValueError, match="Invalid magic number 2051 in MNIST label file"):
        input_data.read_data_sets(str(folder))
