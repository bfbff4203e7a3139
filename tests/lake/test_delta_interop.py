"""Tables written by lakerefine read back with an independent Delta implementation (delta-rs)."""
from __future__ import annotations

import json

from deltalake import DeltaTable as RustDeltaTable

from lakerefine.udfs.lake.tables import TableRef


def test_delta_rs_sees_same_rows_and_the_runs_commit(spark, settings, cli, tmp_path):
    docs = [{"id": f"d{i}", "text": f"Document number {i}.\nSecond line {i}."} for i in range(20)]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    assert cli("ingest", "--input", str(path), "--run-id", "interop-1")[0] == 0

    corpus = TableRef.resolve("corpus", settings.tables)
    rust = RustDeltaTable(corpus.path)
    rust_rows = rust.to_pyarrow_table(columns=["doc_id", "text"]).to_pylist()
    spark_rows = [r.asDict() for r in corpus.read(spark).select("doc_id", "text").collect()]
    assert sorted(map(tuple, (r.values() for r in rust_rows))) == sorted(map(tuple, (r.values() for r in spark_rows)))

    commit = rust.history()[0]
    assert commit["version"] == rust.version() == 0
    meta = json.loads(commit["userMetadata"])
    assert meta["run_id"] == "interop-1" and meta["job"] == "ingest" and meta["config_hash"]

    runs = RustDeltaTable(TableRef.resolve(settings.tables.runs, settings.tables).path).to_pandas()
    assert list(runs["run_id"]) == ["interop-1"] and list(runs["status"]) == ["succeeded"]
    assert runs["output_version"].iloc[0] == 0
