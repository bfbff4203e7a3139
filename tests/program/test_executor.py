"""Executing deletion programs: DESIGN.md's semantics, rejections and invariants."""
import random
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.program.calls import KeepAll, RemoveLines, RemoveStr, format_program
from lakerefine.udfs.program.executor import (
    EMPTIED,
    PROGRAM_REJECTED,
    REFINED,
    UNCHANGED,
    delete_spans,
    execute,
)
from lakerefine.udfs.program.lines import split_lines
from lakerefine.udfs.program.parser import ParsedProgram
from tests.support.programs import is_subsequence

DOC = "Home | About | Contact\nThe cat sat on the mat.\nIt was warm. Click here!\nCopyright 2024\n"


def run(text, program, **limits):
    return execute(text, program, **limits).text


def test_remove_lines_examples_from_the_design():
    assert run("a\nb\nc", "remove_lines(3, 3)") == "a\nb"
    assert run("a\nb\nc\n", "remove_lines(3, 3)") == "a\nb\n"
    assert run("a\nb\nc\n", "remove_lines(1, 1)") == "b\nc\n"
    assert run("a\nb\nc\n", "remove_lines(2, 3)") == "a\n"
    assert run("a\nb\nc\n", "remove_lines(1, 3)") == ""
    assert run("\n", "remove_lines(1, 1)") == ""
    assert run("a\n\n\nb", "remove_lines(2, 3)") == "a\nb"


def test_a_realistic_program():
    result = execute(DOC, 'remove_lines(1, 1)\nremove_str(3, " Click here!")\nremove_lines(4, 4)')
    assert result.text == "The cat sat on the mat.\nIt was warm.\n"
    assert result.status == REFINED
    assert (result.lines_in, result.lines_out, result.chars_in) == (4, 2, len(DOC))
    assert result.chars_out == len(result.text) and result.calls_accepted == 3 and result.calls_rejected == 0
    assert delete_spans(DOC, result.spans) == result.text


def test_calls_in_any_order_and_overlapping_calls_union():
    forward = execute(DOC, "remove_lines(1, 2) remove_lines(2, 3) remove_str(2, 'cat')")
    backward = execute(DOC, "remove_str(2, 'cat') remove_lines(2, 3) remove_lines(1, 2)")
    assert forward.text == backward.text == "Copyright 2024\n"
    assert forward.spans == backward.spans == [(0, DOC.index("Copyright"))]


def test_deleting_every_line_by_parts_empties_the_document():
    result = execute(DOC, "remove_lines(1, 2) remove_lines(3, 4)")
    assert (result.text, result.status, result.spans) == ("", EMPTIED, [(0, len(DOC))])


def test_remove_str_needs_exactly_one_occurrence_on_that_line():
    text = "aaa b\nthe cat and the dog\n"
    result = execute(text, "remove_str(1, 'aa') remove_str(2, 'the') remove_str(2, 'dog') remove_str(1, 'dog')"
                           " remove_str(1, '') remove_str(2, 'cat and\\nthe')", max_rejected_fraction=None)
    assert result.text == "aaa b\nthe cat and the \n"
    assert result.rejected_by_reason == {"not_unique": 2, "not_found": 3}
    assert result.calls_accepted == 1 and result.status == REFINED


def test_out_of_range_calls():
    result = execute("a\nb\n", "remove_lines(0, 1) remove_lines(2, 3) remove_lines(2, 1) remove_str(3, 'a')"
                               " remove_lines(1, 1)", max_rejected_fraction=None)
    assert result.rejected_by_reason == {"out_of_range": 4}
    assert result.text == "b\n"


def test_parse_rejections_are_counted_and_the_rest_still_applies():
    program = "remove_lines(1, 1) drop_doc() remove_lines(1) remove_str(2, 7) remove_lines(4, 4)"
    result = execute(DOC, program, max_rejected_fraction=None)
    assert result.text == "The cat sat on the mat.\nIt was warm. Click here!\n"
    assert result.rejected_by_reason == {"unknown_function": 1, "bad_arity": 1, "bad_type": 1}
    assert (result.calls_accepted, result.calls_rejected, result.status) == (2, 3, REFINED)


def test_too_many_rejected_calls_reject_the_whole_program():
    bad = " ".join(f"remove_str(2, 'nope{n}')" for n in range(3))
    by_count = execute(DOC, "remove_lines(1, 1) remove_lines(4, 4) " + bad, max_rejected_calls=2,
                       max_rejected_fraction=None)
    assert (by_count.status, by_count.text, by_count.spans) == (PROGRAM_REJECTED, DOC, [])
    assert by_count.calls_rejected == 3
    by_fraction = execute(DOC, "remove_lines(1, 1) " + bad, max_rejected_calls=None, max_rejected_fraction=0.5)
    assert by_fraction.status == PROGRAM_REJECTED
    within = execute(DOC, "remove_lines(1, 1) remove_lines(4, 4) " + bad, max_rejected_calls=3,
                     max_rejected_fraction=0.6)
    assert within.status == REFINED and within.text == "The cat sat on the mat.\nIt was warm. Click here!\n"


