import math
import re

import numpy as np
import pytest

from lakerefine.udfs.classifier.features import (
    FEATURE_NAMES,
    LINE_FEATURES,
    OFFSETS,
    SPACE,
    batch_features,
    floor_words,
    line_features,
    line_sums,
    line_words,
    parse,
)
from lakerefine.udfs.program.lines import split_lines
from tests.support.floor_words import UNSPACED_CLASS, plain_floor_words
from tests.support.webpages import all_pages, needs_webpages, pages_of

COLUMN = {name: i for i, name in enumerate(FEATURE_NAMES)}
# Missing by design on a line with no visible character: shares of its characters and words.
BLANK_MISSING = {"letter_share", "digit_share", "punct_share", "upper_share", "space_share", "code_share",
                 "capitalised_word_share", "mean_word_length", "word_length_std", "indent", "key_repeats"}


def test_one_row_per_line_and_one_column_per_name():
    for text in ["", "\n", "a", "a\n\nb\n", "x\r\ny\u2028z"]:
        assert line_features(text).shape == (len(split_lines(text)), len(FEATURE_NAMES))


def test_counts_match_a_plain_python_count_per_line():
    text = "Hello World, it is 2024.\n\n  x = f(1);  \nÄÖ ß_1 naïve\n"
    features = line_features(text)
    for row, line in enumerate(split_lines(text)):
        words = re.findall(r"\w+", line)
        assert math.expm1(features[row, COLUMN["chars"]]) == pytest.approx(len(line), rel=1e-6)
        assert math.expm1(features[row, COLUMN["words"]]) == pytest.approx(len(words), rel=1e-6)
        if line.strip():
            visible = len(line) - sum(c.isspace() for c in line)
            letters = sum(c.isalpha() for c in line)
            assert features[row, COLUMN["letter_share"]] == pytest.approx(letters / visible, rel=1e-6)
            mean_length = sum(map(len, words)) / len(words)
            assert features[row, COLUMN["mean_word_length"]] == pytest.approx(mean_length, rel=1e-6)


def test_line_sums_count_each_lines_marked_code_points_and_not_its_newline():
    texts = ["a b\n\n c \n", "\n", "x", " \n\n", "", "é ü\n  "]
    parsed = parse(texts)
    lines = [line for text in texts for line in split_lines(text)]
    spaces = line_sums((parsed.flags & SPACE) > 0, parsed.starts, parsed.ends)
    assert spaces.tolist() == [sum(c.isspace() for c in line.rstrip("\n")) for line in lines]
    assert line_sums(np.zeros(0, dtype=bool), np.array([0]), np.array([0])).tolist() == [0]


def test_missing_values_only_where_a_value_does_not_exist():
    text = "Title\n\nFirst paragraph of text.\nSecond one.\n"
    features = line_features(text)
    own = features[:, : len(LINE_FEATURES)]
    for row, line in enumerate(split_lines(text)):
        missing = {name for name, value in zip(LINE_FEATURES, own[row], strict=True) if np.isnan(value)}
        assert missing == (BLANK_MISSING if not line.strip() else set())
    for offset in OFFSETS:
        neighbour = features[:, COLUMN[f"chars@{offset:+d}"]]
        outside = [row + offset < 0 or row + offset >= len(features) for row in range(len(features))]
        assert np.isnan(neighbour).tolist() == outside
    assert np.isnan(features[:, COLUMN["site_share"]]).all()


def test_site_shares_are_columns_per_key_kind_and_must_match_the_lines():
    features = line_features("a\nb\n", [0.5, math.nan, math.nan, 1.0, 0.25, 0.75])
    assert features[:, COLUMN["site_share"]].tolist() == [0.5, 1.0]
    assert features[:, COLUMN["site_share@mean"]].tolist() == [0.75, 0.75]
    assert np.isnan(features[0, COLUMN["first_words_share"]]) and features[1, COLUMN["first_words_share"]] == 0.25
    assert features[1, COLUMN["last_words_share"]] == 0.75
    with pytest.raises(ValueError, match="2 values for 2 lines"):
        line_features("a\nb\n", [0.5, 1.0])


@needs_webpages
def test_real_pages_miss_a_value_only_where_its_denominator_is_zero():
    word_columns = [LINE_FEATURES.index(n) for n in ("capitalised_word_share", "mean_word_length", "word_length_std")]
    upper = LINE_FEATURES.index("upper_share")
    for page in pages_of("cleaneval-final", 10, every=50) + pages_of("readability", 5, every=20):
        features = line_features(page["raw"])
        lines = split_lines(page["raw"])
        assert features.shape == (len(lines), len(FEATURE_NAMES))
        for row, line in enumerate(lines):
            if not line.strip():
                continue
            expected = set()
            if not re.search(r"\w", line):
                expected.update(word_columns)
            if not any(c.isalpha() for c in line):
                expected.add(upper)
            missing = set(np.flatnonzero(np.isnan(features[row, : len(LINE_FEATURES)])).tolist())
            assert missing == expected, (line, [LINE_FEATURES[i] for i in missing])


def test_key_repeats_count_the_lines_equal_up_to_case_digits_and_whitespace():
    text = "Page 1 of 9\n\npage 2  of 9\nPAGE 3 OF 9 \nSomething else\n  \nsomething\telse\nSomething\n"
    features = line_features(text)

    def key(line: str) -> str:
        return re.sub(r"\d", "0", "".join(line.lower().split()))

    keys = [key(line) for line in split_lines(text)]
    for row, line in enumerate(split_lines(text)):
        value = features[row, COLUMN["key_repeats"]]
        if line.strip():
            assert math.expm1(value) == pytest.approx(keys.count(keys[row]), rel=1e-6), line
        else:
            assert np.isnan(value)


