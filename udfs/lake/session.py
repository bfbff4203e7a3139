"""The one SparkSession builder every job uses, configured from ``SparkSettings``.

Quiet by default when it starts the JVM itself (not under spark-submit): the driver logs
through the package's ``conf/log4j2.properties`` (errors only), a local master binds to the
loopback address, and the JVM's start-up notice about incubator modules (Spark 4 always
adds ``jdk.incubator.vector``) is left out of stderr. ``verbose`` keeps Spark's own logging.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path

from pyspark import SparkConf, SparkContext
from pyspark.java_gateway import launch_gateway
from pyspark.sql import SparkSession

from lakerefine.conf.settings import SparkSettings

DELTA_SQL_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}
REPO_ROOT = Path(__file__).resolve().parents[2]
QUIET_LOG_CONFIG = "log4j2.properties"
JVM_STARTUP_NOISE = (b"WARNING: Using incubator modules",)


def under_spark_submit() -> bool:
    """spark-submit started the JVM already: master and jars come from its command line."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def spark_conf(settings: SparkSettings) -> dict[str, str]:
    """Every Spark setting lakerefine derives from config (also printed by `lakerefine spark-conf`)."""
    conf: dict[str, str] = {
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.maxRecordsPerBatch": str(settings.arrow_max_records_per_batch),
        "spark.sql.execution.arrow.maxBytesPerBatch": str(settings.arrow_max_bytes_per_batch),
        "spark.python.worker.reuse": str(settings.python_worker_reuse).lower(),
        # Plans of wide tables are printed whole instead of cut with a warning.
        "spark.sql.debug.maxToStringFields": "1000",
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


def build_session(settings: SparkSettings, verbose: bool = False) -> SparkSession:
    options = {"spark.app.name": settings.app_name}
    if not under_spark_submit():
        if (settings.master or "").startswith("local"):
            # Local Python workers run the driver's interpreter (the project's venv); a local
            # master binds to loopback (no "hostname resolves to a loopback address" warning).
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        if settings.master:
            options["spark.master"] = settings.master
        if settings.delta_jars == "local_jars":
            options["spark.jars"] = ",".join(str(j) for j in delta_jar_files(settings))
        elif settings.delta_jars == "packages":
            options["spark.jars.packages"] = settings.delta_package
    options.update(spark_conf(settings))
    if not verbose and not under_spark_submit():
        options["spark.driver.extraJavaOptions"] = " ".join(
            filter(None, [f"-Dlog4j2.configurationFile={quiet_log_config()}",
                          options.get("spark.driver.extraJavaOptions")]))
        start_quiet_jvm(options)
    builder = SparkSession.builder
    for key, value in options.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    if verbose:
        spark.sparkContext.setLogLevel("WARN")
    return spark


def quiet_log_config() -> Path:
    """The packaged log4j2 configuration (a file on disk: the JVM reads it by path)."""
    return Path(str(resources.files("lakerefine.conf") / QUIET_LOG_CONFIG)).resolve()


def start_quiet_jvm(options: dict[str, str]) -> None:
    """Start the driver JVM as SparkContext would, with its stderr passed on line by line
    except the start-up notices in JVM_STARTUP_NOISE. A JVM already running is kept."""
    if SparkContext._gateway is not None:
        return
    conf = SparkConf(loadDefaults=False)
    for key, value in options.items():
        conf.set(key, value)
    gateway = launch_gateway(conf, popen_kwargs={"stderr": subprocess.PIPE})
    threading.Thread(target=_pass_stderr, args=(gateway.proc.stderr,), daemon=True,
                     name="jvm-stderr").start()
    SparkContext._gateway, SparkContext._jvm = gateway, gateway.jvm


def _pass_stderr(stream) -> None:
    for line in iter(stream.readline, b""):
        if not line.startswith(JVM_STARTUP_NOISE):
            os.write(2, line)
