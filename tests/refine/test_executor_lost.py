"""An executor lost mid-task: on ``local-cluster`` (executors are JVMs of their own, as on a
cluster) the first task to reach the refine UDF kills its executor JVM. Spark starts a new
executor and reruns the lost tasks; the run equals a clean run, one audit row per document.

Runs in a subprocess: the test session's JVM is ``local[2,3]`` and a JVM has one SparkContext.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyspark.sql import functions as F

from tests.support.corpus import sample_docs, write_corpus
from tests.support.faults import faults_met
from tests.support.jvm import short_lived_jvm

pytestmark = pytest.mark.slow   # starts a driver and two executor JVMs (the JIT's first tier: .81 of the time)
REPO = Path(__file__).resolve().parents[2]
CHILD = """
import sys
from pathlib import Path
from lakerefine.jobs.cli import main
from lakerefine.udfs.refine import run as refine_run
from tests.support.faults import faulty
marker, *argv = sys.argv[1:]
real_udf = refine_run.refine_udf
refine_run.refine_udf = lambda settings: faulty(real_udf(settings), Path(marker), "kill_executor")
sys.exit(main(argv))
"""


def test_an_executor_lost_mid_task_leaves_the_run_equal_to_a_clean_one(spark, lake, table_path, tmp_path):
    import pyspark

    docs = sample_docs(24)
    write_corpus(spark, table_path("corpus"), docs)
    assert lake.run("refine", "--run-id", "clean", "--output", "refined_clean", "--set", "refine.slice_docs=8") == 0

    marker = tmp_path / "fault.marker"
    env = {**os.environ, "SPARK_HOME": os.environ.get("SPARK_HOME") or str(Path(pyspark.__file__).parent)}
    argv = ["refine", "--run-id", "lost", "--set", "refine.slice_docs=8",
            "--set", "spark.master=local-cluster[2,1,1024]",
            *(arg for item in [*lake.overrides, *short_lived_jvm("driver", "executor")] for arg in ("--set", item))]
    child = subprocess.run([sys.executable, "-c", CHILD, str(marker), *argv], cwd=REPO, env=env,
                           capture_output=True, text=True, timeout=900)
    assert child.returncode == 0, child.stdout[-2000:] + child.stderr[-4000:]
    [met] = faults_met(marker)
    assert met.startswith("kill_executor"), met

    edits = spark.read.format("delta").load(table_path("refine_edits"))
    compared = ["doc_id", "status", "program", "spans", "chars_out", "raw_sha256"]
    lost, clean = (edits.where(F.col("run_id") == r).select(*compared) for r in ("lost", "clean"))
    assert lost.count() == len(docs) and lost.select("doc_id").distinct().count() == len(docs)
    assert lost.exceptAll(clean).count() == 0 and clean.exceptAll(lost).count() == 0
    texts = lambda name: {r.doc_id: r.text for r in spark.read.format("delta").load(table_path(name)).collect()}  # noqa: E731
    assert texts("refined") == texts("refined_clean")
