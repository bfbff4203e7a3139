"""Distilling expert rewrites into deletion programs (RefineX rules)."""
from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.program.calls import RemoveLines, RemoveStr
from lakerefine.udfs.program.diff import DELETE, diff_edits
from lakerefine.udfs.program.distiller import (
    EMPTY_EXPERT,
    EMPTY_RAW,
    MOSTLY_INEXPRESSIBLE,
    REWRITE_TOO_LONG,
    TOO_FEW_DELETIONS,
    DistillConfig,
    distill,
)
from lakerefine.udfs.program.executor import execute
from tests.support.programs import is_subsequence

RAW = (
    "Home | News | Sport | Weather\n"
    "Storm hits the coast\n"
    "A storm hit the coast on Monday. Advertisement: buy now!\n"
    "Residents were told to stay inside.\n"
    "Share on Facebook\n"
    "Share on Twitter\n"
    "Copyright 2024 Example News\n"
)
EXPERT = (
    "Storm hits the coast\n"
    "A storm hit the coast on Monday.\n"
    "Residents were told to stay inside.\n"
)
EVERYTHING = DistillConfig(min_deleted_chars=0, min_expressed_fraction=0.0, max_rewrite_chars=10**9,
                           allow_empty_expert=True)


def executed(raw, distillation, max_line_chars=None):
    return execute(raw, distillation.program, max_rejected_calls=None, max_rejected_fraction=None,
                   max_line_chars=max_line_chars).text


def test_boilerplate_lines_and_a_partial_string():
    result = distill(RAW, EXPERT)
    assert result.calls == [RemoveLines(1, 1), RemoveStr(3, " Advertisement: buy now!"), RemoveLines(5, 7)]
    assert result.program == (
        "remove_lines(1, 1)\nremove_str(3, ' Advertisement: buy now!')\nremove_lines(5, 7)"
    )
    assert result.accepted and result.reason is None and result.exact
    assert result.deleted_chars == len(RAW) - len(EXPERT) == result.expressed_chars
    assert (result.inexpressible_chars, result.expressed_fraction) == (0, 1.0)
    assert executed(RAW, result) == EXPERT


def test_a_deletion_across_a_newline_is_clipped_to_each_line():
    raw = "keep this part. junk one\njunk two. keep this too\n"
    result = distill(raw, "keep this part. keep this too\n", EVERYTHING)
    assert result.calls == [RemoveStr(1, "junk one"), RemoveStr(2, "junk two. ")]
    assert result.inexpressible_chars == 1  # the "\n" that would join the two lines
    assert executed(raw, result) == "keep this part. \nkeep this too\n"


def test_a_non_unique_string_is_counted_not_emitted():
    raw = "ab ab ab ab ab ab ab ab end\n"  # every slide of the deleted run repeats too
    result = distill(raw, "ab ab ab ab end\n", EVERYTHING)
    assert result.calls == [] and result.inexpressible_chars == 12 and not result.exact
    assert result.reason is None  # with min_expressed_fraction 0 it is still kept


def test_a_non_unique_string_slides_to_an_equivalent_unique_one():
    raw = "abcabc X and some more\n"
    result = distill(raw, "abc X and some more\n", EVERYTHING)
    assert result.calls in ([RemoveStr(1, "bca")], [RemoveStr(1, "cab")]) and result.exact
    assert executed(raw, result) == "abc X and some more\n"


def test_lines_emptied_but_kept_as_an_empty_line():
    raw = "intro\nMENU ITEM\nOTHER\nbody\n"
    result = distill(raw, "intro\n\nbody\n", EVERYTHING)
    assert result.calls == [RemoveStr(2, "MENU ITEM"), RemoveLines(3, 3)] or \
        result.calls == [RemoveLines(2, 2), RemoveStr(3, "OTHER")]
    assert executed(raw, result) == "intro\n\nbody\n" and result.exact


def test_the_final_newline_cannot_be_removed_alone():
    result = distill("a line\nlast line\n", "a line", EVERYTHING)
    assert result.calls == [RemoveLines(2, 2)] and result.inexpressible_chars == 1


def test_remove_str_past_the_shown_part_of_a_long_line_is_inexpressible():
    line = "start " + "x" * 50 + " JUNK"
    raw = line + "\nnext line\n"
    config = DistillConfig(min_deleted_chars=0, max_line_chars=20)
    result = distill(raw, line[:-5] + "\nnext line\n", config)
    assert result.calls == [] and result.inexpressible_chars == 5
    assert distill(raw, "next line\n", config).calls == [RemoveLines(1, 1)]


