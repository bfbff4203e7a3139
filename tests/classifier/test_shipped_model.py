import hashlib

import numpy as np
import pytest

from lakerefine.udfs.classifier import model as model_module
from lakerefine.udfs.classifier.features import floor_words, line_features, line_words
from lakerefine.udfs.classifier.model import LineModel, piece_shares, text_groups
from lakerefine.udfs.classifier.program import deletion_program
from lakerefine.udfs.classifier.unwrap import read_batch
from lakerefine.udfs.classifier.wrapping import hard_wrap
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.program.lines import line_pieces
from lakerefine.udfs.quality.shingles import score_page
from lakerefine.udfs.quality.splits import TEST, split_of
from tests.support.monotone import lowered_keep_probabilities
from tests.support.webpages import needs_webpages, pages_of

SHIPPED = "line_model.json"
PAGE = ("Home | News | Sport | Weather\nSign in\n\nStorm closes coastal roads\n\n"
        "Heavy rain and strong winds closed several coastal roads on Monday, officials said, "
        "and more rain is expected later in the week.\n\nShare on Facebook\nShare on Twitter\n"
        "Copyright 2024 Example News. All rights reserved.\n")


def _shipped_path():
    from importlib.resources import files

    return files("lakerefine.udfs.classifier") / "models" / SHIPPED


def test_the_shipped_model_loads_with_its_file_hash_and_refines_a_page():
    path = _shipped_path()
    model = LineModel.load(path)
    assert model.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert 0 < model.threshold < 1 and 0 < model.page_floor < 1
    keep = model.keep_probabilities([PAGE], [None])[0]
    assert keep.shape == (PAGE.count("\n"),) and np.isfinite(keep).all()
    program = model.programs([PAGE], [None])[0]
    assert program == deletion_program(PAGE, keep, model.threshold, [4, 2, 0, 4, 0, 22, 0, 3, 3, 7], model.page_floor)
    refined = execute(PAGE, program).text
    assert "Heavy rain and strong winds" in refined


def test_texts_are_grouped_in_order_under_the_character_and_line_bounds_a_longer_text_alone():
    texts = ["a" * n for n in (3, 4, 9, 1, 1, 0, 2)]
    assert text_groups(texts, 7, 100) == [(0, 2), (2, 3), (3, 7)]
    assert text_groups([], 7, 100) == [] and text_groups(["", "", "ab"], 0, 100) == [(0, 2), (2, 3)]
    lines = ["a\n" * n for n in (2, 1, 5, 1, 1)]  # 2, 1, 5, 1, 1 lines
    assert text_groups(lines, 100, 3) == [(0, 2), (2, 3), (3, 5)]


def test_a_piece_of_a_text_takes_the_site_shares_of_its_lines():
    shares = [float(i) for i in range(3 * 5)]
    assert piece_shares(shares, 1, "one\n\n") == shares[:6]
    assert piece_shares(shares, 3, "three\nfour\n") == shares[6:12] and piece_shares(shares, 5, "five") == shares[12:]
    assert piece_shares(shares, 1, "one\n\nthree\nfour\nfive") == shares and piece_shares(None, 3, "x\n") is None
    assert piece_shares(shares, 1, "one\n\nthree\nfour\nfive") is shares  # the whole text's: no copy


@needs_webpages
def test_a_batch_refined_in_groups_gets_the_programs_of_one_call(monkeypatch):
    model = LineModel.load(_shipped_path())
    texts = [page["raw"] for page in pages_of("page-signal", 40, every=5)] + ["", PAGE]
    shares = [None] * (len(texts) - 1) + [[0.5] * (3 * PAGE.count("\n"))]
    monkeypatch.setattr(model_module, "GROUP_CHARS", 10**12)
    whole = model.programs(texts, shares)
    monkeypatch.setattr(model_module, "GROUP_CHARS", 20_000)
    assert len(text_groups(texts, 20_000, model_module.GROUP_LINES)) > 10
    assert model.programs(texts, shares) == whole
    longest = max(text.count("\n") for text in texts)
    monkeypatch.setattr(model_module, "GROUP_CHARS", 10**12)
    monkeypatch.setattr(model_module, "GROUP_LINES", longest + 1)  # every text whole, groups by lines
    assert len(text_groups(texts, 10**12, longest + 1)) > 10
    assert model.programs(texts, shares) == whole
    with pytest.raises(ValueError, match="site_shares"):
        model.programs(texts, shares[:-1])


@needs_webpages
def test_a_text_of_more_lines_than_a_group_is_scored_in_pieces_and_decided_whole(monkeypatch):
    model = LineModel.load(_shipped_path())
    text = "\n".join(page["raw"].rstrip("\n") for page in pages_of("page-signal", 4, every=5))
    lines = text.count("\n") + 1
    shares = [0.25] * (3 * lines)
    monkeypatch.setattr(model_module, "GROUP_LINES", 100)
    pieces = [(piece, piece_shares(shares, first, piece)) for first, piece in line_pieces(text, max_lines=100)]
    assert len(pieces) == -(-lines // 100) > 3
    keep = model.keep_probabilities([PAGE, text], [None, shares])
    monkeypatch.setattr(model_module, "GROUP_LINES", 10**9)
    assert np.array_equal(keep[0], model.keep_probabilities([PAGE], [None])[0])
    by_piece = model.keep_probabilities([piece for piece, _ in pieces], [piece_shares for _, piece_shares in pieces])
    assert np.array_equal(keep[1], np.concatenate(by_piece)) and keep[1].shape == (lines,)
    words = np.concatenate([line_words(line_features(piece)) for piece, _ in pieces])
    monkeypatch.setattr(model_module, "GROUP_LINES", 100)
    assert model.programs([text], [shares]) == [deletion_program(text, keep[1], model.threshold,
                                                                 floor_words(text, words), model.page_floor)]


@needs_webpages
def test_a_hard_wrapped_page_is_scored_a_paragraph_a_line_and_keeps_more_of_its_content():
    model = LineModel.load(_shipped_path())
    pages = [page for page in pages_of("page-signal", 200) if split_of(page["id"]) == TEST][:20]
    wrapped = [hard_wrap(page["raw"], 78) for page in pages]  # html2text's width
    reading = read_batch(wrapped)
    assert sum(view is not None for view in reading.views) >= 15
    keep = model.keep_probabilities(wrapped)
    for given, read, view in zip(keep, model.read_scores(reading.texts)[0], reading.views, strict=True):
        assert np.array_equal(given, read if view is None else read[view.line_of])

    def recall(programs):
        return np.mean([score_page(execute(text, program).text, page["gold"]).recall
                        for text, program, page in zip(wrapped, programs, pages, strict=True)])

    line_by_line = model.programs_of(wrapped, *model.read_scores(wrapped))
    assert recall(model.programs(wrapped)) > recall(line_by_line) + 0.03  # held out, all 180 pages: .958 vs .872


def test_the_shipped_context_stage_is_monotone_in_the_probabilities_it_reads():
    model = LineModel.load(_shipped_path())
    assert model.training["params"]["context_monotone"] is True
    assert all(lowered_keep_probabilities(model, [PAGE], step) == 0 for step in (0.05, 0.3, 1.0))


def test_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not a lakerefine-line-model/2 file"):
        LineModel.load(path)
