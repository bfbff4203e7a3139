"""Throughput of the whole refine job on local Spark vs the same backend and executor
in a plain Python loop, and the driver's peak memory at two corpus sizes.

    python bench/bench_refine_job.py [--quick] [--mb 20] [--backend rules]

The corpus is the sample corpus (data/sample/corpus.jsonl.gz) replicated with
distinct ids up to ``--mb`` megabytes of text (and a quarter of that for the
memory comparison). Each measurement runs in its own process:

- loop: read the documents, then time ``refine_documents`` over them in batches
  of ``spark.arrow_max_records_per_batch`` (one process, one core); run before and
  after the Spark job, and averaged, because the machine may be shared;
- spark: ingest the corpus, warm the JVM with a refine of 50 documents, then time
  the real ``lakerefine refine`` command end to end (read, refine, audit commits,
  publish, summary, runs row) on ``local[2]``;
- memory: the same on ``local-cluster[1,2,2048]`` (executors in their own JVM), at
  both corpus sizes, sampling the resident memory of the driver's Python process
  and of the driver JVM while the refine command runs.

Prints a table and writes bench/results/refine_job.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "corpus.jsonl.gz"
RESULTS = REPO / "bench" / "results" / "refine_job.json"
CORES = 2


def write_corpus(path: Path, megabytes: float) -> dict:
    """The sample corpus replicated (ids suffixed #k) until its text reaches ``megabytes``."""
    rows = [json.loads(line) for line in gzip.open(SAMPLE, "rt", encoding="utf-8")]
    target, chars, docs, copy = megabytes * 1_000_000, 0, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while chars < target:
            for row in rows:
                out.write(json.dumps({**row, "id": f"{row['id']}#{copy}"}, ensure_ascii=False) + "\n")
                chars += len(row["text"])
                docs += 1
            copy += 1
    return {"docs": docs, "chars": chars}


# -- children -----------------------------------------------------------------------------------

def child_loop(corpus: Path, overrides: list[str]) -> dict:
    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.refine.backends import create_backend
    from lakerefine.udfs.refine.documents import Document, refine_documents

    settings = load_settings("local", overrides)
    documents = [Document(r["id"], r["text"], r.get("source"))
                 for r in map(json.loads, corpus.open(encoding="utf-8"))]
    backend = create_backend(settings.refine)
    batch = settings.spark.arrow_max_records_per_batch
    start = time.perf_counter()
    statuses: dict[str, int] = {}
    for i in range(0, len(documents), batch):
        for outcome in refine_documents(documents[i:i + batch], backend, settings.refine):
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return {"seconds": time.perf_counter() - start, "statuses": statuses}


class PeakRss:
    """Samples VmRSS of some processes every 50 ms; keeps the peak of each."""

    def __init__(self, pids: dict[str, int]):
        self.pids, self.peak = pids, {name: 0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], _rss_mb(pid))
            time.sleep(0.05)


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _jvm_pid() -> int:
    children = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text().split()
    for pid in children:
        if "java" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
            return int(pid)
    raise RuntimeError("no JVM child process found")


def child_spark(corpora: list[Path], overrides: list[str], warmup: Path) -> dict:
    """Refine each corpus in turn (after a warm-up) in one Spark session; time and peak RSS of each."""
    from lakerefine.jobs.cli import main

    def cli(*argv: str) -> None:
        code = main([*argv, *(arg for item in overrides for arg in ("--set", item))])
        if code:
            raise SystemExit(f"lakerefine {argv[0]} failed with {code}")

    cli("ingest", "--input", str(warmup), "--output", "warm_corpus")
    cli("refine", "--input", "warm_corpus", "--output", "warm_refined")   # JVM and Delta warm-up
    results = {}
    for corpus in corpora:
        name = corpus.stem
        cli("ingest", "--input", str(corpus), "--output", f"corpus_{name}")
        with PeakRss({"python_driver_mb": os.getpid(), "jvm_mb": _jvm_pid()}) as rss:
            start = time.perf_counter()
            cli("refine", "--input", f"corpus_{name}", "--output", f"refined_{name}", "--run-id", f"bench-{name}")
            seconds = time.perf_counter() - start
        results[name] = {"seconds": seconds, **rss.peak, "stages_s": _run_timings(overrides, f"bench-{name}")}
    return results


def _run_timings(overrides: list[str], run_id: str) -> dict:
    from pyspark.sql import functions as F

    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.lake.session import build_session
    from lakerefine.udfs.lake.tables import TableRef

    settings = load_settings("local", overrides)
    spark = build_session(settings.spark)
    runs = TableRef.resolve(settings.tables.runs, settings.tables).read(spark)
    return runs.where(F.col("run_id") == run_id).select("timings_s").first()[0]


# -- driver ----------------------------------------------------------------------------------------

