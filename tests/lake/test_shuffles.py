"""Shuffle partitions follow the input's size (one per spark.shuffle_partition_bytes), never
fewer than twice the parallelism."""
from __future__ import annotations

import json
import math

import pytest

from lakerefine.udfs.lake.shuffles import SHUFFLE_PARTITIONS, shuffle_partitions_for, stored_bytes


def test_one_partition_per_partition_bytes_and_every_core_busy():
    assert shuffle_partitions_for(4_000_000_000, 128_000_000, parallelism=2) == 32
    assert shuffle_partitions_for(10_000, 128_000_000, parallelism=2) == 4
    assert shuffle_partitions_for(100 * 10**12, 128_000_000, parallelism=1000) == 781_250


@pytest.fixture
def restored_shuffle_partitions(spark):
    """The session is shared by every test: put its partition count back afterwards."""
    before = spark.conf.get(SHUFFLE_PARTITIONS)
    yield
    spark.conf.set(SHUFFLE_PARTITIONS, before)


@pytest.mark.spark
def test_stored_bytes_of_files_folders_and_globs(spark, tmp_path):
    (tmp_path / "in").mkdir()
    for name, size in (("a.jsonl", 300), ("b.jsonl", 500), ("c.txt", 70)):
        (tmp_path / "in" / name).write_bytes(b"x" * size)
    assert stored_bytes(spark, str(tmp_path / "in")) == 870
    assert stored_bytes(spark, str(tmp_path / "in" / "*.jsonl")) == 800
    assert stored_bytes(spark, str(tmp_path / "in" / "a.jsonl")) == 300
    assert stored_bytes(spark, str(tmp_path / "missing")) == 0


@pytest.mark.spark
def test_ingest_sets_the_shuffle_partitions_from_its_input(spark, cli, tmp_path, restored_shuffle_partitions):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": f"document {i} " * 40}) + "\n" for i in range(60)),
                    encoding="utf-8")
    code, out = cli("ingest", "--input", str(path), "--set", "spark.shuffle_partition_bytes=2000")
    assert code == 0, out
    assert int(spark.conf.get(SHUFFLE_PARTITIONS)) == math.ceil(path.stat().st_size / 2000) > 4
