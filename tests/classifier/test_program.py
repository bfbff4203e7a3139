import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lakerefine.udfs.classifier.program import deletion_program
from lakerefine.udfs.program.calls import KeptWhole
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.program.lines import split_lines


def test_runs_of_low_lines_become_remove_lines_calls():
    text = "nav\nmenu\nStory one.\nads\nStory two.\n"
    program = deletion_program(text, [0.1, 0.2, 0.9, 0.3, 0.8], 0.5)
    assert program == "remove_lines(1, 2)\nremove_lines(4, 4)"
    assert execute(text, program).text == "Story one.\nStory two.\n"


def test_nothing_to_delete_is_keep_all():
    assert deletion_program("a\nb", [0.9, 0.5], 0.5) == "keep_all()"
    assert deletion_program("", [], 0.5) == "keep_all()"
    assert not isinstance(deletion_program("a\nb", [0.9, 0.5], 0.5), KeptWhole)


def test_wrong_number_of_probabilities_is_an_error():
    try:
        deletion_program("a\nb\n", [0.9], 0.5)
    except ValueError as error:
        assert "1 probabilities for 2 lines" in str(error)
    else:
        raise AssertionError("no error")


@given(st.lists(st.text(alphabet="ab \r\u2028", max_size=6), max_size=12), st.booleans(), st.data())
def test_program_executes_to_the_input_minus_the_deleted_lines(lines, final_newline, data):
    text = "\n".join(lines) + ("\n" if final_newline and lines else "")
    count = len(split_lines(text))
    keep = np.array(data.draw(st.lists(st.floats(0, 1), min_size=count, max_size=count)))
    done = execute(text, deletion_program(text, keep, 0.5))
    kept = [line for line, p in zip(split_lines(text), keep, strict=True) if p >= 0.5]
    expected = "\n".join(kept) + ("\n" if kept and text.endswith("\n") else "")
    assert done.text == expected
    assert done.calls_rejected == 0


def test_a_blank_line_takes_the_larger_probability_of_its_nearest_text_lines():
    from lakerefine.udfs.classifier.model import fill_blank_lines

    probability = np.array([0.0, 0.9, 0.0, 0.0, 0.2, 0.0, 0.1, 0.0])
    blank = np.array([True, False, True, True, False, True, False, True])
    np.testing.assert_allclose(fill_blank_lines(probability, blank), [0.9, 0.9, 0.9, 0.9, 0.2, 0.2, 0.1, 0.1])
    np.testing.assert_array_equal(fill_blank_lines(np.zeros(2), np.array([True, True])), [1.0, 1.0])


def test_a_page_that_would_keep_under_the_floor_of_its_words_is_kept_whole():
    text = "Home News Sport\nOne two three four five six seven eight\nShare\n"
    words = [3, 8, 1]
    # Keeps "Share" only: 1 of 12 words.
    kept_whole = deletion_program(text, [0.1, 0.2, 0.9], 0.5, words, page_floor=0.1)
    assert kept_whole == "keep_all()" and isinstance(kept_whole, KeptWhole)
    assert execute(text, kept_whole).text == text
    assert deletion_program(text, [0.1, 0.2, 0.9], 0.5, words, page_floor=0.0) == "remove_lines(1, 2)"
    # Keeps the long line: 8 of 12 words, above the floor.
    assert deletion_program(text, [0.1, 0.9, 0.2], 0.5, words, page_floor=0.1) == (
        "remove_lines(1, 1)\nremove_lines(3, 3)")
    # Deleting everything is under any floor; a text without words has nothing to keep.
    assert deletion_program(text, [0.1, 0.1, 0.1], 0.5, words, page_floor=0.05) == "keep_all()"
    assert deletion_program("--\n..\n", [0.1, 0.1], 0.5, [0, 0], page_floor=0.1) == "remove_lines(1, 2)"


def test_word_counts_must_match_the_lines():
    try:
        deletion_program("a\nb\n", [0.9, 0.1], 0.5, [1], page_floor=0.1)
    except ValueError as error:
        assert "word counts for 2 lines" in str(error)
    else:
        raise AssertionError("no error")