def test_insertions_and_replacements_are_dropped_and_long_ones_discard_the_pair():
    raw = "The grey cat sat on the mat. Buy now!!!\n"
    short_rewrite = distill(raw, "The gray cat sat on the mat.\n")
    assert short_rewrite.accepted and short_rewrite.calls == [RemoveStr(1, " Buy now!!!")]
    assert short_rewrite.replace_spans == 1 and short_rewrite.longest_rewrite == 1
    assert short_rewrite.exact  # equal to the deletion-only projection, "grey" kept
    long_insert = distill(raw, "The grey cat, a lovely animal indeed, sat on the mat.\n")
    assert long_insert.reason == REWRITE_TOO_LONG and not long_insert.accepted
    assert long_insert.insert_spans >= 1 and long_insert.inserted_chars >= 20


def test_an_invented_sentence_cut_into_short_pieces_by_the_diff_is_one_long_rewrite():
    raw = "Menu | Home\nThe harbour reopened on Monday.\nCopyright 2024 Example"
    invented = "The harbour reopened on Monday. And here is a whole sentence the expert made up."
    edits = diff_edits(raw, invented)
    pieces = [max(e.raw_end - e.raw_start, e.expert_end - e.expert_start) for e in edits if e.tag != DELETE]
    assert pieces and max(pieces) < 20   # no single edit is long: the diff aligned letters
    result = distill(raw, invented)
    assert result.reason == REWRITE_TOO_LONG and result.longest_rewrite >= 40


def test_discard_reasons():
    assert distill("", "x").reason == EMPTY_RAW
    assert distill(RAW, " \n").reason == EMPTY_EXPERT
    assert distill(RAW, RAW).reason == TOO_FEW_DELETIONS
    assert distill(RAW, RAW.replace("Share on Twitter\n", "")).accepted
    assert distill(RAW, RAW.replace("Weather", "")).reason == TOO_FEW_DELETIONS
    assert distill("ab ab ab ab ab ab ab ab end\n", "ab ab ab ab end\n").reason == MOSTLY_INEXPRESSIBLE
    emptied = distill(RAW, "", DistillConfig(allow_empty_expert=True))
    assert emptied.accepted and emptied.calls == [RemoveLines(1, 7)] and executed(RAW, emptied) == ""


# -- the round-trip property ----------------------------------------------------------

lines = st.lists(st.text(alphabet="ab c.\r", max_size=12), min_size=1, max_size=10)


@st.composite
def raw_and_expert(draw):
    raw = "\n".join(draw(lines)) + draw(st.sampled_from(["", "\n"]))
    keep = draw(st.lists(st.booleans(), min_size=len(raw), max_size=len(raw)))
    mode = draw(st.sampled_from(["chars", "runs"]))
    if mode == "runs":  # delete a few contiguous spans, as experts do
        keep = [True] * len(raw)
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(raw)))
            end = draw(st.integers(start, min(len(raw), start + 15)))
            keep[start:end] = [False] * (end - start)
    return raw, "".join(char for char, kept in zip(raw, keep, strict=True) if kept)



@settings(max_examples=500, deadline=None)
@given(raw_and_expert())
def test_distilled_program_reproduces_a_pure_deletion_expert(pair):
    raw, expert = pair
    result = distill(raw, expert, EVERYTHING)
    if not raw:
        return
    out = executed(raw, result)
    assert result.insert_spans == result.replace_spans == 0
    assert result.deleted_chars == len(raw) - len(expert)
    assert result.expressed_chars + result.inexpressible_chars == result.deleted_chars
    if result.inexpressible_chars == 0:
        assert out == expert and result.exact
    else:
        assert is_subsequence(expert, out) and is_subsequence(out, raw)
        assert len(out) == len(expert) + result.inexpressible_chars


@settings(max_examples=200, deadline=None)
@given(lines, st.data())
def test_whole_line_deletions_are_always_expressible(raw_lines, data):
    raw = "\n".join(raw_lines) + "\n"
    dropped = data.draw(st.sets(st.integers(0, len(raw_lines) - 1)))
    kept = [line for n, line in enumerate(raw_lines) if n not in dropped]
    expert = "".join(line + "\n" for line in kept)
    result = distill(raw, expert, EVERYTHING)
    assert result.inexpressible_chars == 0 and executed(raw, result) == expert
    assert all(isinstance(call, RemoveLines) for call in result.calls) or any(
        line == "" for line in raw_lines
    ) or len(set(raw_lines)) < len(raw_lines)
