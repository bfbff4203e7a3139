"""`lakerefine distill` on Spark: expert_pairs -> refiner_sft, chunk-level, every pair accounted for."""
from __future__ import annotations

import pytest

from lakerefine.schemas.expert_pairs import EXPERT_PAIRS_SCHEMA
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.program.executor import execute
from tests.support.gold import gold_pair_rows
from tests.support.samples.labelled import build_labelled_set


@pytest.fixture(scope="module")
def docs():
    labelled = build_labelled_set()
    return [d for d in labelled if d.kind == "web_news"][:3] + [d for d in labelled if d.kind == "newsgroup"][:2]


def write_pairs(spark, settings, rows) -> None:
    TableRef.resolve("expert_pairs", settings.tables).write(spark.createDataFrame(rows, EXPERT_PAIRS_SCHEMA), "append")


def test_accepted_pairs_become_chunk_samples_and_the_rest_is_counted(spark, settings, cli, tiny_model, docs):
    old = gold_pair_rows(docs[:1], run_id="expert-old")
    rows = gold_pair_rows(docs, run_id="expert-new")
    untouched = {**rows[1], "doc_id": "no-deletions", "expert": rows[1]["raw"]}       # distiller: too few deletions
    rows += [untouched,
             {**rows[0], "doc_id": "rejected-by-expert-stage", "status": "rejected", "reason": "no_section",
              "expert": None},
             {**rows[0], "doc_id": "expert-error", "status": "error", "reason": "timeout", "expert": None}]
    write_pairs(spark, settings, old)
    write_pairs(spark, settings, rows)
    options = ["--run-id", "distill-1", "--set", f"train_refiner.base_model={tiny_model}",
               "--set", "refine.chunk_tokens=64"]
    code, out = cli("distill", *options)
    assert code == 0, out
    sft = TableRef.resolve("refiner_sft", settings.tables).read(spark).toPandas()
    assert set(sft["expert_run_id"]) == {"expert-new"}          # the run written last
    assert set(sft["doc_id"]) == {d.doc_id for d in docs} | {"no-deletions"}
    assert sft["sample_id"].is_unique and (sft.groupby("doc_id")["chunks"].first() > 1).all()
    assert set(sft.loc[sft["doc_id"] == "no-deletions", "reason"]) == {"too_few_deletions"}
    assert (sft["reason"].isna() == (sft["status"] == "accepted")).all()
    assert set(sft["tokenizer"]) == {tiny_model} and set(sft["chunk_tokens"]) == {64}
    for doc in docs:                          # the chunks' programs together give the expert's text
        chunks = sft[sft["doc_id"] == doc.doc_id].sort_values("chunk_index")
        program = "\n".join(chunks["program"])
        expert = next(r["expert"] for r in rows if r["doc_id"] == doc.doc_id)
        assert execute(doc.text, program, max_rejected_calls=None, max_rejected_fraction=None).text == expert
    runs = TableRef.resolve(settings.tables.runs, settings.tables).read(spark).toPandas()
    counts = runs.iloc[0]["counts"]
    assert (counts["expert_rows"], counts["expert_accepted"], counts["expert_not_accepted"]) == (8, 6, 2)
    assert counts["samples"] == len(sft) == counts["status.accepted"] + counts.get("status.rejected", 0)
    assert counts["docs_with_accepted_samples"] == len(docs)
    assert f"{len(sft)} chunk samples" in out

    code, out = cli("distill", *options)                        # the same run again adds nothing
    assert code == 0 and len(TableRef.resolve("refiner_sft", settings.tables).read(spark).toPandas()) == len(sft)

    code, out = cli("distill", "--expert-run-id", "expert-old", "--run-id", "distill-old",
                    "--set", f"train_refiner.base_model={tiny_model}")
    assert code == 0, out
    old_rows = TableRef.resolve("refiner_sft", settings.tables).read(spark).where("run_id = 'distill-old'").toPandas()
    assert set(old_rows["doc_id"]) == {docs[0].doc_id} and (old_rows["chunks"] == 1).all()


def test_a_missing_tokenizer_fails_before_any_work(spark, settings, cli, tmp_path):
    code, out = cli("distill", "--set", f"train_refiner.base_model={tmp_path / 'nowhere'}")
    assert code == 2 and "train_refiner.base_model" in out
    assert not TableRef.resolve(settings.tables.runs, settings.tables).exists(spark)
