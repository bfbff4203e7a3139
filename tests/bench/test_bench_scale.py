"""bench/bench_scale.py's corpora: real text, every copy its own id and its own text."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.bench import BENCH, load_bench


@pytest.fixture(scope="module")
def bench():
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(BENCH))   # it imports its sibling bench_refine_job
        return load_bench("bench_scale")


def rows_of(folder: Path) -> list[dict]:
    return [json.loads(line) for shard in sorted(folder.iterdir()) for line in shard.open(encoding="utf-8")]


def test_copies_of_a_document_get_their_own_id_and_text_the_same_on_every_run(bench):
    docs = bench.base_documents()
    by_source: dict[str, list[dict]] = {}
    for doc in docs:
        by_source.setdefault(doc["source"], []).append(doc)
    index, doc = next((i, d) for i, d in enumerate(docs) if len(d["text"].split("\n")) > 40)
    copies = [bench.varied_copy(doc, k, index, by_source) for k in range(4)]
    assert len({c["id"] for c in copies}) == len({c["text"] for c in copies}) == 4
    assert all(c["text"].split("\n")[0] == doc["text"].split("\n")[0] for c in copies)   # the head stays first
    assert copies == [bench.varied_copy(doc, k, index, by_source) for k in range(4)]


def test_the_tiny_corpus_is_many_documents_of_one_to_three_lines(bench, tmp_path):
    info = bench.write_tiny_corpus(tmp_path / "in", 600)
    rows = rows_of(tmp_path / "in")
    assert info["docs"] == len(rows) == len({r["id"] for r in rows}) == 600
    assert all(1 <= len(r["text"].split("\n")) <= 3 and r["text"].strip() for r in rows)
    assert info["text_bytes"] == sum(len(r["text"].encode("utf-8")) for r in rows)
