"""What querying ``refine_edits`` costs after many runs (simulated): 10 runs vs ``--runs`` runs.

    python bench/bench_audit_runs.py [--runs 1000] [--runs-per-commit 50] [--files-per-run 2]

One real refine run of the sample corpus (606 documents, rules backend) gives the audit rows;
the simulation copies them under ``--runs`` run ids into a second refine_edits table (the
real schema, partitioned by run_id like the job's), ``--runs-per-commit`` runs per Delta
commit and ``--files-per-run`` files per run (a real run writes one file per task and slice;
one commit per slice rather than per batch of runs only lengthens the log between
checkpoints). Then, on each table, median of 3 after a warm-up: one run's status breakdown
(the saved query's shape: partition-pruned by run_id), all runs' breakdown (a full scan),
and the newest run: as ``lakerefine query`` picks its default run (``views.newest_run``: the
newest commit naming a run, each simulated commit naming its last run) and by a scan of
every row's ``refined_at`` (how it was picked before).

Prints a table and writes bench/results/audit_runs.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "corpus.jsonl.gz"
RESULTS = REPO / "bench" / "results" / "audit_runs.json"


def timed(action, repeats: int = 3) -> float:
    action()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return round(statistics.median(runs), 3)


def simulate(spark, source, path: str, runs: int, per_commit: int, files_per_run: int) -> None:
    from pyspark.sql import functions as F

    from lakerefine.schemas.refine_edits import PARTITION_BY
    for first in range(0, runs, per_commit):
        last = min(first + per_commit, runs)
        ids = spark.range(first, last).select(F.format_string("sim-%05d", F.col("id")).alias("sim_run"))
        rows = (source.crossJoin(ids).withColumn("run_id", F.col("sim_run")).drop("sim_run")
                .withColumn("_file", F.pmod(F.xxhash64("doc_id"), F.lit(files_per_run))))
        (rows.repartition((last - first) * files_per_run, "run_id", "_file").drop("_file")
         .write.format("delta").mode("append").partitionBy(*PARTITION_BY)
         .option("userMetadata", json.dumps({"run_id": f"sim-{last - 1:05d}"})).save(path))


def queries(spark, path: str, one_run: str) -> dict:
    from pyspark.sql import functions as F

    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.query.views import newest_run

    table = lambda: spark.read.format("delta").load(path)  # noqa: E731
    return {
        "one_run_breakdown_s": timed(lambda: table().where(F.col("run_id") == one_run)
                                     .groupBy("status").agg(F.count("*"), F.sum("chars_in")).collect()),
        "all_runs_breakdown_s": timed(lambda: table().groupBy("run_id", "status").count().collect()),
        "newest_run_scan_s": timed(lambda: table().agg(F.max("refined_at")).collect()),
        "newest_run_s": timed(lambda: newest_run(spark, TableRef(name=path, path=path))),
    }


def table_files(spark, path: str) -> dict:
    from delta.tables import DeltaTable
    detail = DeltaTable.forPath(spark, path).detail().first()
    log = list((Path(path) / "_delta_log").iterdir())
    return {"files": detail.numFiles, "mb": round(detail.sizeInBytes / 1e6, 1),
            "log_files": len(log), "log_mb": round(sum(p.stat().st_size for p in log) / 1e6, 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--runs-per-commit", type=int, default=50)
    parser.add_argument("--files-per-run", type=int, default=2)
    args = parser.parse_args()
    from lakerefine.conf.loader import load_settings
    from lakerefine.jobs.cli import main as cli
    from lakerefine.udfs.lake.session import build_session

    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        overrides = [f"tables.base_path={tmp}/lake", f"spark.warehouse_dir={tmp}/wh"]
        flags = [arg for item in overrides for arg in ("--set", item)]
        for argv in (["ingest", "--input", str(SAMPLE)], ["refine", "--run-id", "real-1"]):
            if cli([*argv, "--quiet", *flags]):
                raise SystemExit(f"lakerefine {argv[0]} failed")
        spark = build_session(load_settings("local", overrides).spark)
        source = spark.read.format("delta").load(f"{tmp}/lake/refine_edits").cache()
        docs = source.count()
        result = {"docs_per_run": docs, "runs_per_commit": args.runs_per_commit, "files_per_run": args.files_per_run,
                  "load_average": [os.getloadavg()[0]]}
        for runs in (10, args.runs):
            path = f"{tmp}/edits_{runs}"
            clock = time.perf_counter()
            simulate(spark, source, path, runs, args.runs_per_commit, args.files_per_run)
            result[str(runs)] = {"write_s": round(time.perf_counter() - clock, 1), **table_files(spark, path),
                                 **queries(spark, path, "sim-00003")}
        result["load_average"].append(os.getloadavg()[0])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(f"refine_edits after N runs of {docs} documents ({args.files_per_run} files per run, "
          f"{args.runs_per_commit} runs per commit; load average {result['load_average']})")
    print(f"  {'runs':>6} {'rows':>10} {'files':>6} {'MB':>7} {'log files':>9} {'one run s':>10} {'all runs s':>11} "
          f"{'newest s':>9} {'newest, scan s':>15}")
    for runs in (10, args.runs):
        r = result[str(runs)]
        print(f"  {runs:>6} {runs * docs:>10,} {r['files']:>6} {r['mb']:>7.1f} {r['log_files']:>9} "
              f"{r['one_run_breakdown_s']:>10.3f} {r['all_runs_breakdown_s']:>11.3f} {r['newest_run_s']:>9.3f} "
              f"{r['newest_run_scan_s']:>15.3f}")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
