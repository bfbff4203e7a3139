"""bench/bench_refinex_webpages.py's arguments: the pages it picks and the settings it hands the jobs
and bench_refine_quality (no job, no training: those are the bench itself)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lakerefine.conf.loader import load_settings
from lakerefine.udfs.quality.splits import TEST, TRAIN, split_of
from tests.support.bench import load_bench
from tests.support.webpages import needs_webpages


@pytest.fixture(scope="module")
def bench():
    return load_bench("bench_refinex_webpages")


def test_defaults_train_and_report_on_both_page_sets_on_the_cpu(bench):
    args = bench.parse_args([])
    assert args.data == ["webpages", "docpages"] and args.device == "cpu" and args.dtype == "auto"
    assert args.test_pages == 3 and args.max_steps is None and args.save_steps is None
    settings = load_settings("local", bench.job_settings(args, Path("/tmp/lake"), Path("/tmp/m"))["train"])
    assert settings.train_refiner.save_steps == 500 and settings.train_refiner.max_steps is None


def test_dtype_device_and_save_steps_reach_the_trainer_and_the_refiner(bench, tmp_path):
    args = bench.parse_args(["--dtype", "bfloat16", "--device", "cpu", "--save-steps", "5", "--max-steps", "7",
                             "--epochs", "1", "--chunk-tokens", "256", "--hf-batch-size", "2"])
    overrides = bench.job_settings(args, tmp_path / "lake", tmp_path / "refiner")
    settings = load_settings("local", [*overrides["common"], *overrides["train"], *overrides["hf"]])
    train, hf = settings.train_refiner, settings.refine.hf
    assert (train.dtype, train.device, train.save_steps, train.max_steps, train.epochs) == \
        ("bfloat16", "cpu", 5, 7, 1.0)
    assert (hf.dtype, hf.device, hf.batch_size) == ("bfloat16", "cpu", 2)
    assert hf.model_path == str(tmp_path / "refiner" / "model")
    assert settings.refine.chunk_tokens == 256 and settings.tables.base_path == str(tmp_path / "lake")


@pytest.mark.parametrize("bad", [["--dtype", "float16"], ["--device", "tpu"], ["--data", "books"]])
def test_unknown_choices_are_refused(bench, bad):
    with pytest.raises(SystemExit):
        bench.parse_args(bad)


def test_the_held_out_pages_go_through_the_quality_bench_with_the_same_filter(bench):
    args = bench.parse_args(["--data", "docpages", "--test-pages", "2", "--max-chars", "4000",
                             "--dtype", "bfloat16", "--anchors", "trafilatura"])
    argv = bench.quality_argv(args, bench.job_settings(args, Path("/tmp/lake"), Path("/tmp/refiner")))
    assert argv[:10] == ["--data", "docpages", "--split", TEST, "--limit", "2", "--max-chars", "4000",
                         "--backend", "rules"]
    assert argv[10:14] == ["classifier", "hf", "--anchors", "trafilatura"]
    assert "refine.hf.dtype=bfloat16" in argv and "refine.chunk_tokens=512" in argv
    assert "refine.hf.model_path=/tmp/refiner/model" in argv

    quality = bench.quality
    pages = quality.load_pages([quality.DATA["docpages"]], TEST, 2, 4000)
    assert 0 < len(pages) <= 2 * len({page.set for page in pages})
    assert all(len(page.raw) <= 4000 for page in pages)


@needs_webpages
def test_train_pages_are_train_split_round_robin_and_short(bench):
    pages = bench.pick_pages(["webpages", "docpages"], TRAIN, 12, 6000)
    assert len(pages) == 12 and len({page.set for page in pages}) == 6    # five web sets and docpages, 2 each
    assert all(len(page.raw) <= 6000 for page in pages)
    held_out_docs = {page.page_id for page in bench.quality.load_pages([bench.quality.DATA["docpages"]], TEST)}
    assert not held_out_docs & {page.page_id for page in pages}    # docpages split by package, web pages by id
    assert all(split_of(page.page_id) == TRAIN for page in pages if page.set != "docpages")
    for name in {page.set for page in pages}:    # a fixed order: the sha256 of the ids, not the files' order
        ids = [page.page_id for page in pages if page.set == name]
        assert ids == sorted(ids, key=lambda page_id: hashlib.sha256(page_id.encode()).hexdigest())
