import numpy as np

from lakerefine.udfs.classifier.features import BASE_COLUMNS
from lakerefine.udfs.classifier.training import TrainingPage, TrainingParams, label_pages, lexicon_dropped
from lakerefine.udfs.classifier.wrapping import WRAP_WIDTHS

PAGES = [TrainingPage(f"Menu\nHome\n\nStory {i} begins here.\nShare\n", f"Story {i} begins here.") for i in range(40)]


def test_lexicon_dropout_hides_the_word_scores_of_a_seeded_share_of_whole_pages():
    data = label_pages(PAGES)
    features = np.zeros((data.labels.size, BASE_COLUMNS + 6), dtype=np.float32)
    assert lexicon_dropped(features, data, TrainingParams(lexicon_dropout=0.0)) is features
    dropped = lexicon_dropped(features, data, TrainingParams(lexicon_dropout=0.5, seed=3))
    assert not np.isnan(dropped[:, :BASE_COLUMNS]).any() and not np.isnan(features).any()
    hidden = np.isnan(dropped[:, BASE_COLUMNS:])
    assert (hidden.all(axis=1) | ~hidden.any(axis=1)).all()  # a row hides all its word scores or none
    per_page = np.split(hidden[:, 0], np.cumsum(data.lengths)[:-1])
    assert all(page.all() or not page.any() for page in per_page)  # whole pages
    assert 10 <= sum(page.all() for page in per_page) <= 30
    again = lexicon_dropped(features, data, TrainingParams(lexicon_dropout=0.5, seed=3))
    np.testing.assert_array_equal(np.isnan(again), np.isnan(dropped))


def test_wrapped_copies_follow_the_pages_with_their_labels_and_their_pages_folds():
    story = "Story {} " + "goes on and on, " * 12 + "and ends."
    pages = [TrainingPage(f"Menu\nHome\n\n{story.format(i)}\nShare\n", story.format(i), [0.5] * 15, f"site{i % 5}")
             for i in range(12)]
    plain = label_pages(pages)
    assert plain.originals == len(plain.lengths) == 12
    data = label_pages(pages, TrainingParams(wrapped_copies=True, seed=4))
    assert data.originals == 12 and len(data.lengths) == 24
    np.testing.assert_array_equal(data.copy_of, np.concatenate([np.arange(12), np.arange(12)]))
    assert data.groups[12:] == data.groups[:12]
    assert all(copy > page for page, copy in zip(data.lengths[:12], data.lengths[12:], strict=True))  # wrapped
    lines = np.split(data.labels, np.cumsum(data.lengths)[:-1])
    for page, copy in zip(lines[:12], lines[12:], strict=True):
        assert page.tolist() == [0, 0, 0, 1, 0] and copy[:3].tolist() == [0, 0, 0] and copy[-1] == 0
        assert copy[3:-1].all()  # every line of the wrapped story kept
        width_lines = copy.size - 4
        assert -(-len(story) // WRAP_WIDTHS[1]) <= width_lines <= -(-len(story) // (WRAP_WIDTHS[0] - 20))
    assert label_pages(pages, TrainingParams()).originals == 12  # not by default