def test_empty_program_keep_all_and_empty_document():
    for program in ["", "keep_all()", "I see nothing to remove.", ParsedProgram()]:
        result = execute(DOC, program)
        assert (result.text, result.status, result.spans) == (DOC, UNCHANGED, [])
    assert execute("", "remove_lines(1, 1)", max_rejected_fraction=None).status == UNCHANGED


def test_truncated_line_allows_remove_str_only_in_the_shown_part():
    line = "head " + "x" * 20 + " tail"
    text = f"{line}\nnext\n"
    assert run(text, "remove_str(1, 'head ')", max_line_chars=10) == line[5:] + "\nnext\n"
    hidden = execute(text, "remove_str(1, ' tail')", max_line_chars=10, max_rejected_fraction=None)
    assert hidden.rejected_by_reason == {"not_found": 1} and hidden.text == text
    assert run(text, "remove_str(1, ' tail')", max_line_chars=None) == line[:-5] + "\nnext\n"
    assert run(text, "remove_lines(1, 1)", max_line_chars=10) == "next\n"


def test_other_line_separators_stay_inside_lines():
    text = "a\r\nb\u2028c\x0bd\x85e\nf"
    assert run(text, "remove_lines(2, 2)") == "a\r\nf"
    assert run(text, "remove_str(2, '\\u2028c\\x0b')") == "a\r\nbd\x85e\nf"


# -- properties -----------------------------------------------------------------------

texts = st.text(alphabet="ab \n\r\u2028", max_size=40)


@st.composite
def text_and_program(draw):
    text = draw(texts)
    lines = split_lines(text)
    count = len(lines) + 1
    line_number = st.integers(min_value=0, max_value=count)
    calls = draw(st.lists(st.one_of(
        st.builds(RemoveLines, line_number, line_number),
        st.builds(RemoveStr, line_number, st.text(alphabet="ab \r", min_size=0, max_size=3)),
        st.just(KeepAll()),
    ), max_size=6, unique=True))
    return text, calls



@settings(max_examples=400, deadline=None)
@given(text_and_program())
def test_output_is_input_minus_reported_spans(case):
    text, calls = case
    result = execute(text, format_program(calls), max_rejected_calls=None, max_rejected_fraction=None)
    assert result.text == delete_spans(text, result.spans)
    assert all(0 <= start < end <= len(text) for start, end in result.spans)
    assert all(end < start for (_, end), (start, _) in pairwise(result.spans))
    assert is_subsequence(result.text, text)
    assert result.calls_accepted + result.calls_rejected == len(calls)
    assert result.chars_out == len(result.text) and result.lines_out == len(split_lines(result.text))


@settings(max_examples=300, deadline=None)
@given(text_and_program(), st.randoms(use_true_random=False))
def test_call_order_does_not_matter(case, rng):
    text, calls = case
    shuffled = calls[:]
    rng.shuffle(shuffled)
    limits = dict(max_rejected_calls=None, max_rejected_fraction=None)
    first = execute(text, format_program(calls), **limits)
    second = execute(text, format_program(shuffled), **limits)
    assert (first.text, first.spans, first.rejected_by_reason) == (second.text, second.spans, second.rejected_by_reason)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_empty_program_and_keep_all_are_identity(text):
    for program in ["", "keep_all()", "keep_all() keep_all()"]:
        result = execute(text, program)
        assert result.text == text and result.spans == [] and result.status == UNCHANGED


@settings(max_examples=300, deadline=None)
@given(texts, st.data())
def test_line_deletion_equals_remaining_lines_joined(text, data):
    lines = split_lines(text)
    if not lines:
        return
    removed = data.draw(st.sets(st.integers(1, len(lines))))
    program = format_program(RemoveLines(n, n) for n in sorted(removed))
    kept = [line for n, line in enumerate(lines, start=1) if n not in removed]
    expected = "\n".join(kept) + ("\n" if kept and text.endswith("\n") else "")
    assert run(text, program, max_rejected_fraction=None) == expected


def test_executor_handles_many_calls_on_a_large_document():
    rng = random.Random(1)
    text = "".join(f"line {n} " + "word " * rng.randint(0, 20) + "\n" for n in range(20000))
    program = "\n".join(f"remove_lines({n}, {n + 1})" for n in range(1, 20000, 7))
    result = execute(text, program)
    assert result.calls_rejected == 0 and result.lines_out == 20000 - 2 * len(range(1, 20000, 7))
