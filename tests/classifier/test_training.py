import numpy as np

from lakerefine.udfs.classifier.features import BASE_COLUMNS
from lakerefine.udfs.classifier.training import TrainingPage, TrainingParams, label_pages, lexicon_dropped

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
