"""The ingest job on local Spark + Delta: good and bad input, every format, idempotent re-ingest."""
from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest
import zstandard
from pyspark.errors import AnalysisException

from lakerefine.udfs.lake.tables import TableRef

GOOD = [
    {"id": "doc-1", "text": "Home | News | Contact\nThe first real paragraph.", "lang": "en"},
    {"id": "doc-2", "text": "Second document.\n-- \nsig", "lang": "de", "score": 0.5},
    {"id": 3, "text": "An integer id is fine."},
]
BAD_LINES = {
    "malformed_json": '{"id": "x", "text": "unterminated',
    "not_an_object": '["a", "list"]',
    "null_text": '{"id": "n1", "text": null}',
    "missing_text": '{"id": "n2", "body": "wrong field"}',
    "empty_text": '{"id": "n3", "text": "   \\n "}',
    "non_string_text": '{"id": "n4", "text": 42}',
    "bad_id": '{"id": {"nested": 1}, "text": "ok text"}',
    "duplicate_id": '{"id": "doc-1", "text": "Another text claiming id doc-1."}',
}


def write_jsonl(path, lines: list[str], opener=open) -> str:
    with opener(path, "wt") as f:
        f.write("\n".join(lines) + "\n")
    return str(path)


def good_lines() -> list[str]:
    return [json.dumps(d) for d in GOOD]


def corpus(spark, settings, name="corpus") -> pd.DataFrame:
    return TableRef.resolve(name, settings.tables).read(spark).toPandas().set_index("doc_id")


def quarantine(spark, settings) -> pd.DataFrame:
    return TableRef.resolve(settings.tables.corpus_quarantine, settings.tables).read(spark).toPandas()


def runs(spark, settings) -> pd.DataFrame:
    return TableRef.resolve(settings.tables.runs, settings.tables).read(spark).toPandas()


