"""ingest-sft on local Spark + Delta: both record shapes, every bad kind, re-ingest, the built-in sample."""
from __future__ import annotations

import json

import pytest

from lakerefine.schemas import sft as S
from lakerefine.udfs.ingest.sft_records import check_sft_record
from lakerefine.udfs.lake.tables import TableRef
from tests.support import SAMPLE_DIR

CHAT = {"id": "c1", "source": "unit", "messages": [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Capital of France?"},
    {"role": "assistant", "content": "Paris.", "name": "bot"}]}
PAIR = {"id": 2, "prompt": "Say hi", "response": "Hi!"}
BAD_LINES = {
    "malformed_json": '{"id": "x", "messages": [',
    "not_an_object": '[1, 2]',
    "missing_messages": '{"id": "m1", "prompt": "only a prompt"}',
    "bad_messages": '{"id": "m2", "messages": [{"role": "robot", "content": "beep"}]}',
    "no_response": '{"id": "m3", "messages": [{"role": "user", "content": "hello?"}, '
                   '{"role": "assistant", "content": "  "}]}',
    "bad_id": '{"id": [1], "prompt": "a", "response": "b"}',
    "duplicate_id": '{"id": "c1", "prompt": "again", "response": "claims id c1"}',
}


def write_jsonl(path, records: list) -> str:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    return str(path)


def table(spark, settings, name):
    return TableRef.resolve(name, settings.tables).read(spark).toPandas()


def test_messages_and_prompt_response_records(spark, settings, cli, tmp_path):
    code, out = cli("ingest-sft", "--input", write_jsonl(tmp_path / "in.jsonl", [CHAT, PAIR]))
    assert code == 0, out
    rows = table(spark, settings, "sft").set_index("sample_id")
    assert sorted(rows.index) == ["2", "c1"]
    assert [dict(m) for m in rows.loc["c1", "messages"]] == [
        {"role": m["role"], "content": m["content"]} for m in CHAT["messages"]]    # extra keys dropped
    assert [dict(m) for m in rows.loc["2", "messages"]] == [{"role": "user", "content": "Say hi"},
                                                           {"role": "assistant", "content": "Hi!"}]
    assert rows.loc["c1", "source"] == "unit"
    S.check_sft_schema(TableRef.resolve("sft", settings.tables).read(spark).schema)


def test_every_bad_kind_is_quarantined_and_counts_add_up(spark, settings, cli, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [CHAT, PAIR, *BAD_LINES.values()])
    code, out = cli("ingest-sft", "--input", path, "--run-id", "sft-1")
    assert code == 0, out
    assert "read 9 = accepted 2 + quarantined 7" in out
    bad = table(spark, settings, settings.tables.sft_quarantine)
    assert sorted(bad["reason"]) == sorted(BAD_LINES)
    assert set(bad["run_id"]) == {"sft-1"} and bad["record"].notna().all()
    run = table(spark, settings, settings.tables.runs).iloc[0]
    assert run["job"] == "ingest-sft" and run["counts"]["read"] == 9
    assert run["counts"]["quarantined.no_response"] == 1


def test_reingest_adds_nothing_and_a_changed_conversation_is_updated(spark, settings, cli, tmp_path):
    path = write_jsonl(tmp_path / "in.jsonl", [CHAT, PAIR])
    assert cli("ingest-sft", "--input", path)[0] == 0
    code, out = cli("ingest-sft", "--input", path)
    assert code == 0 and "inserted 0 + updated 0 + unchanged 2" in out
    changed = {**PAIR, "response": "Hello!"}
    code, out = cli("ingest-sft", "--input", write_jsonl(tmp_path / "v2.jsonl", [CHAT, changed]))
    assert "inserted 0 + updated 1 + unchanged 1" in out
    rows = table(spark, settings, "sft").set_index("sample_id")
    assert rows.loc["2", "messages"][1]["content"] == "Hello!"


def test_missing_ids_get_a_hash_of_the_conversation():
    first = check_sft_record({"prompt": "a", "response": "b"}, "id", "hash")
    same = check_sft_record({"messages": [{"role": "user", "content": "a"},
                                          {"role": "assistant", "content": "b"}]}, "id", "hash")
    other = check_sft_record({"prompt": "a", "response": "c"}, "id", "hash")
    strict = check_sft_record({"prompt": "a", "response": "b"}, "id", "quarantine")
    assert first.id == same.id != other.id and len(first.id) == 32
    assert strict.reason == "missing_id"


def test_the_built_in_sample_ingests_whole(spark, settings, cli):
    code, out = cli("ingest-sft", "--input", str(SAMPLE_DIR / "sft.jsonl"))
    assert code == 0, out
    lines = sum(1 for line in (SAMPLE_DIR / "sft.jsonl").read_text().splitlines() if line.strip())
    assert f"read {lines} = accepted {lines} + quarantined 0" in out


@pytest.mark.parametrize("override, message", [
    ("ingest_sft.missing_id=drop", "'ingest_sft.missing_id'"),
    ("ingest_sft.id_col=x", "unknown key 'ingest_sft.id_col'"),
])
def test_bad_config_fails_before_any_work(spark, settings, cli, tmp_path, override, message):
    code, printed = cli("ingest-sft", "--input", write_jsonl(tmp_path / "in.jsonl", [CHAT]), "--set", override)
    assert code == 2 and message in printed


def test_sample_id_field_is_the_id_and_other_fields_stay(spark, settings, cli, tmp_path):
    records = [{"sample_id": "s-1", "id": 5, "prompt": "Say hi", "response": "Hi!"},
               {"messages": CHAT["messages"], "prompt": "a prompt field that is not the conversation"}]
    code, out = cli("ingest-sft", "--input", write_jsonl(tmp_path / "in.jsonl", records))
    assert code == 0, out
    rows = table(spark, settings, "sft").set_index("sample_id")
    assert "s-1" in rows.index and rows.loc["s-1", "id"] == 5
    hashed = rows.drop(index="s-1")
    assert hashed["prompt"].iloc[0] == "a prompt field that is not the conversation"
    assert "ids from: sample_id 1, content hash 1" in out


def test_check_sft_record_renames_a_field_named_like_a_column():
    checked = check_sft_record({"key": "k", "sample_id": "s", "prompt": "p", "response": "r"}, "key", "hash")
    assert checked.id == "k" and json.loads(checked.extras_json) == {"source_sample_id": "s"}
