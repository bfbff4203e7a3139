"""The ``replay`` backend: a past run's programs re-executed, and garbage programs for every document."""
from __future__ import annotations

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from lakerefine.schemas import vocab as S
from tests.support.corpus import NAV, PROSE, sample_docs, write_corpus

RECORDED = StructType([StructField("run_id", StringType()), StructField("doc_id", StringType()),
                       StructField("program", StringType())])
GARBAGE = [
    "",
    "remove_lines(start=900, end=990)",
    "remove_str(line=1, s='no such words here')",
    "remove_lines(start=3, end=1)",
    "os.system('rm -rf /')",
    "remove_lines(",
    "\x00\x01\ufffd broken",
    "keep_all()\n" * 50,
    "remove_lines(start='one', end=None)",
    "x" * 100_000,
    "remove_str(line=1, s=\"" + "Home" * 5 + "\")",
    None,    # recorded without a program
]


def audit(spark, path: str, run_id: str) -> dict[str, dict]:
    rows = spark.read.format("delta").load(path).where(F.col("run_id") == run_id).collect()
    by_id = {r.doc_id: r.asDict(recursive=True) for r in rows}
    assert len(by_id) == len(rows), f"run {run_id}: a doc_id is audited twice"
    return by_id


def replay(run_id: str, table: str = "refine_edits") -> list[str]:
    return ["--set", "refine.backend=replay", "--set", f"refine.replay.run_id={run_id}",
            "--set", f"refine.replay.table={table}"]


def test_replaying_a_past_run_reproduces_its_edits(spark, cli, table_path):
    docs = sample_docs(10) + [("nav", f"{NAV}\n{PROSE}\n", "web")]
    write_corpus(spark, table_path("corpus"), docs)
    original_run = ("--run-id", "original", "--output", "refined_original", "--set", "refine.backend=rules")
    assert cli("refine", *original_run)[0] == 0
    code, out = cli("refine", "--run-id", "again", *replay("original"))
    assert code == 0, out

    original, again = (audit(spark, table_path("refine_edits"), r) for r in ("original", "again"))
    assert set(again) == set(original)
    for doc_id, row in again.items():
        assert row["backend"] == "replay" and row["model"] == "replay:refine_edits@original"
        for key in ("status", "program", "spans", "chars_out", "raw_sha256"):
            assert row[key] == original[doc_id][key], (doc_id, key)
    assert again["nav"]["status"] == S.REFINED
    texts = lambda name: {r.doc_id: r.text for r in spark.read.format("delta").load(table_path(name)).collect()}  # noqa: E731
    assert texts("refined") == texts("refined_original")


def test_garbage_programs_for_every_document_crash_nothing_and_every_document_is_audited(spark, cli, table_path):
    docs = sample_docs(len(GARBAGE)) + [("unrecorded", f"{NAV}\n{PROSE}\n", "web"), ("null", None, "web")]
    write_corpus(spark, table_path("corpus"), docs)
    recorded = [("junk", doc_id, program) for (doc_id, _, _), program in zip(docs, GARBAGE, strict=False)]
    recorded.append(("junk", "null", "remove_lines(start=1, end=1)"))
    spark.createDataFrame(recorded, RECORDED).write.format("delta").save(table_path("junk_programs"))

    code, out = cli("refine", "--run-id", "replayed", *replay("junk", "junk_programs"))
    assert code == 0, out
    edits = audit(spark, table_path("refine_edits"), "replayed")
    assert set(edits) == {d[0] for d in docs}
    assert set(r["status"] for r in edits.values()) <= set(S.REFINE_STATUSES)
    assert edits["unrecorded"]["status"] == S.ERROR and "NoRecordedProgram" in edits["unrecorded"]["error"]
    null_program = docs[GARBAGE.index(None)][0]
    assert edits[null_program]["status"] == S.ERROR
    assert edits["null"]["status"] == S.SKIPPED_NULL
    for doc_id, row in edits.items():
        if row["status"] not in S.EDITED:
            assert row["chars_out"] == row["chars_in"] and not row["spans"], doc_id
    refined = {r.doc_id: r.text for r in spark.read.format("delta").load(table_path("refined")).collect()}
    assert set(refined) == {d[0] for d in docs}
    [run] = spark.read.format("delta").load(table_path("runs")).where("run_id = 'replayed'").collect()
    assert run.status == "succeeded" and run.counts["docs_in"] == len(docs)
    assert sum(n for key, n in run.counts.items() if key.startswith("status.")) == len(docs)


def test_replay_without_a_run_id_fails_before_any_work(spark, cli, table_path):
    write_corpus(spark, table_path("corpus"), sample_docs(2))
    code, out = cli("refine", "--set", "refine.backend=replay")
    assert code != 0 and "refine.replay.run_id" in out


@pytest.mark.parametrize("rows, message", [
    (None, "no Delta table"),
    ([("other", "a", "")], "no rows for run_id 'junk'"),
    ([("junk", "a", ""), ("junk", "a", "remove_lines(start=1, end=1)")], "2 rows for run_id 'junk' but 1 distinct"),
])
def test_a_bad_replay_table_is_a_clear_error(spark, cli, table_path, rows, message):
    write_corpus(spark, table_path("corpus"), sample_docs(2))
    if rows is not None:
        spark.createDataFrame(rows, RECORDED).write.format("delta").save(table_path("junk_programs"))
    with pytest.raises(ValueError, match=message):
        cli("refine", "--run-id", "r", *replay("junk", "junk_programs"))
