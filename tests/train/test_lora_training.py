"""Training on the tiny Llama: the LoRA kernel, the train-reference job, and a self-evolving run of two rounds
(killed after round 0, then resumed)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from pyspark.sql import functions as F

from lakerefine.conf.settings import TrainReferenceSettings
from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.tokenclean.formatting import format_sample
from lakerefine.udfs.tokenclean.self_evolving import subset_index
from lakerefine.udfs.train.examples import Example, padded
from lakerefine.udfs.train.lora import read_report, train_lora
from tests.support.kill import killed_after_rounds
from tests.support.tokenclean import MAX_LENGTH, ingest_sft, short_samples, token_lake

SAMPLES = short_samples(10)
QUICK_TRAINING = ["train_reference.max_steps=2", "train_reference.batch_size=4", "train_reference.lora.r=4",
                  "train_reference.learning_rate=0.001"]


@pytest.fixture(scope="module")
def lake(spark, lake_root):
    lake = token_lake(lake_root, f"token_clean.scoring.max_length={MAX_LENGTH}", *QUICK_TRAINING)
    ingest_sft(lake, SAMPLES)
    return lake


def weights(path) -> torch.Tensor:
    return load_causal_lm(path).model.layers[0].self_attn.q_proj.weight


@pytest.mark.slow   # trains a model
def test_lora_training_lowers_the_loss_and_saves_a_merged_model(token_models, tmp_path):
    tokenizer = load_tokenizer(token_models["tiny0"])
    examples = [Example(s.input_ids, s.labels)
                for s in (format_sample(row, tokenizer, "chat_template", MAX_LENGTH) for row in SAMPLES[:4])]
    settings = TrainReferenceSettings(lora={"r": 8, "dropout": 0.0}, learning_rate=3e-3, batch_size=4, epochs=8,
                                      warmup_ratio=0.0)
    report = train_lora(token_models["tiny0"], examples, tmp_path / "model", settings)
    assert report.steps == 8 and report.examples == 4
    assert report.last_loss < report.first_loss - 0.1      # a random tiny model: loss near ln(49152) = 10.8
    assert read_report(tmp_path / "model")["steps"] == 8
    assert not torch.equal(weights(tmp_path / "model"), weights(token_models["tiny0"]))
    assert [p.name for p in tmp_path.iterdir()] == ["model"]       # no temporary folder left
    with pytest.raises(FileExistsError):
        train_lora(token_models["tiny0"], examples, tmp_path / "model", settings)


def test_padding_masks_labels_and_attention():
    input_ids, attention_mask, labels = padded([Example([5, 6, 7], [-100, 6, 7]), Example([8], [8])], pad_id=2)
    assert input_ids.tolist() == [[5, 6, 7], [8, 2, 2]]
    assert attention_mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert labels.tolist() == [[-100, 6, 7], [8, -100, -100]]


@pytest.mark.slow   # trains a model
def test_train_reference_job(spark, lake, token_models, tmp_path):
    out = tmp_path / "ref"
    assert lake.run("train-reference", "--base", token_models["tiny0"], "--output", str(out), "--run-id", "ref-1") == 0
    assert read_report(out)["steps"] == 2 and not torch.equal(weights(out), weights(token_models["tiny0"]))
    run = lake.runs(spark).set_index("run_id").loc["ref-1"]
    assert run["output_table"] == str(out) and run["input_version"] == 0
    assert json.loads(run["metrics_json"])["training"]["examples"] == len(SAMPLES) - 1   # long-prompt: no response
    assert lake.run("train-reference", "--base", token_models["tiny0"], "--output", str(out)) == 2   # never overwritten


@pytest.mark.slow   # trains a model
def test_self_evolving_two_rounds_killed_and_resumed(spark, lake, token_models):
    clean = ["token-clean", "--mode", "self_evolving", "--rounds", "2", "--base", token_models["tiny0"],
             "--output", "evolved", "--run-id", "se-1"]
    with killed_after_rounds(1):
        lake.run(*clean)
    folder = Path(lake.settings.token_clean.self_evolving.run_root) / "se-1"
    round0 = folder / "round-0" / "model"
    assert round0.is_dir() and not (folder / "round-1").exists()
    written = (round0 / "model.safetensors").stat().st_mtime_ns
    failed = lake.runs(spark).set_index("run_id").loc["se-1"]
    assert failed["status"] == "failed" and "SimulatedKill" in failed["error"]

    assert lake.run(*clean) == 0
    assert (round0 / "model.safetensors").stat().st_mtime_ns == written              # round 0 not redone
    assert (folder / "round-1" / "model" / "training.json").is_file()
    runs = lake.runs(spark).query("run_id == 'se-1'").sort_values("attempt")
    assert list(runs["status"]) == ["failed", "succeeded"]
    metrics = json.loads(runs.iloc[-1]["metrics_json"])
    assert [r["resumed"] for r in metrics["rounds"]] == [True, False]
    assert metrics["final_model"] == str(folder / "round-1" / "model")

    masks = lake.frame(spark, "evolved")
    assert sorted(masks["sample_id"]) == sorted(s["id"] for s in SAMPLES)
    assert len(lake.table("evolved").delta(spark).history().collect()) == 1
    subsets = (lake.table("sft").read(spark).select("sample_id", subset_index(2).alias("subset")).toPandas()
               .set_index("sample_id")["subset"])
    assert (masks.set_index("sample_id")["round"].sort_index() == subsets.sort_index()).all()
    first, second = masks[masks["round"] == 0], masks[masks["round"] == 1]
    assert len(first) and len(second)
    assert (first["scored_tokens"] == 0).all() and first["threshold"].isna().all()
    assert (first["kept_tokens"] > 0).sum() == len(first) - first["no_token_kept"].sum()
    scored = np.concatenate([np.asarray(s, np.float32) for s in second["scores"]])
    threshold = second["threshold"].iloc[0]
    assert int(second["kept_tokens"].sum()) == int(np.count_nonzero(scored >= threshold)) \
        >= int(np.count_nonzero(~np.isnan(scored)) * 0.6)


def test_subsets_are_stable_and_cover_the_table(spark):
    frame = spark.createDataFrame([(f"id-{i}",) for i in range(200)], "sample_id string")
    first = frame.select("sample_id", subset_index(5).alias("s")).toPandas()
    again = frame.repartition(7).select("sample_id", subset_index(5).alias("s")).toPandas()
    assert first.set_index("sample_id")["s"].equals(again.set_index("sample_id")["s"].loc[first["sample_id"]])
    assert sorted(first["s"].unique()) == [0, 1, 2, 3, 4] and first["s"].value_counts().min() > 20
    assert frame.where(F.col("sample_id").isNull()).count() == 0