def test_every_bad_kind_is_quarantined_and_counts_add_up(spark, settings, cli, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", good_lines() + list(BAD_LINES.values()) + ["", "   "])
    code, out = cli("ingest", "--input", path, "--output", "corpus")
    assert code == 0
    docs = corpus(spark, settings)
    assert sorted(docs.index) == ["3", "doc-1", "doc-2"]
    assert docs.loc["doc-1", "text"] == GOOD[0]["text"]
    assert docs.loc["doc-2", "lang"] == "de" and docs.loc["doc-2", "score"] == 0.5   # extras carried
    bad = quarantine(spark, settings)
    assert sorted(bad["reason"]) == sorted(BAD_LINES)
    assert bad["record"].notna().all() and bad["source_file"].str.endswith("in.jsonl").all()
    run = runs(spark, settings).iloc[0]
    assert run["status"] == "succeeded"
    assert run["counts"]["read"] == len(GOOD) + len(BAD_LINES)
    assert run["counts"]["read"] == run["counts"]["accepted"] + run["counts"]["quarantined"]
    assert run["counts"]["quarantined.duplicate_id"] == 1
    assert "read 11 = accepted 3 + quarantined 8" in out


def test_reingest_adds_nothing_and_a_changed_text_is_updated(spark, settings, cli, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", good_lines())
    assert cli("ingest", "--input", path)[0] == 0
    version_after_first = TableRef.resolve("corpus", settings.tables).version(spark)
    code, out = cli("ingest", "--input", path)
    assert code == 0 and "inserted 0 + updated 0 + unchanged 3" in out
    assert len(corpus(spark, settings)) == 3
    changed = [json.dumps({**GOOD[0], "text": "Edited text."})] + good_lines()[1:]
    code, out = cli("ingest", "--input", write_jsonl(tmp_path / "v2.jsonl", changed))
    assert "inserted 0 + updated 1 + unchanged 2" in out
    assert corpus(spark, settings).loc["doc-1", "text"] == "Edited text."
    table = TableRef.resolve("corpus", settings.tables)
    assert table.read(spark, version=version_after_first).where("doc_id = 'doc-1'").first().text == GOOD[0]["text"]


def test_gzip_and_zstd_jsonl_in_one_folder(spark, settings, cli, tmp_path):
    folder = tmp_path / "shards"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl.gz", good_lines()[:2], opener=gzip.open)
    with open(folder / "b.jsonl.zst", "wb") as f:
        f.write(zstandard.ZstdCompressor().compress((good_lines()[2] + "\n" + BAD_LINES["null_text"] + "\n").encode()))
    code, out = cli("ingest", "--input", str(folder))
    assert code == 0, out
    assert sorted(corpus(spark, settings).index) == ["3", "doc-1", "doc-2"]
    bad = quarantine(spark, settings)
    assert list(bad["reason"]) == ["null_text"] and bad["source_file"].iloc[0].endswith("b.jsonl.zst")


def test_missing_ids_get_a_stable_content_hash(spark, settings, cli, tmp_path):
    lines = [json.dumps({"text": "same text"}), json.dumps({"text": "other text"}), json.dumps({"text": "same text"})]
    path = write_jsonl(tmp_path / "noid.jsonl", lines)
    assert cli("ingest", "--input", path)[0] == 0
    ids = sorted(corpus(spark, settings).index)
    assert len(ids) == 2 and all(len(i) == 32 for i in ids)
    assert list(quarantine(spark, settings)["reason"]) == ["duplicate_id"]     # exact duplicate text
    assert cli("ingest", "--input", path)[0] == 0
    assert sorted(corpus(spark, settings).index) == ids


def test_parquet_input_keeps_typed_columns(spark, settings, cli, tmp_path):
    frame = pd.DataFrame({"id": ["p1", "p2", None, "p4"], "text": ["alpha", None, "gamma", ""],
                          "year": [2001, 2002, 2003, 2004]})
    path = tmp_path / "in.parquet"
    frame.to_parquet(path)
    code, out = cli("ingest", "--input", str(path))
    assert code == 0, out
    docs = corpus(spark, settings)
    assert set(docs["text"]) == {"alpha", "gamma"}          # the id-less row gets a content hash
    assert int(docs.loc["p1", "year"]) == 2001
    assert sorted(quarantine(spark, settings)["reason"]) == ["empty_text", "null_text"]


def test_folder_of_text_files(spark, settings, cli, tmp_path):
    folder = tmp_path / "txt"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("First file.\nSecond line.\n")
    (folder / "sub" / "b.txt").write_text("Nested file.")
    (folder / "empty.txt").write_text("")
    (folder / "notes.md").write_text("ignored: not a .txt")
    code, out = cli("ingest", "--input", str(folder), "--format", "txt")
    assert code == 0, out
    docs = corpus(spark, settings)
    assert sorted(docs["text"]) == ["First file.\nSecond line.\n", "Nested file."]
    assert sorted(docs["file_name"]) == ["a.txt", "b.txt"]
    assert list(quarantine(spark, settings)["reason"]) == ["empty_text"]


@pytest.mark.parametrize("override, message", [
    ("ingest.id_colum=x", "unknown key 'ingest.id_colum'"),
    ("spark.arrow_max_records_per_batch=many", "'spark.arrow_max_records_per_batch'"),
    ("tables.runs=runs; DROP TABLE x", "'tables.runs'"),
    ("ingest.missing_id=ignore", "'ingest.missing_id'"),
])
def test_bad_config_fails_before_any_work(spark, settings, cli, tmp_path, override, message):
    path = write_jsonl(tmp_path / "in.jsonl", good_lines())
    code, printed = cli("ingest", "--input", path, "--set", override)
    assert code == 2
    assert message in printed
    assert not TableRef.resolve(settings.tables.runs, settings.tables).exists(spark)


def test_a_failed_run_is_recorded(spark, settings, cli, tmp_path):
    with pytest.raises(AnalysisException, match="PATH_NOT_FOUND"):
        cli("ingest", "--input", str(tmp_path / "missing.jsonl"), "--format", "jsonl", "--run-id", "r-fail")
    row = runs(spark, settings).iloc[0]
    assert (row["run_id"], row["status"], row["job"]) == ("r-fail", "failed", "ingest")
    assert row["error"] and row["config_hash"] and row["code_version"]


def test_runs_row_and_commit_metadata(spark, settings, cli, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", good_lines())
    assert cli("ingest", "--input", path, "--run-id", "r-1")[0] == 0
    assert cli("ingest", "--input", path, "--run-id", "r-1")[0] == 0
    rows = runs(spark, settings).sort_values("attempt")
    assert list(rows["attempt"]) == [1, 2] and set(rows["status"]) == {"succeeded"}
    first = rows.iloc[0]
    assert first["output_table"] == TableRef.resolve("corpus", settings.tables).path
    assert first["output_version"] == 0 and json.loads(first["config_json"])["env"] == "local"
    history = TableRef.resolve("corpus", settings.tables).delta(spark).history().collect()
    meta = [json.loads(h.userMetadata) for h in history if h.userMetadata]
    assert {m["run_id"] for m in meta} == {"r-1"} and all(m["job"] == "ingest" for m in meta)


def test_a_records_own_doc_id_is_the_id_and_the_summary_says_where_ids_came_from(spark, settings, cli, tmp_path):
    lines = [json.dumps({"doc_id": "a-1", "id": 7, "text": "First."}), json.dumps({"id": 8, "text": "Second."}),
             json.dumps({"text": "Third, with no id."})]
    code, out = cli("ingest", "--input", write_jsonl(tmp_path / "ids.jsonl", lines))
    assert code == 0, out
    docs = corpus(spark, settings)
    assert "a-1" in docs.index and "8" in docs.index and len(docs) == 3
    assert docs.loc["a-1", "id"] == 7 and pd.isna(docs.loc["8", "id"])     # a field not used as the id stays
    assert "ids from: doc_id 1, id 1, content hash 1" in out
    assert runs(spark, settings).iloc[0]["counts"]["ids.doc_id"] == 1


def test_an_explicit_id_column_keeps_the_records_doc_id_under_another_name(spark, settings, cli, tmp_path):
    lines = [json.dumps({"doc_id": "a-1", "key": "k1", "text": "First."})]
    code, out = cli("ingest", "--input", write_jsonl(tmp_path / "ids.jsonl", lines), "--set", "ingest.id_column=key")
    assert code == 0, out
    docs = corpus(spark, settings)
    assert list(docs.index) == ["k1"] and docs.loc["k1", "source_doc_id"] == "a-1"
    assert "ids from: key 1" in out


def test_parquet_doc_id_column_is_the_id_by_default(spark, settings, cli, tmp_path):
    frame = pd.DataFrame({"doc_id": ["p1", "p2"], "id": [1, 2], "text": ["alpha", "beta"]})
    frame.to_parquet(tmp_path / "ids.parquet")
    code, out = cli("ingest", "--input", str(tmp_path / "ids.parquet"))
    assert code == 0, out
    docs = corpus(spark, settings)
    assert sorted(docs.index) == ["p1", "p2"] and int(docs.loc["p2", "id"]) == 2
    assert "ids from: doc_id 2" in out
