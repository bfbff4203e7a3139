"""The refine job on local Spark: statuses, publishing, resuming a killed run, incremental runs."""
from __future__ import annotations

import json
import random

import pytest
from pyspark.sql import functions as F

from lakerefine.schemas import vocab as S
from lakerefine.udfs.program.executor import delete_spans
from lakerefine.udfs.refine.publish import apply_spans
from tests.support.corpus import CORPUS_SCHEMA, FOOTER, NAV, PROSE, sample_docs, write_corpus
from tests.support.kill import killed_after_slices


@pytest.fixture(autouse=True)
def rules_backend(lake):
    """These tests expect what the rules backend does to their documents (conf/local.yaml defaults to classifier)."""
    lake.overrides.append("refine.backend=rules")


def delta(spark, path: str):
    return spark.read.format("delta").load(path)


def history(spark, path: str) -> list:
    from delta.tables import DeltaTable
    return DeltaTable.forPath(spark, path).history().orderBy("version").collect()


def edits_of(spark, table_path, run_id: str) -> dict[str, dict]:
    rows = delta(spark, table_path("refine_edits")).where(F.col("run_id") == run_id).collect()
    by_id = {r.doc_id: r.asDict(recursive=True) for r in rows}
    assert len(by_id) == len(rows), "a doc_id is audited twice in one run"
    return by_id


def test_full_run_every_status_and_one_published_version(spark, cli, table_path):
    docs = sample_docs(6) + [
        ("nav", f"{NAV}\n{PROSE}\n", "web"), ("boiler", f"{NAV}\n{FOOTER}\n", "web"),
        ("plain", f"{PROSE}\n", "web"), ("null", None, "web"), ("empty", "", "web"),
        ("huge", f"{PROSE}\n" * 400, "web")]
    write_corpus(spark, table_path("corpus"), docs)
    code, out = cli("refine", "--run-id", "full-1", "--set", "refine.max_doc_chars=20000",
                    "--set", "refine.oversize=skip", "--set", "refine.drop_emptied=true")
    assert code == 0
    assert "refine full-1: full run, 12 documents in, 11 out" in out
    assert table_path("refined") in out and table_path("refine_edits") in out

    edits = edits_of(spark, table_path, "full-1")
    assert set(edits) == {d[0] for d in docs}
    expected = {"nav": S.REFINED, "boiler": S.EMPTIED, "plain": S.UNCHANGED, "null": S.SKIPPED_NULL,
                "empty": S.SKIPPED_NULL, "huge": S.SKIPPED_TOO_LARGE}
    assert {k: edits[k]["status"] for k in expected} == expected
    assert {edits[d[0]]["status"] for d in docs[:6]} <= {S.REFINED, S.UNCHANGED}
    assert all(e["backend"] == "rules" and e["input_version"] == 0 for e in edits.values())

    refined = {r.doc_id: r for r in delta(spark, table_path("refined")).collect()}
    assert set(refined) == {d[0] for d in docs} - {"boiler"}  # drop_emptied
    for doc_id, text, source in docs:
        if doc_id == "boiler":
            continue
        spans = [(s["start"], s["end"]) for s in edits[doc_id]["spans"] or []]
        assert refined[doc_id].text == (delete_spans(text, spans) if text else text)
        assert refined[doc_id].source == source and refined[doc_id].refine_run_id == "full-1"
        assert len(refined[doc_id].text or "") == edits[doc_id]["chars_out"]
    assert refined["nav"].text == f"{PROSE}\n"

    [commit] = history(spark, table_path("refined"))
    meta = json.loads(commit.userMetadata)
    assert meta["run_id"] == "full-1" and meta["source_version"] == 0 and meta["mode"] == "full"
    assert meta["source_table"] == table_path("corpus") and len(meta["config_hash"]) == 16
    run = delta(spark, table_path("runs")).where("run_id = 'full-1'").first()
    assert run.status == "succeeded" and run.output_version == 0 and run.counts["status.emptied"] == 1
    assert run.counts["docs_in"] == 12 and run.counts["chars_removed"] > 0


