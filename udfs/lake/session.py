"""The one SparkSession builder every job uses, configured from ``SparkSettings``."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from pyspark.sql import SparkSession

from lakerefine.conf.settings import SparkSettings

DELTA_SQL_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}
REPO_ROOT = Path(__file__).resolve().parents[2]


def under_spark_submit() -> bool:
    """spark-submit started the JVM already: master and jars come from its command line."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_conf(settings: SparkSettings) -> dict[str, str]:
    """Every Spark setting lakerefine derives from config (also printed by `lakerefine spark-conf`)."""
    conf: dict[str, str] = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.maxRecordsPerBatch": str(settings.arrow_max_records_per_batch),
        "spark.python.worker.reuse": str(settings.python_worker_reuse).lower(),
    }
    if settings.delta_jars != "provided":
        conf.update(DELTA_SQL_CONF)
    if settings.warehouse_dir:
        conf["spark.sql.warehouse.dir"] = str(Path(settings.warehouse_dir).resolve())
    if settings.driver_memory:
        conf["spark.driver.memory"] = settings.driver_memory
    if settings.gpu:
        conf["spark.executor.resource.gpu.amount"] = str(settings.gpu.executor_amount)
        conf["spark.task.resource.gpu.amount"] = str(settings.gpu.task_amount)
        if settings.gpu.discovery_script:
            conf["spark.executor.resource.gpu.discoveryScript"] = settings.gpu.discovery_script
    conf.update(settings.conf)
    return conf


def delta_jar_files(settings: SparkSettings) -> list[Path]:
    folder = Path(settings.jars_dir)
    if not folder.is_absolute() and not folder.is_dir():
        folder = REPO_ROOT / settings.jars_dir
    jars = sorted(folder.glob("delta-*.jar")) if folder.is_dir() else []
    if not any(j.name.startswith("delta-spark") for j in jars):
        raise RuntimeError(
            f"Delta jars not found in {folder}: run `bash scripts/setup.sh` once "
            "(it fetches them from Maven Central), or set spark.delta_jars=packages")
    return jars


def build_session(settings: SparkSettings) -> SparkSession:
    builder = SparkSession.builder.appName(settings.app_name)
    if not under_spark_submit():
        if (settings.master or "").startswith("local"):
            # Local Python workers run the driver's interpreter (the project's venv).
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        if settings.master:
            builder = builder.master(settings.master)
        if settings.delta_jars == "local_jars":
            builder = builder.config("spark.jars", ",".join(str(j) for j in delta_jar_files(settings)))
        elif settings.delta_jars == "packages":
            builder = builder.config("spark.jars.packages", settings.delta_package)
    for key, value in spark_conf(settings).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark
