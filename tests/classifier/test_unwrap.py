import math
import re
import textwrap

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.classifier.site_keys import KEY_KINDS
from lakerefine.udfs.classifier.unwrap import continues, paragraph_view, read_batch
from lakerefine.udfs.classifier.wrapping import hard_wrap
from lakerefine.udfs.program.lines import count_lines, split_lines

PARAGRAPHS = [
    "The mills were built in the last century to grind the grain that the farmers of the valley brought down "
    "on carts, and two of them still turn on feast days when the river is high enough to drive the wheels.",
    "Visitors can walk the old towpath from the lower mill to the weir in about an hour, passing the miller's "
    "cottage, the drying barn and the stone bridge that the flood of the spring of the year took away twice.",
]
MENU = "Home\nNews\nAbout us\nContact"


def test_a_wrapped_text_is_read_a_paragraph_a_line_and_its_menu_as_it_is():
    text = MENU + "\n\n" + "\n\n".join(textwrap.fill(p, 72) for p in PARAGRAPHS) + "\n"
    view = paragraph_view(text)
    assert view is not None
    assert split_lines(view.text) == [*MENU.split("\n"), "", PARAGRAPHS[0], "", PARAGRAPHS[1]]
    assert view.line_of.size == count_lines(text) and view.line_of[-1] == count_lines(view.text) - 1
    lines = split_lines(text)
    for line, read in zip(lines, view.line_of, strict=True):
        assert line.strip() in split_lines(view.text)[read]
    crlf = paragraph_view(text.replace("\n", "\r\n"))  # Windows line ends: the same runs
    assert crlf is not None and np.array_equal(crlf.line_of, view.line_of)


def test_a_text_of_a_paragraph_a_line_is_read_as_it_is():
    assert paragraph_view(MENU + "\n\n" + "\n\n".join(PARAGRAPHS) + "\n") is None
    assert paragraph_view(MENU) is None and paragraph_view("") is None


def test_runs_end_at_sentence_ends_list_items_and_quote_changes():
    wrapped = textwrap.fill(PARAGRAPHS[0], 70).split("\n")
    quoted = textwrap.fill(PARAGRAPHS[1], 70, initial_indent="> ", subsequent_indent="> ").split("\n")
    items = ["- first item of a list that runs on and on until it is long, so long,",
             "- second item of the same list, which a wrapper would have joined"]
    text = "\n".join([*wrapped, *quoted, *items])
    view = paragraph_view(text)
    assert view is not None
    read = split_lines(view.text)
    assert read[0] == PARAGRAPHS[0] and read[1] == "> " + PARAGRAPHS[1]  # ends with "." : the quote starts anew
    assert read[2:] == items


def test_a_line_continues_when_the_next_word_would_not_have_fitted_after_it():
    line = "word " * 12 + "end"  # 63 characters
    assert continues(line, "following words", 70) and not continues(line, "next words", 70)
    assert not continues(line + ".", "following words", 70) and not continues(line + ":", "following", 70)
    assert not continues(line, "- following", 70) and not continues(line, "12. following", 70)
    assert continues("> " + line, "> following", 72) and not continues("> " + line, "following", 72)
    assert not continues(line, "   ", 70) and not continues("", "following", 70)


def test_a_joined_line_takes_the_least_whole_line_share_and_its_edge_lines_edge_shares():
    text = "\n".join(textwrap.fill(PARAGRAPHS[0], 64).split("\n")) + "\n\nBack to top\n"
    view = paragraph_view(text)
    assert view is not None
    lines = count_lines(text)
    kinds = len(KEY_KINDS)
    shares = [float(10 * line + kind) for line in range(lines) for kind in range(kinds)]
    shares[kinds * 1] = math.nan  # a line's whole key unknown: the others decide
    read = np.asarray(view.shares(shares)).reshape(-1, kinds)
    joined = int(np.sum(view.line_of == 0))
    assert read.shape == (lines - joined + 1, kinds)
    assert read[0, KEY_KINDS.index("line")] == 0.0
    assert read[0, KEY_KINDS.index("first_words")] == 1.0
    assert read[0, KEY_KINDS.index("last_words")] == 10 * (joined - 1) + 2
    assert read[-1].tolist() == shares[-kinds:]


def test_a_batch_reads_each_text_or_its_view_and_maps_values_back():
    wrapped = hard_wrap(PARAGRAPHS[0], 66)
    reading = read_batch([MENU, wrapped], [None, [0.5] * (len(KEY_KINDS) * count_lines(wrapped))])
    assert reading.texts == [MENU, PARAGRAPHS[0]] and reading.site_shares[0] is None
    assert len(reading.site_shares[1]) == len(KEY_KINDS)
    menu_values, paragraph_value = np.arange(4.0), np.array([7.0])
    back = reading.per_given_line([menu_values, paragraph_value])
    assert back[0] is menu_values and back[1].tolist() == [7.0] * count_lines(wrapped)
    words = reading.given_words([np.ones(4), np.array([40.0])])
    assert words[1].tolist() == [len(re.findall(r"\w+", line)) for line in split_lines(wrapped)]


words = st.text(alphabet="abc>-.", min_size=1, max_size=14)
paragraphs = st.lists(words, min_size=1, max_size=40).map(" ".join)
texts = st.tuples(st.lists(paragraphs, max_size=6), st.integers(min_value=55, max_value=105)).map(
    lambda drawn: hard_wrap("\n".join(drawn[0]), drawn[1]))


@settings(max_examples=500, deadline=None)
@given(texts | st.lists(paragraphs, max_size=8).map("\n\n".join))
def test_a_view_keeps_every_word_in_order_and_maps_every_line_to_one_read_line(text):
    view = paragraph_view(text)
    if view is None:
        return
    steps = np.diff(view.line_of)
    assert view.line_of.size == count_lines(text) and view.line_of[0] == 0 and set(steps) <= {0, 1}
    assert count_lines(view.text) == view.line_of[-1] + 1
    assert re.findall(r"\w+", view.text) == re.findall(r"\w+", text)
    for line, read in zip(split_lines(text), view.line_of, strict=True):
        if not line.strip():
            assert np.sum(view.line_of == read) == 1  # a blank line is never joined
