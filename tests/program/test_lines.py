from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.program.lines import count_lines, line_pieces, split_lines

documents = st.lists(st.text(alphabet="ab \r\t", max_size=8), max_size=12).map("\n".join) | st.just("")
bounds = st.none() | st.integers(min_value=1, max_value=30)


def test_a_text_within_both_bounds_is_its_own_single_piece():
    text = "a\nbb\n\nccc"
    assert line_pieces(text) == [(1, text)]
    assert line_pieces(text, max_chars=len(text), max_lines=4) == [(1, text)]
    assert line_pieces("") == [(1, "")]


def test_pieces_are_runs_of_whole_lines_each_ending_with_a_newline():
    text = "a\nbb\nccc\ndddd"
    assert line_pieces(text, max_chars=6) == [(1, "a\nbb\n"), (3, "ccc\n"), (4, "dddd\n")]
    assert line_pieces(text, max_lines=3) == [(1, "a\nbb\nccc\n"), (4, "dddd\n")]
    assert line_pieces("one\n\nthree\nfour\nfive", max_lines=2) == [(1, "one\n\n"), (3, "three\nfour\n"), (5, "five\n")]
    assert line_pieces("x" * 50 + "\ny", max_chars=10) == [(1, "x" * 50 + "\n"), (2, "y\n")]


@settings(max_examples=1000, deadline=None)
@given(documents, bounds, bounds)
def test_pieces_cover_every_line_once_in_order_under_the_bounds(text, max_chars, max_lines):
    pieces = line_pieces(text, max_chars, max_lines)
    if (max_chars is None or len(text) <= max_chars) and (max_lines is None or count_lines(text) <= max_lines):
        assert pieces == [(1, text)]
        return
    assert [line for _, piece in pieces for line in split_lines(piece)] == split_lines(text)
    assert [first for first, _ in pieces] == [1, *[1 + sum(count_lines(p) for _, p in pieces[:i])
                                                   for i in range(1, len(pieces))]]
    for _, piece in pieces:
        assert piece.endswith("\n")
        single = count_lines(piece) == 1
        assert single or max_chars is None or len(piece) <= max_chars
        assert max_lines is None or count_lines(piece) <= max_lines
