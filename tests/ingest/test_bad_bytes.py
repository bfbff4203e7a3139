"""Bad bytes at ingest: invalid UTF-8, surrogates, NUL bytes, a gzip cut short, Parquet of the
wrong schema. Each is a quarantine row or a clear error, and read = accepted + quarantined."""
from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from lakerefine.udfs.ingest.sources import UnreadableInput
from lakerefine.udfs.lake.tables import TableRef

GOOD = [json.dumps({"id": f"g{i}", "text": f"A good document number {i}."}).encode() for i in range(3)]


def write_lines(path, lines: list[bytes]) -> str:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return str(path)


def table(spark, settings, name: str) -> pd.DataFrame:
    return TableRef.resolve(name, settings.tables).read(spark).toPandas()


def last_run(spark, settings) -> pd.Series:
    return table(spark, settings, settings.tables.runs).iloc[-1]


def test_bad_bytes_in_jsonl_are_quarantined_or_kept_and_counts_add_up(spark, settings, cli, tmp_path):
    bad = [
        b'{"id": "latin1", "text": "caf\xe9 au lait"}',                 # invalid UTF-8 (Latin-1 byte)
        b'{"id": "cut", "text": "half a char \xe2\x82"}',                # a multi-byte character cut short
        b'{"id": "lone", "text": "lone surrogate \\ud800 here"}',        # escaped lone surrogate
        b'{"id": "nul-raw", "text": "raw NUL \x00 inside"}',             # a raw control character: not JSON
    ]
    kept = [
        b'{"id": "pair", "text": "a surrogate pair \\ud83d\\ude00 is one emoji"}',
        b'{"id": "nul-escaped", "text": "escaped NUL \\u0000 inside"}',
        '{"id": "utf8", "text": "caf\u00e9 \u00fcber \u4e2d\u6587"}'.encode(),
    ]
    path = write_lines(tmp_path / "in.jsonl", GOOD + bad + kept)
    code, out = cli("ingest", "--input", path)
    assert code == 0, out
    n = len(GOOD) + len(bad) + len(kept)
    assert f"read {n} = accepted {len(GOOD) + len(kept)} + quarantined {len(bad)}" in out

    docs = table(spark, settings, "corpus").set_index("doc_id")["text"]
    assert docs["pair"] == "a surrogate pair \U0001F600 is one emoji"
    assert docs["nul-escaped"] == "escaped NUL \x00 inside" and docs["utf8"] == "caf\u00e9 \u00fcber \u4e2d\u6587"
    quarantined = table(spark, settings, settings.tables.corpus_quarantine).set_index("doc_id", drop=False)
    reasons = dict(zip(quarantined["record"].str.slice(0, 18), quarantined["reason"], strict=True))
    assert sorted(quarantined["reason"]) == sorted(["invalid_utf8", "invalid_utf8", "invalid_unicode",
                                                    "malformed_json"]), reasons
    run = last_run(spark, settings)
    assert run["counts"]["read"] == run["counts"]["accepted"] + run["counts"]["quarantined"] == n


def test_a_gzip_file_cut_short_fails_the_run_naming_the_file(spark, settings, cli, tmp_path):
    whole = gzip.compress(b"\n".join(GOOD * 200) + b"\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.jsonl").write_bytes(b"\n".join(GOOD) + b"\n")
    (tmp_path / "in" / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(UnreadableInput, match=r"input file \S*cut.jsonl.gz cannot be read to its end"):
        cli("ingest", "--input", str(tmp_path / "in"))
    assert not TableRef.resolve("corpus", settings.tables).exists(spark)
    run = last_run(spark, settings)
    assert run["status"] == "failed" and "cut.jsonl.gz" in run["error"]


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"id": ["a"], "body": ["no text column"]}), "no text column 'text'"),
    (pd.DataFrame({"id": ["a"], "text": [42]}), "'text' is bigint, not a string"),
])
def test_parquet_of_the_wrong_schema_is_a_clear_error(spark, settings, cli, tmp_path, frame, message):
    path = tmp_path / "in.parquet"
    frame.to_parquet(path)
    with pytest.raises(ValueError, match=message):
        cli("ingest", "--input", str(path))
    assert not TableRef.resolve("corpus", settings.tables).exists(spark)


def test_parquet_files_that_disagree_on_the_text_type_fail_naming_the_file_and_column(spark, settings, cli, tmp_path):
    (tmp_path / "in").mkdir()
    pd.DataFrame({"id": ["a"], "text": ["a string"]}).to_parquet(tmp_path / "in" / "a.parquet")
    pd.DataFrame({"id": ["b"], "text": [7]}).to_parquet(tmp_path / "in" / "b.parquet")
    # Spark takes the schema from one file: the other one fails to read, or the schema check fails.
    with pytest.raises(ValueError, match=r"b.parquet cannot be read to its end \(FAILED_READ_FILE\.PARQUET_COLUMN_"
                                         r"DATA_TYPE_MISMATCH: \w+: column: \[text\]|'text' is bigint, not a string"):
        cli("ingest", "--input", str(tmp_path / "in"))
    assert not TableRef.resolve("corpus", settings.tables).exists(spark)


def test_kernels_say_why_bytes_or_characters_cannot_be_stored():
    from lakerefine.udfs.ingest.records import Checked, encodable
    from lakerefine.udfs.ingest.udf import decode_line

    assert decode_line("caf\u00e9".encode()) == ("caf\u00e9", True)
    assert decode_line(b"caf\xe9") == ("caf\ufffd", False)
    lone = encodable(Checked("a", "x \ud800 y", None, None))
    assert lone.reason == "invalid_unicode" and lone.value is None and "value" in lone.detail
    assert encodable(Checked("a", "\U0001F600 \x00", None, None)).reason is None


def test_a_failed_read_names_the_file_and_the_cause():
    from lakerefine.udfs.ingest.sources import unreadable_files_named

    spark_message = ("[FAILED_READ_FILE.NO_HINT] Encountered error while reading file file:///in/cut.jsonl.gz. "
                     "SQLSTATE: KD001\nOriginalTryStackTraceException: Full stacktrace of original caller\n"
                     "Caused by: java.io.EOFException: Unexpected end of input stream")
    with pytest.raises(UnreadableInput, match=r"file:///in/cut.jsonl.gz cannot be read to its end "
                                              r"\(FAILED_READ_FILE.NO_HINT: EOFException: Unexpected end"):
        with unreadable_files_named():
            raise RuntimeError(spark_message)
    with pytest.raises(KeyError):   # anything else passes through unchanged
        with unreadable_files_named():
            raise KeyError("other")
