"""The report's pure part: diff segments and token cells, and the HTML they render to (no Spark, no browser)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lakerefine.udfs.program.executor import delete_spans
from lakerefine.udfs.report.model import RunInfo, TokenReport, TokenSample
from lakerefine.udfs.report.render import diff_segments, render_token_clean, token_cells


@st.composite
def text_and_spans(draw):
    text = draw(st.text(max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a]
    return text, spans


@given(text_and_spans())
def test_segments_are_the_text_and_the_deleted_ones_are_the_spans(case):
    text, spans = case
    segments = diff_segments(text, spans)
    assert "".join(s.text for s in segments) == text
    assert [s.text for s in segments if s.deleted] == [text[a:b] for a, b in spans]
    assert "".join(s.text for s in segments if not s.deleted) == delete_spans(text, spans)


def test_a_long_text_is_cut_and_its_spans_clipped():
    segments = diff_segments("abcdefghij", [(2, 4), (6, 9)], limit=7)
    assert [(s.text, s.deleted) for s in segments] == [("ab", False), ("cd", True), ("ef", False), ("g", True)]


def run_info() -> RunInfo:
    return RunInfo("tc-1", "token-clean", "succeeded", 1, "2026-01-01 00:00:00", "2026-01-01 00:01:00", "sft", 0,
                   "token_masks", 3, "abc", "0.1.0", {})


def test_token_cells_mark_masked_prompt_and_kept_tokens():
    sample = TokenSample("s1", "plain", ["<u>", "hi", " there", "!"], [-100, -100, 7, -100], [None, 0.5, -1.0, 0.2],
                         1, 3)
    cells = token_cells(sample)
    assert [c.kind for c in cells] == ["unscored", "masked", "kept", "masked"]
    assert cells[2].color.startswith("rgba(192,57,43") and cells[1].color.startswith("rgba(39,174,96")
    report = TokenReport(run_info(), "global", 0.6, 0.1, "base", "ref", {"scored_tokens": 3, "kept_tokens": 1}, 1,
                         [(-1.0, 1, 0), (0.0, 0, 2)], 1.0, [(0.0, 1)], [sample])
    html = render_token_clean(report)
    assert html.count('class="tok masked"') == 2 + 1   # two tokens and the legend
    assert "&lt;u&gt;" in html and "<u>" not in html   # token text is escaped
    assert "cdn.plot.ly" not in html.split("<script>", 1)[0]
