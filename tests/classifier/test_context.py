import numpy as np

from lakerefine.udfs.classifier.context import CONTEXT_FEATURE_NAMES, context_features

COLUMN = {name: i for i, name in enumerate(CONTEXT_FEATURE_NAMES)}


def _context(probability, words, lengths):
    probability, words = np.asarray(probability, dtype=np.float64), np.asarray(words, dtype=np.float64)
    return context_features(probability, words > 0, words, np.asarray(lengths))


def test_neighbours_windows_and_shares_of_one_text_counted_by_hand():
    # lines: menu (p .1, 2 words), blank, article (p .9, 12), article (p .8, 10), footer (p .2, 3)
    matrix = _context([0.1, 0.0, 0.9, 0.8, 0.2], [2, 0, 12, 10, 3], [5])
    assert matrix.shape == (5, len(CONTEXT_FEATURE_NAMES))
    assert np.isnan(matrix[1, COLUMN["probability"]])  # a blank line has no probability
    np.testing.assert_allclose(matrix[2, COLUMN["probability@-1"]], np.nan)
    np.testing.assert_allclose(matrix[2, COLUMN["probability@-2"]], 0.1)
    np.testing.assert_allclose(matrix[2, COLUMN["probability@+2"]], 0.2)
    assert np.isnan(matrix[4, COLUMN["probability@+1"]])  # past the text's end
    np.testing.assert_allclose(matrix[0, COLUMN["probability@mean2"]], (0.1 + 0.9) / 2, rtol=1e-6)
    np.testing.assert_allclose(matrix[:, COLUMN["probability@text"]], (0.1 + 0.9 + 0.8 + 0.2) / 4, rtol=1e-6)
    # likely kept (p >= .5): the article's 22 words
    np.testing.assert_allclose(matrix[:, COLUMN["likely_kept_words_before"]], [0, 0, 0, 12 / 22, 1], rtol=1e-6)
    np.testing.assert_allclose(matrix[:, COLUMN["likely_kept_words_after"]], [1, 1, 10 / 22, 0, 0], rtol=1e-6)


def test_a_text_without_likely_kept_words_has_no_shares():
    matrix = _context([0.1, 0.2], [4, 4], [2])
    assert np.isnan(matrix[:, COLUMN["likely_kept_words_before"]]).all()


def test_a_texts_rows_do_not_depend_on_the_texts_batched_with_it():
    rng = np.random.default_rng(0)
    lengths = [40, 7, 0, 65]
    probability, words = rng.random(sum(lengths)), rng.integers(0, 20, sum(lengths)).astype(np.float64)
    batch = _context(probability, words, lengths)
    start = 0
    for length in lengths:
        alone = _context(probability[start:start + length], words[start:start + length], [length])
        np.testing.assert_array_equal(batch[start:start + length], alone)
        start += length
