"""Every setting of lakerefine, as typed, validated data.

A YAML file in conf/ (plus ``--set key=value`` overrides) is validated into
``Settings``; an unknown key, a wrong type or a missing value fails here,
before any Spark work, with a message that names the key (see loader.py).
Each job owns one section; sections are added next to the job that reads them.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lakerefine.conf.identifiers import check_table_name


class Section(BaseModel):
    """Base of every config section: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


class GpuSettings(Section):
    """GPU scheduling for executors (Spark resource scheduling)."""

    executor_amount: int = Field(1, ge=1)
    task_amount: float = Field(1.0, gt=0, le=1.0)
    discovery_script: str | None = None


class SparkSettings(Section):
    master: str | None = "local[2]"
    app_name: str = "lakerefine"
    # Where Delta's jars come from: a local folder filled by `scripts/setup.sh`
    # ("local_jars"), Maven resolution at session start ("packages"), or the
    # platform itself ("provided": Databricks, EMR with Delta enabled).
    delta_jars: Literal["local_jars", "packages", "provided"] = "local_jars"
    jars_dir: str = "jars"
    delta_package: str = "io.delta:delta-spark_2.13:4.0.1"
    warehouse_dir: str | None = "lakehouse/_warehouse"
    driver_memory: str | None = "4g"
    arrow_max_records_per_batch: int = Field(256, ge=1)
    python_worker_reuse: bool = True
    gpu: GpuSettings | None = None
    # Any other Spark setting, passed through as strings.
    conf: dict[str, str] = Field(default_factory=dict)


class TableSettings(Section):
    # A bare table name (``corpus``) is a path under ``base_path`` when it is set,
    # else a catalog name (``main.lake.corpus`` on Unity Catalog).
    base_path: str | None = "lakehouse"
    runs: str = "runs"
    corpus_quarantine: str = "corpus_quarantine"
    sft_quarantine: str = "sft_quarantine"

    @field_validator("runs", "corpus_quarantine", "sft_quarantine")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        return check_table_name(value)


class IngestSettings(Section):
    id_column: str | None = "id"
    text_column: str = "text"
    # What a row whose id column is missing gets: a content hash, or quarantine.
    missing_id: Literal["hash", "quarantine"] = "hash"
    max_record_chars_in_quarantine: int = Field(10_000, ge=100)


class Settings(Section):
    env: str = "local"
    spark: SparkSettings = Field(default_factory=SparkSettings)
    tables: TableSettings = Field(default_factory=TableSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
