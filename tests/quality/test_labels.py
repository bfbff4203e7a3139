"""Line labels from gold (udfs/quality/labels.py) and the new-character count (udfs/quality/scoring.py)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from lakerefine.udfs.program.executor import delete_spans, merge_spans
from lakerefine.udfs.quality.labels import label_lines
from lakerefine.udfs.quality.scoring import new_characters

DOCPAGES = Path(__file__).resolve().parents[2] / "data" / "docpages" / "docpages.jsonl.gz"


def test_lines_not_in_gold_are_boilerplate_and_blank_lines_neutral():
    raw = "Menu\nTitle\n\nBody one\nShare\nBody two\n"
    labels = label_lines(raw, "Title\nBody one\n\nBody two")
    assert [raw[a:b] for a, b in labels.boilerplate] == ["Menu\n", "Share\n"]
    assert [raw[a:b] for a, b in labels.neutral] == ["\n"]


def test_a_heading_repeated_in_navigation_is_matched_in_the_content_run():
    raw = "Install\nUsage\nNav end\nInstall\nRun pip install x\nUsage\nCall x()\nFooter"
    labels = label_lines(raw, "Install\nRun pip install x\nUsage\nCall x()")
    assert [raw[a:b] for a, b in labels.boilerplate] == ["Install\nUsage\nNav end\n", "Footer"]


def test_no_labels_when_a_gold_line_is_not_in_raw():
    assert label_lines("a line\nanother line", "a line\nreworded line") is None
    assert label_lines("second\nfirst", "first\nsecond") is None   # out of order


def test_real_doc_pages_minus_their_boilerplate_are_their_gold():
    with gzip.open(DOCPAGES, "rt", encoding="utf-8") as lines:
        pages = [json.loads(line) for _, line in zip(range(40), lines, strict=False)]
    for page in pages:
        labels = label_lines(page["raw"], page["gold"])
        assert labels is not None, page["id"]
        kept = delete_spans(page["raw"], merge_spans(labels.boilerplate + labels.neutral))
        gold_lines = [line for line in page["gold"].split("\n") if line.strip()]
        assert kept.removesuffix("\n").split("\n") == gold_lines, page["id"]
        assert labels.boilerplate, page["id"]   # every theme has furniture


def test_new_characters_counts_what_a_deletion_cannot_give():
    assert new_characters("abc\ndef\n", "abc\ndef\n") == 0
    assert new_characters("abc\ndef\n", "ac\nf\n") == 0
    assert new_characters("abc\ndef\n", "abxc\n") == 1
    assert new_characters("abc\ndef\n", "def\nabc\n") == 4   # reordered: the second line is new
    assert new_characters("a  b", "a b") == 0
    assert new_characters("a b", "a  b") == 1


@given(st.text(alphabet="ab \n", max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 8))))
def test_any_deletion_has_no_new_characters(text, cuts):
    spans = merge_spans([(min(start, len(text)), min(start + size, len(text))) for start, size in cuts])
    assert new_characters(text, delete_spans(text, spans)) == 0