def test_killed_run_resumes_to_the_same_result_as_an_uninterrupted_one(spark, cli, table_path):
    write_corpus(spark, table_path("corpus"), sample_docs(18))
    slices = ["--set", "refine.slice_docs=6"]   # 3 slices
    with killed_after_slices(1):
        cli("refine", "--run-id", "killed", *slices)
    partial = edits_of(spark, table_path, "killed")
    assert 0 < len(partial) < 18
    assert not delta(spark, table_path("runs")).where("run_id = 'killed'").first().status == "succeeded"

    code, _ = cli("refine", "--run-id", "killed", *slices)
    assert code == 0
    code, _ = cli("refine", "--run-id", "whole", "--output", "refined_whole")   # one slice, never killed
    assert code == 0

    resumed, whole = edits_of(spark, table_path, "killed"), edits_of(spark, table_path, "whole")
    assert set(resumed) == set(whole) and len(resumed) == 18
    for doc_id, row in resumed.items():
        for key in ("status", "program", "spans", "chars_out", "raw_sha256"):
            assert row[key] == whole[doc_id][key], (doc_id, key)
    texts = lambda name: {r.doc_id: r.text for r in delta(spark, table_path(name)).collect()}  # noqa: E731
    assert texts("refined") == texts("refined_whole")

    code, out = cli("refine", "--run-id", "killed", *slices)  # already published: nothing to redo
    assert code == 0 and "already published run" in out
    assert len(history(spark, table_path("refined"))) == 1
    attempts = delta(spark, table_path("runs")).where("run_id = 'killed'").orderBy("attempt").collect()
    assert [r.status for r in attempts] == ["failed", "succeeded", "succeeded"]
    assert "SimulatedKill" in attempts[0].error


def test_a_committed_slice_is_never_appended_again(spark, settings):
    from lakerefine.schemas.refine_edits import DOCUMENT_FIELDS
    from lakerefine.udfs.lake.runs import Run
    from lakerefine.udfs.lake.slices import append_slice
    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.refine.audit import audit_rows, ensure_edits_table
    from lakerefine.udfs.refine.udf import refine_udf

    edits = TableRef.resolve("refine_edits", settings.tables)
    ensure_edits_table(spark, edits)
    run = Run("twice", "refine", settings, input_table="corpus", input_version=0)
    refine = refine_udf(settings.refine)

    def rows(*doc_ids: str):
        docs = spark.createDataFrame([(i, f"{NAV}\n{PROSE}\n", "web") for i in doc_ids], CORPUS_SCHEMA)
        return audit_rows(docs.mapInPandas(refine, DOCUMENT_FIELDS), run)

    append_slice(rows("a", "b"), edits, run, "refine", 0, slices=2)
    append_slice(rows("a", "b", "c"), edits, run, "refine", 0, slices=2)   # slice 0 again: skipped
    append_slice(rows("d"), edits, run, "refine", 1, slices=2)
    append_slice(rows("e"), edits, run, "refine", 0, slices=2)             # an earlier slice: skipped
    append_slice(rows("f"), edits, run, "refine", 0, slices=3)             # another slice plan: a new step
    assert sorted(r.doc_id for r in edits.run_rows(spark, "twice").collect()) == ["a", "b", "d", "f"]


