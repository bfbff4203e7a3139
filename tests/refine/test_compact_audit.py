"""After publishing, a run's audit partition is compacted: few files, the same rows."""
from __future__ import annotations

from delta.tables import DeltaTable

from tests.support.corpus import PROSE, write_corpus


def _files_of_run(spark, path: str, run_id: str) -> int:
    rows = spark.read.format("delta").load(path).where(f"run_id = '{run_id}'")
    return len(rows.inputFiles())


def _audit(spark, path: str, run_id: str) -> list:
    rows = spark.read.format("delta").load(path).where(f"run_id = '{run_id}'").drop("run_id", "refined_at", "latency_s")
    return sorted(tuple(r) for r in rows.collect())


def test_the_runs_audit_is_compacted_into_one_file_with_the_same_rows(spark, cli, table_path):
    docs = [(f"d{i}", f"Menu\nHome\n{PROSE} {i}\n" * 5, "web") for i in range(40)]
    write_corpus(spark, table_path("corpus"), docs)
    edits = table_path("refine_edits")
    code, out = cli("refine", "--run-id", "loose", "--set", "refine.slice_docs=10",
                    "--set", "refine.compact_audit=false")
    assert code == 0, out
    loose = _files_of_run(spark, edits, "loose")
    assert loose >= 4  # 4 slices, each appending one file or more
    code, out = cli("refine", "--run-id", "compact", "--output", "refined2", "--set", "refine.slice_docs=10")
    assert code == 0, out
    assert _files_of_run(spark, edits, "compact") == 1
    assert _files_of_run(spark, edits, "loose") == loose  # other runs' partitions are left alone
    assert _audit(spark, edits, "compact") == _audit(spark, edits, "loose")
    [last] = DeltaTable.forPath(spark, edits).history(1).collect()
    assert last.operation == "OPTIMIZE"
    [run] = spark.read.format("delta").load(table_path("runs")).where("run_id = 'compact'").collect()
    assert run.counts["audit_files_compacted"] == loose and run.counts["audit_files_written"] == 1
