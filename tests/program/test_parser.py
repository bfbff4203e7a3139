"""Parsing model output into calls: every accepted form and every rejection reason."""
import ast
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.program.calls import (
    BAD_ARITY,
    BAD_TYPE,
    MALFORMED,
    UNKNOWN_FUNCTION,
    KeepAll,
    RemoveLines,
    RemoveStr,
)
from lakerefine.udfs.program.literals import decode_body
from lakerefine.udfs.program.parser import HUGE_INT, format_program, parse_program


def calls(text):
    return parse_program(text).calls


def reasons(text):
    return [rejection.reason for rejection in parse_program(text).rejected]


def test_positional_calls_as_in_the_paper():
    assert calls('remove_lines(1, 3) remove_str(5, "*&╚ ") keep_all()') == [
        RemoveLines(1, 3), RemoveStr(5, "*&╚ "), KeepAll(),
    ]


def test_keyword_arguments_in_any_order():
    assert calls("remove_lines(start_line=2, end_line=4)") == [RemoveLines(2, 4)]
    assert calls("remove_lines(end_line=4, start_line=2)") == [RemoveLines(2, 4)]
    assert calls("remove_str(line=3, del_str='x')") == [RemoveStr(3, "x")]
    assert calls("remove_str(3, del_str='x')") == [RemoveStr(3, "x")]


@pytest.mark.parametrize("separator", ["\n", " ", ";", "; ", "\n\n", "\t", ""])
def test_separators_between_calls(separator):
    assert calls(f"remove_lines(1, 2){separator}remove_str(3, 'a')") == [RemoveLines(1, 2), RemoveStr(3, "a")]


def test_markdown_fences_and_chatter_around_calls():
    text = (
        "Here's the program; it's short:\n```python\nremove_lines(1, 2)\n"
        "remove_str(4, 'Click here')  # the ad\n```\nThat's all (I think)."
    )
    program = parse_program(text)
    assert program.calls == [RemoveLines(1, 2), RemoveStr(4, "Click here")]
    assert program.rejected == []


def test_whitespace_inside_calls_and_trailing_comma():
    assert calls("remove_lines (\n  1 ,\n  2 ,\n)") == [RemoveLines(1, 2)]


def test_repeated_identical_calls_are_kept_once_and_counted():
    program = parse_program("remove_lines(1, 2)\n" * 5 + "keep_all() keep_all()")
    assert program.calls == [RemoveLines(1, 2), KeepAll()]
    assert program.duplicates == 5


def test_a_truncated_last_call_is_dropped_and_flagged():
    for cut in ["remove_lines(7, 9", "remove_lines(7,", "remove_str(3, 'abc", 'remove_str(3, """abc\nmore',
                "remove_str(3, 'abc\\", "remove_str(", "remove_str(line="]:
        program = parse_program("remove_lines(1, 2)\n" + cut)
        assert program.calls == [RemoveLines(1, 2)], cut
        assert program.truncated and program.rejected == [], cut
    assert not parse_program("remove_lines(1, 2)").truncated


def test_string_literal_forms():
    assert calls(r"""remove_str(1, 'it\'s') remove_str(2, "tab\there") remove_str(3, r'C:\dir')""") == [
        RemoveStr(1, "it's"), RemoveStr(2, "tab\there"), RemoveStr(3, "C:\\dir"),
    ]
    assert calls(r"remove_str(1, '\x41\u00e9\N{BULLET}\101\q')") == [RemoveStr(1, "A\u00e9\u2022A\\q")]
    assert calls("remove_str(1, '''a'b''')") == [RemoveStr(1, "a'b")]
    assert calls("remove_str(1, u'x')") == [RemoveStr(1, "x")]


def test_raw_control_characters_inside_a_string_stand_for_themselves():
    assert calls("remove_str(1, 'a\x00b\rc\u2028')") == [RemoveStr(1, "a\x00b\rc\u2028")]


