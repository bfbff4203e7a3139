"""The learning loop on CPU with the real SmolLM2-135M-Instruct:

labelled real text -> expert_pairs (the expert's output is the text minus its known
boilerplate) -> `lakerefine distill` -> `lakerefine train-refiner` (a few steps) ->
`lakerefine refine` with the trained model. Every stage's table is written, every
document is accounted for at every stage, and the trained refiner's output parses,
with its rejected calls counted.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakerefine.schemas.expert_pairs import EXPERT_PAIRS_SCHEMA
from lakerefine.schemas.vocab import REFINE_STATUSES
from lakerefine.udfs.lake.tables import TableRef
from lakerefine.udfs.program.parser import parse_program
from tests.support.gold import gold_pair_rows
from tests.support.samples.labelled import build_labelled_set

pytestmark = pytest.mark.slow
DOCS_PER_KIND = 2
MAX_CHARS = 1300


def short_docs():
    """The shortest dev documents of each kind (short prompts keep CPU training quick)."""
    picked = []
    for kind in ("web_news", "web_wiki", "newsgroup"):
        of_kind = sorted((d for d in build_labelled_set() if d.kind == kind and d.split == "dev"
                          and len(d.text) <= MAX_CHARS), key=lambda d: (len(d.text), d.doc_id))
        picked += of_kind[:DOCS_PER_KIND]
    return picked


def read(spark, settings, name):
    return TableRef.resolve(name, settings.tables).read(spark).toPandas()


def test_expert_pairs_to_a_trained_refiner_that_refines(spark, settings, cli, smollm2, tmp_path):
    docs = short_docs()
    corpus = spark.createDataFrame([(d.doc_id, d.text, d.kind) for d in docs],
                                   "doc_id string, text string, source string")
    TableRef.resolve("corpus", settings.tables).write(corpus, "overwrite")
    rows = gold_pair_rows(docs, run_id="expert-gold")
    rows.append({**rows[0], "doc_id": "not-used", "status": "rejected", "reason": "no_section", "expert": None})
    TableRef.resolve("expert_pairs", settings.tables).write(spark.createDataFrame(rows, EXPERT_PAIRS_SCHEMA), "append")
    model_options = ["--set", f"train_refiner.base_model={smollm2}", "--set", f"refine.hf.model_path={smollm2}"]

    code, out = cli("distill", "--run-id", "distill-loop", *model_options)
    assert code == 0, out
    sft = read(spark, settings, "refiner_sft")
    assert set(sft["doc_id"]) == {d.doc_id for d in docs}          # every accepted pair, not the rejected one
    accepted = sft[sft["status"] == "accepted"]
    assert set(accepted["doc_id"]) == {d.doc_id for d in docs}     # flawless expert: every document trains
    assert sft["sample_id"].is_unique and (sft["prompt"].str.contains(r"\[1\] ")).all()

    code, out = cli("train-refiner", "--run-id", "train-loop", *model_options,
                    "--set", f"train_refiner.output_root={tmp_path}", "--set", "train_refiner.max_steps=4",
                    "--set", "train_refiner.batch_size=1", "--set", "train_refiner.learning_rate=1e-4",
                    "--set", "train_refiner.warmup_ratio=0",
                    "--set", "train_refiner.save_steps=1000", "--set", "train_refiner.logging_steps=1",
                    "--set", "train_refiner.device=cpu")
    assert code == 0, out
    model_dir = tmp_path / "train-loop" / "model"
    assert (model_dir / "config.json").is_file() and (model_dir / "model.safetensors").is_file()
    assert (model_dir / "tokenizer.json").is_file() and (model_dir / "generation_config.json").is_file()

    code, out = cli("refine", "--run-id", "refine-loop", "--set", "refine.backend=hf",
                    "--set", f"refine.hf.model_path={model_dir}", "--set", "refine.hf.max_new_tokens=48",
                    "--set", "refine.hf.device=cpu", "--set", "refine.hf.batch_size=6")
    assert code == 0, out
    edits = read(spark, settings, "refine_edits")
    refined = read(spark, settings, "refined")
    assert sorted(edits["doc_id"]) == sorted(refined["doc_id"]) == sorted(d.doc_id for d in docs)
    assert set(edits["status"]) <= set(REFINE_STATUSES) and "error" not in set(edits["status"])
    assert (edits["backend"] == "hf").all() and (edits["model"] == str(model_dir)).all()
    for row in edits.itertuples():
        parsed = parse_program(row.program)
        assert row.calls_accepted + row.calls_rejected == len(parsed.calls) + len(parsed.rejected)
        assert sum((row.rejected_by_reason or {}).values()) == row.calls_rejected
    assert edits["calls_accepted"].sum() > 0                       # it learned to write calls

    runs = read(spark, settings, "runs").set_index("run_id")
    assert set(runs["status"]) == {"succeeded"}
    assert runs.loc["distill-loop", "counts"]["expert_accepted"] == len(docs)
    assert runs.loc["distill-loop", "counts"]["expert_not_accepted"] == 1
    train = runs.loc["train-loop"]
    assert train["counts"]["examples"] == len(accepted) and train["counts"]["steps"] == 4
    assert train["output_table"] == str(model_dir)
    assert train["input_version"] == TableRef.resolve("refiner_sft", settings.tables).version(spark)
    assert json.loads(train["metrics_json"])["sft_run_id"] == "distill-loop"
    assert runs.loc["refine-loop", "counts"]["docs_in"] == len(docs)
    assert json.loads((model_dir / "lakerefine_training.json").read_text())["sft_run_id"] == "distill-loop"
    assert Path(runs.loc["refine-loop", "output_table"]).name == "refined"
