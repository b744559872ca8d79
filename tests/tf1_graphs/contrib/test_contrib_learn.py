"""contrib.learn: VocabularyProcessor against TF 1.15's documented behaviour, and ModeKeys.

Facts used: the tokenizer keeps runs of word characters, `'` and `-` (so a lone `-` is a
token, `,` is not); ids start at 1 in first-seen order, 0 is `<UNK>` and the padding;
`min_frequency` drops words seen that many times or fewer and renumbers by count.
"""
import numpy as np

from tf1_graphs import tf

preprocessing = tf.contrib.learn.preprocessing


def test_tokenizer():
    docs = ["a b c", "a\nb\nc", "a, b - c", "фыв выф", "1 2 3", "don't stop-here"]
    assert list(preprocessing.tokenizer(docs)) == [
        ["a", "b", "c"], ["a", "b", "c"], ["a", "b", "-", "c"], ["фыв", "выф"], ["1", "2", "3"],
        ["don't", "stop-here"]]
    assert list(preprocessing.tokenizer(["a,b"])) != [["a,b"]]


def test_fit_transform_pads_with_zero_and_truncates():
    vp = preprocessing.VocabularyProcessor(max_document_length=4)
    ids = np.array(list(vp.fit_transform(["a b c", "a\nb\nc", "a, b - c", "c b a a a a"])))
    np.testing.assert_array_equal(ids, [[1, 2, 3, 0], [1, 2, 3, 0], [1, 2, 4, 3], [3, 2, 1, 1]])
    assert ids.dtype == np.int64 and len(vp.vocabulary_) == 5  # <UNK>, a, b, c, -
    assert not np.array_equal(ids[0], [0, 1, 2, 0])  # ids start at 1: 0 is <UNK>


def test_unknown_words_map_to_zero_and_reverse_names_them():
    vp = preprocessing.VocabularyProcessor(3).fit(["a b"])
    ids = list(vp.transform(["b z"]))
    np.testing.assert_array_equal(ids, [[2, 0, 0]])
    assert list(vp.reverse(ids)) == ["b <UNK> <UNK>"]
    assert len(vp.vocabulary_) == 3  # transform does not grow a fitted vocabulary


def test_min_frequency_keeps_words_seen_more_often_renumbered_by_count():
    """Counts: c 4, b 4, a 4, d 3, e 2, f 1. min_frequency=2 keeps counts > 2, ties alphabetically."""
    vp = preprocessing.VocabularyProcessor(6, min_frequency=2)
    ids = list(vp.fit_transform(["c b a d e f", "c b a d e", "c b a d", "c b a"]))
    np.testing.assert_array_equal(ids[0], [3, 2, 1, 4, 0, 0])
    assert not np.array_equal(ids[0], [3, 2, 1, 4, 5, 0])  # >= would have kept e


def test_save_restore_round_trip(tmp_path):
    vp = preprocessing.VocabularyProcessor(5, min_frequency=0).fit(["the cat sat", "the dog"])
    path = str(tmp_path / "vocab")
    vp.save(path)
    restored = preprocessing.VocabularyProcessor.restore(path)
    docs = ["the dog sat", "a cat"]
    np.testing.assert_array_equal(list(restored.transform(docs)), list(vp.transform(docs)))
    other = preprocessing.VocabularyProcessor(5).fit(["dog the"])
    assert not np.array_equal(list(other.transform(docs)), list(vp.transform(docs)))


def test_mode_keys():
    keys = tf.contrib.learn.ModeKeys
    assert (keys.TRAIN, keys.EVAL, keys.INFER) == ("train", "eval", "infer")
