"""token-clean with the real SmolLM2 as base and a different (tiny) model as reference, on local Spark.

One module lake: the sample is ingested once and cleaned in global mode twice
(default batching; every sample alone in 3 tasks); the tests read the results.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
from lakerefine.udfs.tokenclean.formatting import format_sample
from lakerefine.udfs.tokenclean.selection import global_threshold
from tests.support.tokenclean import MAX_LENGTH, fp32_score_tolerance, ingest_sft, short_samples, token_lake

KEEP = 0.6
SAMPLES = short_samples(8)


@pytest.fixture(scope="module")
def lake(spark, lake_root, token_models):
    lake = token_lake(lake_root, f"token_clean.scoring.max_length={MAX_LENGTH}")
    ingest_sft(lake, SAMPLES)
    clean = ["token-clean", "--base", token_models["smollm2"], "--ref", token_models["tiny0"], "--keep", str(KEEP)]
    assert lake.run(*clean, "--output", "masks", "--run-id", "tc-global") == 0
    assert lake.run(*clean, "--output", "masks_alone", "--set", "token_clean.scoring.max_batch_tokens=1",
                    "--set", "token_clean.scoring.tasks=3") == 0
    return lake


@pytest.fixture(scope="module")
def masks(spark, lake):
    return lake.frame(spark, "masks").set_index("sample_id")


@pytest.fixture(scope="module")
def original(token_models):
    """What formatting gives each sample: input_ids and labels before any mask."""
    tokenizer = load_tokenizer(token_models["smollm2"])
    return {s["id"]: format_sample(s, tokenizer, "chat_template", MAX_LENGTH) for s in SAMPLES}


@pytest.fixture(scope="module")
def models(token_models):
    return load_causal_lm(token_models["smollm2"]), load_causal_lm(token_models["tiny0"])


@pytest.fixture(scope="module")
def tolerance(models, original) -> float:
    """fp32 scores of one sample computed two ways may differ by this much (tests/support/tokenclean.py)."""
    return fp32_score_tolerance(*models, [s.input_ids for s in original.values()])


def unbatched_losses(model, input_ids: list[int]) -> np.ndarray:
    """Loss of token j from tokens < j (j >= 1), one sample, no padding: a plain transformers forward."""
    with torch.no_grad():
        logits = model(torch.tensor([input_ids])).logits[0]
    return F.cross_entropy(logits[:-1], torch.tensor(input_ids[1:]), reduction="none").numpy()


def test_scores_equal_a_plain_unbatched_forward(masks, original, models, tolerance):
    base, ref = models
    for sample_id, row in masks.iterrows():
        if row["scored_tokens"] == 0:
            continue
        ids = [int(i) for i in row["input_ids"]]
        assert ids == original[sample_id].input_ids
        expected = np.full(len(ids), np.nan)
        expected[1:] = unbatched_losses(base, ids) - unbatched_losses(ref, ids)
        expected[np.array(original[sample_id].labels) == IGNORE_INDEX] = np.nan
        np.testing.assert_allclose(np.asarray(row["scores"], np.float64), expected, rtol=0, atol=tolerance)


def test_unscored_positions_are_null_not_nan(spark, lake):
    row = lake.table("masks").read(spark).selectExpr(
        "sum(size(filter(scores, s -> isnan(s)))) AS nans",
        "sum(size(filter(scores, s -> s IS NULL))) AS nulls").first()
    assert row.nans == 0 and row.nulls > 0


def test_the_global_mask_keeps_exactly_the_tokens_at_or_above_the_threshold(masks, original):
    all_scores = np.concatenate([np.asarray(s, np.float32) for s in masks["scores"]])
    threshold = global_threshold(all_scores, KEEP)            # the pure numpy reference
    assert set(masks["threshold"]) == {threshold}
    scored = int(np.count_nonzero(~np.isnan(all_scores)))
    assert int(masks["kept_tokens"].sum()) == int(np.count_nonzero(all_scores >= threshold)) >= int(scored * KEEP)
    for sample_id, row in masks.iterrows():
        scores, labels = np.asarray(row["scores"], np.float32), np.asarray(row["labels"])
        kept = labels != IGNORE_INDEX
        with np.errstate(invalid="ignore"):
            assert kept.tolist() == (scores >= threshold).tolist()
        assert np.array_equal(labels[kept], np.asarray(row["input_ids"])[kept])
        prompt = np.array(original[sample_id].labels) == IGNORE_INDEX
        assert not kept[prompt].any()                               # prompt tokens never kept


def test_padding_and_batch_order_change_nothing(spark, lake, masks, tolerance):
    alone = lake.frame(spark, "masks_alone").set_index("sample_id")
    assert sorted(alone.index) == sorted(masks.index)
    for sample_id, row in masks.iterrows():
        np.testing.assert_allclose(np.asarray(alone.loc[sample_id, "scores"], np.float64),
                                   np.asarray(row["scores"], np.float64), rtol=0, atol=tolerance)
        assert list(alone.loc[sample_id, "labels"]) == list(row["labels"])


def test_a_sample_cut_before_its_response_is_flagged(masks):
    long = masks.loc["long-prompt"]
    assert long["truncated"] and long["no_token_kept"] and long["scored_tokens"] == 0
    assert len(long["input_ids"]) == MAX_LENGTH and long["error"] is None
    others = masks.drop(index="long-prompt")
    assert not others["truncated"].any() and (others["scored_tokens"] > 0).all()


def test_runs_row_and_one_commit_with_the_run_metadata(spark, lake, masks):
    run = lake.runs(spark).set_index("run_id").loc["tc-global"]
    assert run["status"] == "succeeded" and run["output_version"] == 0
    metrics = json.loads(run["metrics_json"])
    assert metrics["threshold"]["method"] == "exact"
    assert metrics["threshold"]["kept"] == run["counts"]["kept_tokens"] == int(masks["kept_tokens"].sum())
    assert metrics["threshold"]["target_kept"] == int(run["counts"]["scored_tokens"] * KEEP)
    assert set(metrics["score_distribution"]["quantiles"]) >= {"p00", "p50", "p100"}
    assert 0.5 < metrics["keep"]["kept_fraction"] < 0.7
    history = lake.table("masks").delta(spark).history().collect()
    assert len(history) == 1
    meta = json.loads(history[0].userMetadata)
    assert meta["run_id"] == "tc-global" and meta["threshold"] == masks["threshold"].iloc[0]
    assert set(masks["run_id"]) == {"tc-global"} and set(masks["mode"]) == {"global"}


def test_a_rerun_of_a_published_run_changes_nothing(spark, lake, token_models):
    code = lake.run("token-clean", "--base", token_models["smollm2"], "--ref", token_models["tiny0"],
                    "--output", "masks", "--run-id", "tc-global")
    assert code == 0
    assert len(lake.table("masks").delta(spark).history().collect()) == 1


@pytest.mark.parametrize("args, message", [
    ([], "token_clean.ref_model"),
    (["--ref", "/nonexistent/model"], "not a model directory"),
    (["--ref", "REF", "--keep", "1.5"], "token_clean.keep"),
])
def test_bad_arguments_fail_before_any_work(lake, token_models, capsys, args, message):
    args = [token_models["tiny0"] if a == "REF" else a for a in args]
    assert lake.run("token-clean", "--base", token_models["smollm2"], "--output", "never", *args) == 2
    assert message in capsys.readouterr().err
