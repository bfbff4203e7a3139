"""Numbered rendering and chunking agree with the executor on every line number."""
from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.program.chunking import Chunk, render_chunks
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.program.lines import LineIndex, count_lines, split_lines
from lakerefine.udfs.program.render import TRUNCATION_MARK, render_line, render_numbered

# Characters that str.splitlines() treats as line breaks, plus ordinary ones.
TRICKY = "ab \r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
documents = st.text(alphabet=TRICKY, max_size=60)


def test_line_counts_follow_the_documented_choices():
    assert split_lines("") == []
    assert split_lines("\n") == [""]
    assert split_lines("a\nb") == ["a", "b"]
    assert split_lines("a\nb\n") == ["a", "b"]
    assert split_lines("a\n\n") == ["a", ""]
    assert split_lines("a\r\nb\u2028c\x0bd") == ["a\r", "b\u2028c\x0bd"]


def test_render_numbers_lines_from_one_and_keeps_other_separators_inside_lines():
    assert render_numbered("first\r\nsecond\u2028half\n\nlast\n") == (
        "[1] first\r\n[2] second\u2028half\n[3] \n[4] last"
    )
    assert render_numbered("") == ""


def test_a_line_over_the_cap_is_shown_truncated_and_marked():
    assert render_line(7, "x" * 10, max_line_chars=4) == "[7] xxxx" + TRUNCATION_MARK
    assert render_line(7, "x" * 4, max_line_chars=4) == "[7] xxxx"
    assert render_line(7, "x" * 10, max_line_chars=None) == "[7] " + "x" * 10


def test_chunks_hold_whole_lines_under_the_budget_with_global_numbers():
    text = "".join(f"line {n}\n" for n in range(1, 21))
    chunks = render_chunks(text, budget=40)
    assert chunks[0] == Chunk(1, 3, "[1] line 1\n[2] line 2\n[3] line 3")
    assert [c.first_line for c in chunks[1:]] == [c.last_line + 1 for c in chunks[:-1]]
    assert chunks[-1].last_line == 20
    assert all(sum(len(row) + 1 for row in c.text.split("\n")) <= 40 for c in chunks)
    assert "\n".join(c.text for c in chunks) == render_numbered(text)


def test_an_over_long_line_is_its_own_chunk():
    text = "short\n" + "y" * 100 + "\nshort again"
    chunks = render_chunks(text, budget=30)
    assert [(c.first_line, c.last_line) for c in chunks] == [(1, 1), (2, 2), (3, 3)]


def test_chunk_budget_can_be_measured_by_a_tokenizer_like_function():
    words = lambda rendered: len(rendered.split())  # noqa: E731 - a stand-in token count
    text = "one two three\nfour five\nsix\nseven eight nine ten\n"
    chunks = render_chunks(text, budget=6, measure=words)
    assert [(c.first_line, c.last_line) for c in chunks] == [(1, 1), (2, 3), (4, 4)]


def test_empty_document_has_no_chunks():
    assert render_chunks("", budget=10) == []


@settings(max_examples=300, deadline=None)
@given(documents)
def test_render_and_executor_agree_on_every_line(text):
    lines = split_lines(text)
    assert count_lines(text) == len(lines) == LineIndex.of(text).count
    rendered = render_numbered(text, max_line_chars=None).split("\n") if lines else []
    assert rendered == [f"[{n}] {line}" for n, line in enumerate(lines, start=1)]
    index = LineIndex.of(text)
    for n, line in enumerate(lines, start=1):
        start, end = index.starts[n - 1], index.ends[n - 1]
        assert text[start:end] == line
        kept = lines[: n - 1] + lines[n:]
        expected = "\n".join(kept) + ("\n" if kept and text.endswith("\n") else "")
        assert execute(text, f"remove_lines({n}, {n})").text == expected
        if line:
            removed = execute(text, f"remove_str({n}, {line!r})").text
            assert removed == text[:start] + text[end:]


@settings(max_examples=200, deadline=None)
@given(documents, st.integers(min_value=1, max_value=40))
def test_chunks_cover_every_line_once_in_order(text, budget):
    chunks = render_chunks(text, budget=budget, max_line_chars=None)
    numbers = [n for c in chunks for n in range(c.first_line, c.last_line + 1)]
    assert numbers == list(range(1, count_lines(text) + 1))
    assert "\n".join(c.text for c in chunks) == render_numbered(text, max_line_chars=None)
