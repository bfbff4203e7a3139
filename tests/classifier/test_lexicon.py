import re
from collections import Counter, defaultdict

import numpy as np
import pytest

from lakerefine.udfs.classifier import lexicon as lexicon_module
from lakerefine.udfs.classifier.features import parse, text_word_hashes
from lakerefine.udfs.classifier.lexicon import BLOCK, Lexicon, build_lexicon, line_scores
from lakerefine.udfs.program.lines import split_lines
from tests.support.webpages import needs_webpages, pages_of


def _normalised_words(text: str) -> list[str]:
    return [re.sub(r"\d", "0", "".join(c.lower() if len(c.lower()) == 1 else c for c in word))
            for word in re.findall(r"\w+", text)]


def _hashes(text: str) -> np.ndarray:
    return text_word_hashes(parse([text]))


def test_one_hash_per_word_equal_exactly_when_the_normalised_words_are_equal():
    text = "Page 3 of 12\nPAGE 4 of 12, page\u00a05 — Straße STRASSE naïve NAÏVE x_1 X_2 ab a b"
    words, hashes = _normalised_words(text), _hashes(text).tolist()
    assert len(words) == len(hashes)
    assert {w: h for w, h in zip(words, hashes, strict=True)} == dict(zip(words, hashes, strict=True))
    assert len(set(hashes)) == len(set(words))


@needs_webpages
def test_on_real_pages_hashes_and_normalised_words_are_in_one_to_one_correspondence():
    hash_of, word_of = {}, {}
    for page in pages_of("cleaneval-final", 20, every=30):
        for word, value in zip(_normalised_words(page["raw"]), _hashes(page["raw"]).tolist(), strict=True):
            assert hash_of.setdefault(word, value) == value
            assert word_of.setdefault(value, word) == word
    assert len(hash_of) > 2000


def test_a_batch_larger_than_a_block_hashes_as_its_texts_alone_and_keeps_block_sized_tables():
    texts = [f"Chapter {i}: the quick brown fox, word{i % 97} " * 400 for i in range(200)]  # ~4.6 blocks
    texts.append("x" * (BLOCK + 5))  # one word longer than a block
    batch = parse(texts)
    assert batch.normalised.size > 4 * BLOCK
    assert np.array_equal(text_word_hashes(batch), np.concatenate([_hashes(text) for text in texts]))
    assert max(table.size for table in lexicon_module._POWERS.values()) <= BLOCK + 6  # not the batch's size


def test_the_lexicon_counts_a_word_once_per_line_and_keeps_frequent_words():
    lines = ["the news the news", "the menu", "news today", "menu", "menu home", "the"]
    kept = np.array([1, 0, 1, 0, 0, 1], dtype=float)
    text = "\n".join(lines)
    parsed = parse([text])
    lexicon = build_lexicon(text_word_hashes(parsed), parsed.word_line, kept, min_count=2)
    kept_lines, dropped_lines = Counter(), Counter()
    for line, label in zip(lines, kept, strict=True):
        (kept_lines if label else dropped_lines).update(set(line.split()))
    frequent = {w for w in kept_lines | dropped_lines if kept_lines[w] + dropped_lines[w] >= 2}
    assert frequent == {"the", "news", "menu"}
    expected = {w: np.log((kept_lines[w] + 1) / 3) - np.log((dropped_lines[w] + 1) / 3) for w in frequent}
    found = lexicon.score_words(_hashes(" ".join(sorted(frequent) + ["home", "unseen"])))
    np.testing.assert_allclose(found[:3], [expected[w] for w in sorted(frequent)], atol=1e-4)
    assert np.isnan(found[3:]).all()
    again = Lexicon.from_dict(lexicon.to_dict())
    np.testing.assert_array_equal(again.hashes, lexicon.hashes)
    np.testing.assert_array_equal(again.scores, lexicon.scores)


def test_line_scores_are_the_mean_min_and_max_of_known_words_per_line():
    text = "good bad unknown\n\nunknown only\nbad\n"
    hashes = _hashes("good bad")
    lexicon = Lexicon(np.sort(hashes), np.where(hashes == np.sort(hashes)[0], 1.0, -1.0)[np.argsort(hashes)])
    score = {h: s for h, s in zip(lexicon.hashes.tolist(), lexicon.scores.tolist(), strict=True)}
    parsed = parse([text])
    scores = line_scores(lexicon.score_words(text_word_hashes(parsed)), parsed.word_line, parsed.lines)
    per_line = defaultdict(list)
    for word_hash, line in zip(text_word_hashes(parsed).tolist(), parsed.word_line.tolist(), strict=True):
        if word_hash in score:
            per_line[line].append(score[word_hash])
    for line in range(len(split_lines(text))):
        values = per_line.get(line)
        expected = [np.mean(values), min(values), max(values)] if values else [np.nan] * 3
        np.testing.assert_allclose(scores[line], expected)


def test_score_words_gives_each_occurrence_its_word_score_and_nan_to_unknown_words():
    known = _hashes("alpha beta gamma")
    lexicon = Lexicon(np.sort(known), np.array([0.5, -1.0, 2.0]))
    score = dict(zip(lexicon.hashes.tolist(), lexicon.scores.tolist(), strict=True))
    words = _hashes("beta delta alpha beta gamma delta beta zeta")  # repeats, unknown words, any order
    expected = [score.get(word, np.nan) for word in words.tolist()]
    np.testing.assert_array_equal(lexicon.score_words(words), expected)
    assert lexicon.score_words(np.zeros(0, dtype=np.uint64)).size == 0


def test_a_lexicon_file_with_a_word_hash_twice_is_refused():
    document = {"hashes": [7, 3, 7], "scores": [0.5, 1.0, -1.0]}
    with pytest.raises(ValueError, match="word hash twice"):
        Lexicon.from_dict(document)