def test_incremental_run_refines_only_new_and_changed_documents(spark, cli, table_path):
    docs = sample_docs(4) + [("nav", f"{NAV}\n{PROSE}\n", "web")]
    write_corpus(spark, table_path("corpus"), docs)
    assert cli("refine", "--run-id", "inc-0")[0] == 0

    changed = [(d, t, s) for d, t, s in docs[1:4]] + [("nav", f"{NAV}\n{PROSE} Again.\n", "web"),
                                                      ("new", f"{FOOTER}\n{PROSE}\n", "web")]
    write_corpus(spark, table_path("corpus"), changed)   # version 1: docs[0] deleted, nav changed, new added
    with killed_after_slices(0):   # killed after auditing the carried and deleted documents
        cli("refine", "--run-id", "inc-1", "--incremental")
    with pytest.raises(ValueError, match="resume it with --incremental"):
        cli("refine", "--run-id", "inc-1")
    code, out = cli("refine", "--run-id", "inc-1", "--incremental")
    assert code == 0 and "refine inc-1: incremental run" in out

    edits = edits_of(spark, table_path, "inc-1")
    statuses = {doc_id: row["status"] for doc_id, row in edits.items()}
    assert statuses == {docs[0][0]: S.DELETED, docs[1][0]: S.CARRIED, docs[2][0]: S.CARRIED,
                        docs[3][0]: S.CARRIED, "nav": S.REFINED, "new": S.REFINED}
    assert all(row["input_version"] == 1 for row in edits.values())

    refined = {r.doc_id: r for r in delta(spark, table_path("refined")).collect()}
    assert set(refined) == {d[0] for d in changed}
    assert refined["nav"].text == f"{PROSE} Again.\n" and refined["nav"].refine_run_id == "inc-1"
    assert refined["new"].text == f"{PROSE}\n"
    assert refined[docs[1][0]].refine_run_id == "inc-0"
    versions = history(spark, table_path("refined"))
    assert [v.operation for v in versions] == ["WRITE", "MERGE"]
    assert json.loads(versions[1].userMetadata)["run_id"] == "inc-1"

    code, out = cli("refine", "--run-id", "inc-2", "--incremental")   # nothing changed
    assert code == 0
    assert {r["status"] for r in edits_of(spark, table_path, "inc-2").values()} == {S.CARRIED}
    assert {r.doc_id: r.text for r in delta(spark, table_path("refined")).collect()} == \
        {k: v.text for k, v in refined.items()}


def test_apply_spans_in_sql_matches_the_executor(spark):
    rng = random.Random(7)
    texts = ["", "abc", "a\nb\nc\n", "😀 emoji é\u2028x\r\ny", "x" * 50]
    cases = []
    for text in texts:
        for _ in range(5):
            cuts = sorted(rng.sample(range(len(text) + 1), k=min(len(text) + 1, 2 * rng.randint(0, 3))))
            spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
            cases.append((text, [{"start": s, "end": e} for s, e in spans], delete_spans(text, spans)))
    df = spark.createDataFrame([(t, s) for t, s, _ in cases],
                               "text string, spans array<struct<start:bigint,end:bigint>>")
    got = [r[0] for r in df.select(apply_spans(F.col("text"), F.col("spans"))).collect()]
    assert got == [want for _, _, want in cases]


def test_bad_configuration_fails_before_any_work(cli):
    assert cli("refine", "--set", "refine.backend=gpt")[0] == 2
    assert cli("refine", "--set", "refine.hf.model_path=/nowhere", "--set", "refine.backend=hf")[0] == 2
    assert cli("refine", "--run-id", "bad'id")[0] == 2
    assert cli("refine", "--set", "refine.rules.min_repeats=1")[0] == 2


def test_catalog_table_names_work_like_paths(spark, lake_root):
    """Databricks-style names (schema.table in the session catalog) instead of paths: a killed
    run resumes, and it publishes one version of the refined table."""
    import uuid

    from lakerefine.jobs.cli import main

    db = f"lr_{uuid.uuid4().hex[:8]}"
    spark.sql(f"CREATE DATABASE {db}")
    docs = sample_docs(6)
    spark.createDataFrame(docs, CORPUS_SCHEMA).write.format("delta").saveAsTable(f"{db}.corpus")
    settings = ["tables.base_path=null", f"spark.warehouse_dir={lake_root / '_warehouse'}",
                f"tables.runs={db}.runs", f"refine.edits_table={db}.refine_edits", "refine.slice_docs=3"]
    argv = ["refine", "--input", f"{db}.corpus", "--output", f"{db}.refined", "--run-id", "by-name",
            *(arg for item in settings for arg in ("--set", item))]
    with killed_after_slices(1):
        main(argv)
    assert main(argv) == 0

    edits = spark.table(f"{db}.refine_edits").where("run_id = 'by-name'")
    assert edits.count() == edits.select("doc_id").distinct().count() == len(docs)
    refined = {r.doc_id: r.text for r in spark.table(f"{db}.refined").collect()}
    assert set(refined) == {d[0] for d in docs}
    history = spark.sql(f"DESCRIBE HISTORY {db}.refined").collect()
    assert len(history) == 1 and json.loads(history[0].userMetadata)["run_id"] == "by-name"
    runs = spark.table(f"{db}.runs").where("run_id = 'by-name'").orderBy("attempt").collect()
    assert [r.status for r in runs] == ["failed", "succeeded"] and runs[1].output_version == 0
