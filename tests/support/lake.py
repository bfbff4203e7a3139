"""A folder of tables for a test (or a test module), and the real ``lakerefine`` command run against it."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lakerefine.conf.loader import load_settings
from lakerefine.conf.settings import Settings
from lakerefine.udfs.lake.tables import TableRef


@dataclass
class Lake:
    root: Path
    overrides: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, lake_root: Path) -> Lake:
        """Tables under a new folder of ``lake_root``; one warehouse for the session's Spark."""
        base = lake_root / f"lake_{uuid.uuid4().hex[:8]}"
        return cls(base, [f"tables.base_path={base}", f"spark.warehouse_dir={lake_root / '_warehouse'}"])

    @property
    def settings(self) -> Settings:
        return load_settings("local", self.overrides)

    def run(self, *argv: str) -> int:
        """``lakerefine *argv`` in this lake; the exit code. The lake's overrides come first, so a
        ``--set`` in ``argv`` wins over them."""
        from lakerefine.jobs.cli import main
        command, *rest = argv
        return main([command, *(arg for item in self.overrides for arg in ("--set", item)), *rest])

    def table(self, name: str) -> TableRef:
        return TableRef.resolve(name, self.settings.tables)

    def frame(self, spark, name: str, version: int | None = None) -> pd.DataFrame:
        return self.table(name).read(spark, version).toPandas()

    def runs(self, spark) -> pd.DataFrame:
        return self.frame(spark, self.settings.tables.runs)
