"""Hostile and random programs: nothing raises, nothing runs, invariants hold, work stays linear.

Work is counted, not timed: the calls the interpreter makes (Python functions and C
builtins such as regex matches), which a loaded machine cannot change. Wall-clock
scaling is measured by bench/bench_program.py (its "scaling" table).
"""
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.program.executor import delete_spans, execute
from lakerefine.udfs.program.parser import parse_program
from tests.support.programs import PROGRAM_FAMILIES, is_subsequence

DOC = "".join(f"line {n}: some text, a link | menu | footer\n" for n in range(1, 201))



def check(program, text=DOC):
    result = execute(text, program)
    assert result.text == delete_spans(text, result.spans)
    assert is_subsequence(result.text, text)
    return result


def hostile_programs(sentinel):
    path = str(sentinel)
    return [
        f"__import__('os').system('touch {path}')",
        f"open({path!r}, 'w').write('x')",
        f"remove_str(1, __import__('os').system('touch {path}'))",
        f"remove_str(1, f'{{__import__(\"os\").system(\"touch {path}\")}}')",
        f"exec(\"open({path!r}, 'w')\")  eval('1+1')",
        "().__class__.__bases__[0].__subclasses__()",
        "remove_lines.__globals__['os'].system('id')",
        "remove_lines(10**100000, 1)",
        "remove_lines(" + "9" * 200_000 + ", 1)",
        "remove_lines(1, -" + "9" * 5000 + ")",
        "(" * 100_000,
        "remove_lines(" * 20_000,
        "remove_lines(" + "(" * 100_000 + "1, 2" + ")" * 100_000 + ")",
        "remove_str(1, '" + "x" * 3_000_000 + "')",
        "remove_str(1, '" + "x" * 3_000_000,
        'remove_str(1, """' + "y\n" * 500_000,
        "remove_str(1, 'a\x00b') \x00\x00 remove_lines(\x001, 2)",
        "remove_lines(1,\u20282) remove_str(2, '\u2028') \x85 remove_lines(3,\x0b4)",
        "remove_lines(1, 2)\n" * 10_000,
        "".join(f"remove_lines({n}, {n})\n" for n in range(1, 10_001)),
        "".join(f"remove_str({n % 200 + 1}, 'zz{n}')\n" for n in range(10_000)),
        "'" * 100_001 + '"' * 100_001,
        "a(" * 50_000,
        "x." * 100_000 + "remove_lines(1, 2)",
        "remove_str(1, '\\N{" + "A" * 100_000 + "}')",
        "remove_str(1, '" + "\\" * 100_001 + "')",
        "\ud800 remove_lines(1, 1) \udfff",
    ]


def test_hostile_programs_never_raise_or_run(tmp_path):
    sentinel = tmp_path / "pwned"
    for program in hostile_programs(sentinel):
        check(program)
        parse_program(program)
    assert not sentinel.exists()


def test_nul_and_separators_in_documents_and_programs():
    text = "a\x00b\nc\u2028d\r\ne\x85f\x1cg\n"
    result = check("remove_str(1, '\\x00') remove_str(2, '\u2028') remove_str(3, '\x85')", text)
    assert result.text == "ab\ncd\r\nef\x1cg\n"


def test_ten_thousand_calls():
    program = "".join(f"remove_lines({n}, {n}); " for n in range(1, 10_001))
    result = execute("x\n" * 20_000, program)
    assert result.calls_accepted == 10_000 and result.text == "x\n" * 10_000


program_pieces = st.sampled_from([
    "remove_lines(", "remove_str(", "keep_all(", ")", "(", ",", " ", "\n", ";", "=", "line", "start_line",
    "end_line", "del_str", "1", "2", "3", "-1", "99", "'", '"', "'''", "\\", "a", "menu", "r'", "b'",
    "```", "\x00", "\u2028", "1.5", "True", "os.system", "__import__",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(program_pieces, max_size=40).map("".join), st.text(alphabet="ab \nmenu|", max_size=60))
def test_random_programs_keep_the_invariants(program, text):
    result = check(program, text)
    parsed = parse_program(program)
    assert result.calls_accepted + result.calls_rejected == len(parsed.calls) + len(parsed.rejected)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode_programs_keep_the_invariants(program):
    check(program)


def operations(function, argument) -> int:
    """How many Python and C function calls ``function(argument)`` makes."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        function(argument)
    finally:
        sys.setprofile(None)
    return count


# Work at 8x the input: 8x for a linear algorithm, 64x for a quadratic one.
MAX_GROWTH = 16



def test_parsing_and_execution_work_grows_linearly():
    for name, build in PROGRAM_FAMILIES.items():
        run = lambda program: execute(DOC, program)  # noqa: E731
        growth = operations(run, build(800)) / operations(run, build(100))
        assert growth < MAX_GROWTH, f"{name}: {growth:.1f}x the work for 8x the input"


def test_execution_work_grows_linearly_with_document_size():
    line = "Home | About | a sentence of real length with words in it.\n"
    program = "remove_lines(1, 3)\nremove_str(5, 'About')\nremove_lines(10, 12)\n"
    run = lambda text: execute(text, program)  # noqa: E731
    growth = operations(run, line * 40_000) / operations(run, line * 5_000)
    assert growth < MAX_GROWTH, f"{growth:.1f}x the work for 8x the document"