def run_child(kind: str, corpora: list[Path], work: Path, extra: list[str]) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--work", str(work), *extra,
               *(arg for corpus in corpora for arg in ("--corpus", str(corpus)))]
    env = {**os.environ, "SPARK_HOME": os.environ.get("SPARK_HOME") or _pyspark_home()}  # local-cluster needs it
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"{kind} child failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _pyspark_home() -> str:
    import pyspark
    return str(Path(pyspark.__file__).parent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 MB instead of 20 MB")
    parser.add_argument("--mb", type=float, default=None, help="megabytes of text of the big corpus")
    parser.add_argument("--backend", default="rules")
    parser.add_argument("--child", choices=["loop", "spark", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, action="append", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_as_child(args)

    big_mb = args.mb or (4.0 if args.quick else 20.0)
    sizes = {"small": big_mb / 4, "big": big_mb}
    extra = ["--backend", args.backend]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-refine-") as tmp:
        root = Path(tmp)
        _write_warmup(root / "warmup.jsonl")
        corpora = {name: write_corpus(root / f"{name}.jsonl", mb) for name, mb in sizes.items()}
        files = [root / f"{name}.jsonl" for name in sizes]
        loops = [run_child("loop", [files[1]], root / "loop1", extra)]
        spark = run_child("spark", files, root / "spark", extra)
        loops.append(run_child("loop", [files[1]], root / "loop2", extra))
        memory = {name: run_child("memory", [path], root / f"memory_{name}", extra)[name]
                  for name, path in zip(sizes, files)}
    result = summarize(args.backend, corpora, loops, spark, memory, [load_before, os.getloadavg()[0]])
    _print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS}")
    return 0


def run_as_child(args: argparse.Namespace) -> int:
    master = f"local[{CORES}]" if args.child != "memory" else f"local-cluster[1,{CORES},2048]"
    overrides = [f"tables.base_path={args.work / 'lake'}", f"spark.warehouse_dir={args.work / 'wh'}",
                 f"spark.master={master}", f"refine.backend={args.backend}"]
    if args.child == "loop":
        result = child_loop(args.corpus[0], overrides)
    else:
        result = child_spark(args.corpus, overrides, args.work.parent / "warmup.jsonl")
    print(json.dumps(result))
    return 0


def summarize(backend: str, corpora: dict, loops: list[dict], spark: dict, memory: dict,
              load: list[float]) -> dict:
    loop_s = sum(run["seconds"] for run in loops) / len(loops)
    big, small = spark["big"], spark["small"]
    mb = {name: c["chars"] / 1e6 for name, c in corpora.items()}
    # Seconds per extra MB between the two sizes: the job's cost without its fixed part.
    marginal_s_per_mb = (big["seconds"] - small["seconds"]) / (mb["big"] - mb["small"])
    return {
        "backend": backend, "cores": CORES, "corpora": corpora,
        "load_average": [round(x, 2) for x in load],
        "loop_s": round(loop_s, 2), "loop_runs_s": [round(run["seconds"], 2) for run in loops],
        "spark_s": round(big["seconds"], 2), "spark_small_s": round(small["seconds"], 2),
        "loop_mb_per_s": round(mb["big"] / loop_s, 3),
        "spark_mb_per_s": round(mb["big"] / big["seconds"], 3),
        "spark_overhead": round(big["seconds"] / loop_s - 1, 3),
        "spark_fixed_s": round(big["seconds"] - marginal_s_per_mb * mb["big"], 2),
        "spark_marginal_overhead": round(marginal_s_per_mb * mb["big"] / loop_s - 1, 3),
        "spark_stages_s": big["stages_s"], "loop_statuses": loops[0]["statuses"],
        "memory_runs": {name: {"seconds": round(run["seconds"], 2),
                               "python_driver_mb": round(run["python_driver_mb"], 1),
                               "driver_jvm_mb": round(run["jvm_mb"], 1)} for name, run in memory.items()},
        "local_jvm_mb": {name: round(run["jvm_mb"], 1) for name, run in spark.items()},
    }


def _write_warmup(path: Path) -> None:
    rows = [json.loads(line) for line, _ in zip(gzip.open(SAMPLE, "rt", encoding="utf-8"), range(50))]
    path.write_text("".join(json.dumps({**r, "id": f"warm-{r['id']}"}) + "\n" for r in rows))


def _print_table(r: dict) -> None:
    big = r["corpora"]["big"]
    print(f"refine job, backend={r['backend']}, {big['docs']:,} documents, {big['chars'] / 1e6:.1f} MB of text "
          f"(load average {r['load_average'][0]} -> {r['load_average'][1]})")
    print(f"  {'':<36} {'seconds':>9} {'MB/s':>8}")
    print(f"  {'plain Python loop, 1 core (mean)':<36} {r['loop_s']:>9.2f} {r['loop_mb_per_s']:>8.3f}   "
          f"runs {r['loop_runs_s']}")
    spark_label = f"Spark job, local[{r['cores']}]"
    print(f"  {spark_label:<36} {r['spark_s']:>9.2f} {r['spark_mb_per_s']:>8.3f}")
    print(f"  Spark overhead vs the loop: {100 * r['spark_overhead']:+.1f}% (target <= +25%)")
    print(f"    = fixed cost {r['spark_fixed_s']:.1f} s per run (from the {r['spark_small_s']:.1f} s run of the "
          f"small corpus) + per-MB cost {100 * r['spark_marginal_overhead']:+.1f}% vs the loop")
    print(f"  Spark stages (s): {r['spark_stages_s']}")
    print(f"  {'peak RSS while refining':<34} {'seconds':>9} {'python driver MB':>17} {'driver JVM MB':>14}")
    for name, run in r["memory_runs"].items():
        c = r["corpora"][name]
        label = f"{name}: {c['docs']:,} docs, {c['chars'] / 1e6:.1f} MB"
        print(f"  {label:<34} {run['seconds']:>9.2f} {run['python_driver_mb']:>17.1f} {run['driver_jvm_mb']:>14.1f}")
    print(f"  (local-cluster[1,{r['cores']},2048]: executors in their own JVM; on local[{r['cores']}] the one JVM, "
          f"driver and executors, peaked at {r['local_jvm_mb']} MB)")


if __name__ == "__main__":
    sys.exit(main())
