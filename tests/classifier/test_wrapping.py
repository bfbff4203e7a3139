import re

from lakerefine.udfs.classifier.wrapping import hard_wrap

LONG_WORD = "https://example.org/" + "x" * 90
TEXT = "Menu\n" + "A paragraph that goes on " * 12 + "and ends here.\n\n" + LONG_WORD + " then more\nShort line"


def test_long_lines_are_cut_at_spaces_and_every_word_stays_in_order():
    wrapped = hard_wrap(TEXT, 60)
    lines = wrapped.split("\n")
    assert re.findall(r"\w+", wrapped) == re.findall(r"\w+", TEXT)
    assert all(len(line) <= 60 for line in lines if line != LONG_WORD)
    assert LONG_WORD in lines  # longer than the width: whole, on its own line
    assert lines[:1] == ["Menu"] and lines[-1] == "Short line" and "" in lines  # short and blank lines as they were
    paragraph = TEXT.split("\n")[1]
    assert " ".join(lines[1:7]) == paragraph and len(lines) == 11  # 314 characters: 6 lines of at most 60
    assert lines[7:10] == ["", LONG_WORD, "then more"]


def test_text_without_long_lines_is_unchanged():
    text = "Home\nAbout us\n\n" + "word " * 11 + "\n"
    assert hard_wrap(text, 60) == text
