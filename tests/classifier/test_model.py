import hashlib
import json

import numpy as np
import pytest

from lakerefine.udfs.classifier.context import CONTEXT_FEATURE_NAMES
from lakerefine.udfs.classifier.features import BLANK
from lakerefine.udfs.classifier.model import LineModel
from lakerefine.udfs.classifier.program import deletion_program
from lakerefine.udfs.classifier.training import TrainingPage, TrainingParams, train_line_model
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.program.lines import count_lines
from lakerefine.udfs.quality.shingles import ShingleScore, score_page
from tests.support.floor_words import plain_floor_words
from tests.support.monotone import lowered_keep_probabilities
from tests.support.webpages import needs_webpages, pages_of

pytestmark = [needs_webpages, pytest.mark.slow]


def _pages() -> tuple[list[dict], list[dict]]:
    pages = pages_of("page-signal", 45, every=13) + pages_of("readability", 15, every=7)
    return [p for i, p in enumerate(pages) if i % 3], pages[0::3]  # 40 to train, 20 held out (both sets on both sides)


# 40 pages, not fewer: trained on 20 (one stage, no document-level context) it dropped whole articles on 4 of
# the 20 held-out pages (F1 .747 against raw .710).
@pytest.fixture(scope="module")
def trained() -> tuple[LineModel, list[dict]]:
    train, held_out = _pages()
    params = TrainingParams(trees=30, folds=3)
    model = train_line_model([TrainingPage(p["raw"], p["gold"]) for p in train], params)
    return model, held_out


def test_one_probability_per_line_of_every_text(trained):
    model, held_out = trained
    texts = [page["raw"] for page in held_out[:5]] + ["", "\n", "one line"]
    probabilities = model.keep_probabilities(texts, [None] * len(texts))
    assert [p.size for p in probabilities] == [count_lines(text) for text in texts]
    assert all(((p >= 0) & (p <= 1)).all() for p in probabilities)


def test_save_and_load_give_the_same_predictions_and_the_file_hash(trained, tmp_path):
    model, held_out = trained
    path = tmp_path / "model.json"
    digest = model.save(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest() == model.content_hash
    loaded = LineModel.load(path)
    assert loaded.content_hash == digest
    assert (loaded.threshold, loaded.page_floor, loaded.name, loaded.version) == (
        model.threshold, model.page_floor, model.name, model.version)
    assert loaded.page_floor == TrainingParams().page_floor > 0
    texts = [page["raw"] for page in held_out]
    for before, after in zip(model.keep_probabilities(texts), loaded.keep_probabilities(texts), strict=True):
        np.testing.assert_array_equal(before, after)
    loaded.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()


def test_programs_are_the_deletion_programs_of_the_probabilities_and_word_counts(trained):
    model, held_out = trained
    texts = [page["raw"] for page in held_out] + ["", "one line", "menu\n\nStory one two three.\n",
                                                  "メニュー\n\nこれは本文です。とても長い文章が続きます。\n"]
    for text, keep, program in zip(texts, model.keep_probabilities(texts), model.programs(texts), strict=True):
        words = plain_floor_words(text)
        assert program == deletion_program(text, keep, model.threshold, words, model.page_floor)


def test_a_model_file_without_a_page_floor_has_none(trained, tmp_path):
    model, _ = trained
    document = json.loads(model.to_json())
    del document["page_floor"]
    (tmp_path / "old.json").write_text(json.dumps(document))
    assert LineModel.load(tmp_path / "old.json").page_floor == 0.0


def test_the_file_holds_the_context_stage_and_a_file_without_one_predicts_with_the_first_stage(trained, tmp_path):
    model, held_out = trained
    document = json.loads(model.to_json())
    assert document["context_booster"] and document["context_features"] == list(CONTEXT_FEATURE_NAMES)
    del document["context_booster"], document["context_features"]
    (tmp_path / "one_stage.json").write_text(json.dumps(document))
    one_stage = LineModel.load(tmp_path / "one_stage.json")
    features, lengths = model.feature_matrix([page["raw"] for page in held_out[:5]])
    text = features[:, BLANK] == 0
    first = model.booster.predict(features[text])
    np.testing.assert_allclose(np.concatenate(one_stage.probabilities(features, lengths))[text], first)
    assert not np.allclose(np.concatenate(model.probabilities(features, lengths))[text], first)


def test_the_context_stage_never_lowers_a_keep_probability_as_a_probability_it_reads_rises(trained):
    model, held_out = trained
    texts = [page["raw"] for page in held_out]
    assert all(lowered_keep_probabilities(model, texts, step) == 0 for step in (0.05, 0.3, 1.0))


def test_a_model_trained_on_20_pages_beats_raw_on_held_out_pages(trained):
    model, held_out = trained
    refined, raw = ShingleScore(), ShingleScore()
    for page, program in zip(held_out, model.programs([p["raw"] for p in held_out]), strict=True):
        done = execute(page["raw"], program)
        refined.add_page(score_page(done.text, page["gold"]))
        raw.add_page(score_page(page["raw"], page["gold"]))
    assert refined.f1 > raw.f1 + 0.05, (refined.as_dict(), raw.as_dict())
    assert refined.recall > 0.8