def test_prose_before_and_after_count_the_texts_prose_lines_on_each_side():
    texts = ["Home | Docs\nContents\nThis line is prose: a sentence of at least eight words.\n  \nA table entry\n"
             "Short, but a sentence.\nAnd one more line of prose with eight words (or more).\nFooter",
             "\u3053\u308c\u306f\u65e5\u672c\u8a9e\u306e\u6587\u3067\u3059" * 4 + "\u3002\nno prose here\n"]
    features, _ = batch_features(texts)

    def is_prose(line: str) -> bool:
        visible, words = len("".join(line.split())), len(re.findall(r"\w+", line))
        unspaced = visible >= 40 and words * 8 < visible
        ends_sentence = line.rstrip()[-1:] in tuple(".!?\u2026\"')]\u201d\u2019\u3002\uff01\uff1f\u300d")
        return ends_sentence and (words >= 8 or unspaced)

    rows = iter(features)
    for text in texts:
        prose = [is_prose(line) for line in split_lines(text)]
        for row, line in enumerate(split_lines(text)):
            values = next(rows)
            assert math.expm1(values[COLUMN["prose_before"]]) == pytest.approx(sum(prose[:row]), abs=1e-5), line
            assert math.expm1(values[COLUMN["prose_after"]]) == pytest.approx(sum(prose[row + 1:]), abs=1e-5), line
    assert [is_prose(line) for line in split_lines(texts[0])] == [False, False, True, False, False, False, True, False]
    assert is_prose(split_lines(texts[1])[0])


def test_word_score_columns_are_missing_without_a_lexicon_and_filled_with_one():
    from lakerefine.udfs.classifier.features import WORD_SCORE_FEATURES, parse, text_word_hashes
    from lakerefine.udfs.classifier.lexicon import Lexicon

    text = "share this page\n\nthe storm closed roads\n"
    names = [n for n in FEATURE_NAMES if n.startswith("word_score")]
    assert np.isnan(line_features(text)[:, [COLUMN[n] for n in names]]).all()
    hashes = np.sort(text_word_hashes(parse(["share storm"])))
    lexicon = Lexicon(hashes, np.array([-2.0, 1.0]) if hashes[0] == text_word_hashes(parse(["share"]))[0]
                      else np.array([1.0, -2.0]))
    with_lexicon = line_features(text, None, lexicon)
    means = with_lexicon[:, COLUMN[WORD_SCORE_FEATURES[0]]]
    assert means[0] == -2.0 and np.isnan(means[1]) and means[2] == 1.0
    assert with_lexicon[1, COLUMN["word_score_mean@mean1"]] == pytest.approx(-0.5)


@needs_webpages
def test_a_batch_gives_every_text_the_rows_it_gets_alone():
    from lakerefine.udfs.classifier.features import batch_features
    from lakerefine.udfs.classifier.model import LineModel
    from lakerefine.udfs.refine.backends.classifier import shipped_model

    texts = [p["raw"] for p in pages_of("cleaneval-final", 8, every=40) + pages_of("readability", 4, every=25)]
    texts[3:3] = ["", "\n", "one line", "a\n\n\nb\n"]  # no line, one empty line, no final newline, blank run
    shares = [None if i % 3 else np.linspace(0, 1, 3 * len(split_lines(t))).tolist() for i, t in enumerate(texts)]
    lexicon = LineModel.load(shipped_model()).lexicon
    features, lengths = batch_features(texts, shares, lexicon)
    assert lengths.tolist() == [len(split_lines(t)) for t in texts]
    assert not np.isnan(features[:, COLUMN["word_score_mean@mean10"]]).all()
    alone = [line_features(t, s, lexicon) for t, s in zip(texts, shares, strict=True)]
    np.testing.assert_array_equal(features, np.vstack(alone))


@needs_webpages
def test_windows_line_ends_give_every_line_the_features_of_unix_ones():
    from lakerefine.udfs.classifier.model import LineModel
    from lakerefine.udfs.refine.backends.classifier import shipped_model

    model = LineModel.load(shipped_model())
    texts = [p["raw"] for p in pages_of("cleaneval-final", 4, every=60) + pages_of("page-signal", 4, every=30)]
    texts += ["last line without an end", "a\n\nb\n", "a lone \r stays\n"]
    for text in texts:
        windows = text.replace("\n", "\r\n")
        np.testing.assert_array_equal(line_features(windows, None, model.lexicon),
                                      line_features(text, None, model.lexicon))
    assert model.programs([t.replace("\n", "\r\n") for t in texts]) == model.programs(texts)


def test_floor_words_count_each_character_of_an_unspaced_script_as_a_word():
    for text in ["ナビ\nこれは本文です。AI技术 hello 世界\n\n", "日本語", "Home 中文 English\r\nsecond line", "",
                 "plain English only\nand more words\n"]:
        words = line_words(line_features(text))
        assert floor_words(text, words).tolist() == plain_floor_words(text)
    english = "plain English only\nand more words\n"
    english_words = line_words(line_features(english))
    assert floor_words(english, english_words) is english_words  # no unspaced character: the \\w+ counts as they are


@needs_webpages
def test_floor_words_on_real_pages_match_a_plain_count():
    pages = [p for p in all_pages() if re.search(f"[{UNSPACED_CLASS}]", p["raw"] or "")]
    assert len(pages) >= 6  # the Chinese and Japanese pages and pages with language menus
    for page in pages:
        text = page["raw"]
        assert floor_words(text, line_words(line_features(text))).tolist() == plain_floor_words(text), page["id"]