def test_unknown_functions_are_rejected():
    assert reasons("drop_doc() normalize('a', 'b') os.system('id')") == [UNKNOWN_FUNCTION] * 3
    # prose with a space before the parenthesis is not an attempted call
    assert parse_program("the header (lines 1-3) and a footnote (2)").rejected == []


def test_bad_arity():
    for text in ["remove_lines(1)", "remove_lines(1, 2, 3)", "keep_all(1)", "remove_str(1)",
                 "remove_lines(start_line=1, start_line=2)", "remove_lines(1, start_line=2)",
                 "remove_lines(start=1, end=2)"]:
        assert reasons(text) == [BAD_ARITY], text


def test_bad_type():
    for text in ["remove_lines(1.0, 2)", "remove_lines('1', 2)", "remove_str(1, 2)", "remove_str('1', 'x')",
                 "remove_lines(True, 2)", "remove_lines(0x1, 2)", "remove_str(1, b'x')",
                 "remove_str(1, f'{x}')", "remove_lines(one, two)", "remove_lines(1e3, 2)"]:
        assert reasons(text) == [BAD_TYPE], text


def test_malformed():
    for text in ["remove_lines(1 2)", "remove_lines(1-3)", "remove_lines([1], 2)", "remove_str(1, 'a' + 'b')",
                 "remove_str(1, 'abc\nremove_lines", "remove_lines(line=1, 2)", "remove_str(1, '\\N{NO SUCH}')",
                 "remove_lines(len(x), 2)"]:
        program = parse_program(text + ")\n")
        assert [r.reason for r in program.rejected][:1] == [MALFORMED], text


def test_a_malformed_call_does_not_hide_the_next_one():
    program = parse_program("remove_lines(1, 2\nremove_lines(4, 5)")
    assert program.calls == [RemoveLines(4, 5)]
    assert [r.reason for r in program.rejected] == [MALFORMED]


def test_integers():
    assert calls("remove_lines(-1, +2) remove_lines(007, 1_000)") == [RemoveLines(-1, 2), RemoveLines(7, 1000)]
    assert calls("remove_lines(" + "9" * 5000 + ", 1)") == [RemoveLines(HUGE_INT, 1)]


def test_rejections_keep_a_short_snippet():
    program = parse_program("frobnicate('" + "y" * 500 + "')")
    assert program.rejected[0].reason == UNKNOWN_FUNCTION
    assert program.rejected[0].snippet.startswith("frobnicate('yyy") and len(program.rejected[0].snippet) <= 80


call_strategy = st.one_of(
    st.builds(RemoveLines, st.integers(-10**18, 10**18), st.integers(-10**18, 10**18)),
    st.builds(RemoveStr, st.integers(0, 10**6), st.text(min_size=1, max_size=30)),
    st.just(KeepAll()),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(call_strategy, max_size=8, unique=True))
def test_format_program_round_trips(program_calls):
    text = format_program(program_calls)
    parsed = parse_program(text)
    assert parsed.calls == program_calls
    assert parsed.rejected == [] and not parsed.truncated and parsed.duplicates == 0
    assert text.count("\n") == max(0, len(program_calls) - 1)  # one call per line


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"), max_size=30),
       st.sampled_from(["'", '"']))
def test_string_decoding_matches_python_for_printable_reprs_and_raw_bodies(value, quote):
    literal = repr(value)
    assert decode_body(literal[1:-1]) == ast.literal_eval(literal)
    body = value.replace("\\", "").replace(quote, "").replace("\n", "")
    assert decode_body(body) == ast.literal_eval(quote + body + quote)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="\\abnx0179uN{}'\"", max_size=12))
def test_escape_sequences_match_python_or_are_rejected_when_python_rejects(body):
    body = body.replace("'", "")
    trailing_backslashes = len(body) - len(body.rstrip("\\"))
    if trailing_backslashes % 2 == 0:  # else the body would escape its closing quote
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = ast.literal_eval(f"'{body}'")
        except (SyntaxError, ValueError):
            with pytest.raises(ValueError):
                decode_body(body)
        else:
            assert decode_body(body) == expected
