"""Per-sample and approximate modes, the no-token-kept flag, and export into a datasets/torch pipeline.

Two tiny random Llamas (seeds 0 and 1, SmolLM2's tokenizer) as base and reference: these tests
are about masks and files, not about which model scores better.
"""
from __future__ import annotations

import json

import datasets
import numpy as np
import pytest
import torch
from transformers import DataCollatorForSeq2Seq

from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.tokenclean.selection import per_sample_topk
from tests.support.tokenclean import MAX_LENGTH, ingest_sft, short_samples, token_lake

SAMPLES = short_samples(8)


@pytest.fixture(scope="module")
def lake(spark, lake_root, token_models):
    lake = token_lake(lake_root, f"token_clean.scoring.max_length={MAX_LENGTH}")
    ingest_sft(lake, SAMPLES)
    pair = ["--base", token_models["tiny0"], "--ref", token_models["tiny1"]]
    assert lake.run("token-clean", *pair, "--mode", "per_sample", "--keep", "0.5", "--output", "per_sample") == 0
    assert lake.run("token-clean", *pair, "--selection", "approx", "--output", "approx", "--run-id", "tc-approx",
                    "--set", "token_clean.approx_accuracy=20") == 0
    return lake


def test_per_sample_mode_keeps_int_m_k_of_each_sample(spark, lake):
    masks = lake.frame(spark, "per_sample")
    assert set(masks["mode"]) == {"per_sample"} and masks["threshold"].isna().all()
    for _, row in masks.iterrows():
        scores = np.asarray(row["scores"], np.float32)
        kept = np.asarray(row["labels"]) != -100
        assert kept.tolist() == per_sample_topk(scores, 0.5).tolist()
        assert row["kept_tokens"] == int(row["scored_tokens"] * 0.5) == kept.sum()
        assert row["no_token_kept"] == (row["kept_tokens"] == 0)


def test_approx_selection_is_within_its_documented_rank_error(spark, lake):
    masks = lake.frame(spark, "approx")
    threshold = masks["threshold"].iloc[0]
    scores = np.concatenate([np.asarray(s, np.float32) for s in masks["scores"]])
    scored = int(np.count_nonzero(~np.isnan(scores)))
    kept = int(masks["kept_tokens"].sum())
    assert kept == int(np.count_nonzero(scores >= threshold))
    metrics = json.loads(lake.runs(spark).set_index("run_id").loc["tc-approx", "metrics_json"])["threshold"]
    assert metrics["method"] == "approx" and metrics["rank_error_bound"] == -(-scored // 20)
    assert metrics["kept"] == kept and abs(kept - int(scored * 0.6)) <= metrics["rank_error_bound"] + 1


def export(lake, tmp_path, fmt: str, *extra: str) -> str:
    out = tmp_path / fmt
    assert lake.run("export", "--input", "per_sample", "--output", str(out), "--format", fmt, *extra) == 0
    return str(out / ("*.parquet" if fmt == "parquet" else "*.json"))


def test_export_loads_into_datasets_and_a_torch_dataloader(spark, lake, token_models, tmp_path):
    masks = lake.frame(spark, "per_sample").set_index("sample_id")
    files = export(lake, tmp_path, "parquet")
    data = datasets.Dataset.from_parquet(files)
    assert data.column_names == ["input_ids", "attention_mask", "labels"]
    assert len(data) == int((~masks["no_token_kept"]).sum()) and masks["no_token_kept"].any()
    exported = {tuple(row["input_ids"]): row for row in data}
    for _, row in masks[~masks["no_token_kept"]].iterrows():
        got = exported[tuple(int(i) for i in row["input_ids"])]
        assert got["labels"] == [int(x) for x in row["labels"]] and set(got["attention_mask"]) == {1}

    tokenizer = load_tokenizer(token_models["tiny0"])
    loader = torch.utils.data.DataLoader(data, batch_size=4, collate_fn=DataCollatorForSeq2Seq(tokenizer))
    batch = next(iter(loader))
    assert batch["input_ids"].dtype == batch["labels"].dtype == torch.long
    loss = load_causal_lm(token_models["tiny0"])(**batch).loss
    assert torch.isfinite(loss)


def test_jsonl_export_and_keeping_samples_with_no_token_kept(spark, lake, tmp_path):
    masks = lake.frame(spark, "per_sample")
    files = export(lake, tmp_path, "jsonl", "--set", "export.include_no_token_kept=true")
    data = datasets.Dataset.from_json(files)
    assert len(data) == len(masks)
    assert sum(all(label == -100 for label in row["labels"]) for row in data) == int(masks["no_token_kept"].sum())
