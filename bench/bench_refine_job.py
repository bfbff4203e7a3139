"""Throughput of the whole refine job on local Spark vs the same backend and executor
in a plain Python loop, and the driver's peak memory at two corpus sizes.

    python bench/bench_refine_job.py [--quick] [--mb 20] [--backend classifier|rules]

The corpus is the sample corpus (data/sample/corpus.jsonl.gz) replicated with
distinct ids up to ``--mb`` megabytes of text (and a quarter of that for the
memory comparison).

- speed, in one process: ingest the corpora and start the JVM with a refine of 50
  documents; time the real ``lakerefine refine`` command end to end (read, refine,
  audit commits, publish, summary, runs row) on ``local[2]`` once on the big corpus
  ("first run": the JVM has not compiled the hot code yet); then ``--repeats``
  rounds of: the plain loop over the big corpus (``refine_documents`` in batches of
  ``spark.arrow_max_records_per_batch``, one core, in the driver's Python while
  the JVM idles), the refine command on the big corpus, and on the small one.
  The loop and the job alternate because this machine is shared and its speed
  drifts; the overhead is the median of the rounds' ratios ("warm": what every
  later run of a Spark application costs);
- the classifier backend's site-share pass (one extra Spark pass, udfs/refine/site_shares.py):
  the sample has no URLs, so by default its ``source`` column is the site
  (``refine.classifier.site_column``); with ``--urls`` every document gets a URL
  (``https://<source>.example.org/<id>``) and the site is its host, as the job finds it by default
  (``site_keys.url_host`` in a pandas UDF: one more Arrow round trip of the URLs). Each round also runs
  the command on the big corpus with
  ``refine.classifier.site_shares=false``; the pass's extra cost is the median of the rounds'
  ratios (with / without - 1), and the job's overhead over the loop is given both ways (the loop
  refines without shares: it has no table to count them in);
- memory, one process per size: the same command on ``local-cluster[1,2,2048]``
  (executors in their own JVM), sampling the resident memory of the driver's
  Python process and of the driver JVM while it runs.

Prints a table and writes bench/results/refine_job.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
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


def write_corpus(path: Path, megabytes: float, urls: bool = False) -> dict:
    """The sample corpus replicated (ids suffixed #k) until its text reaches ``megabytes``; with ``urls``
    each document's URL is on a host per source."""
    rows = [json.loads(line) for line in gzip.open(SAMPLE, "rt", encoding="utf-8")]
    target, chars, docs, copy = megabytes * 1_000_000, 0, 0, 0
    with path.open("w", encoding="utf-8") as out:
        while chars < target:
            for row in rows:
                copied = {**row, "id": f"{row['id']}#{copy}"}
                if urls:
                    copied["url"] = f"https://{row['source']}.example.org/{copied['id']}"
                out.write(json.dumps(copied, ensure_ascii=False) + "\n")
                chars += len(row["text"])
                docs += 1
            copy += 1
    return {"docs": docs, "chars": chars}


# -- children -----------------------------------------------------------------------------------

def time_loop(corpus: Path, overrides: list[str]) -> tuple[float, dict[str, int]]:
    """Seconds to refine every document of ``corpus`` in a plain loop, and the statuses."""
    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.refine.backends import create_backend
    from lakerefine.udfs.refine.documents import Document, DocumentLimits, refine_documents

    settings = load_settings("local", overrides)
    documents = [Document(r["id"], r["text"], r.get("source"))
                 for r in map(json.loads, corpus.open(encoding="utf-8"))]
    backend = create_backend(settings.refine)
    limits = DocumentLimits.of(settings.refine)
    batch = settings.spark.arrow_max_records_per_batch
    statuses: dict[str, int] = {}
    start = time.perf_counter()
    for i in range(0, len(documents), batch):
        for outcome in refine_documents(documents[i:i + batch], backend, limits):
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
    return time.perf_counter() - start, statuses


class Sampler:
    """Calls ``sample()`` every ``interval_s`` on a background thread while the ``with`` block runs."""

    interval_s = 0.05

    def __enter__(self):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.sample()

    def sample(self) -> None:
        raise NotImplementedError


class PeakRss(Sampler):
    """Samples VmRSS of some processes every 50 ms; keeps the peak of each."""

    def __init__(self, pids: dict[str, int]):
        self.pids, self.peak = pids, {name: 0 for name in pids}

    def sample(self) -> None:
        for name, pid in self.pids.items():
            self.peak[name] = max(self.peak[name], _rss_mb(pid))


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


def child_spark(corpora: list[Path], overrides: list[str], warmup: Path, repeats: int, loop: bool) -> dict:
    """The refine command timed once on the last (big) corpus right after JVM start-up, then
    ``repeats`` rounds of (the plain loop, if ``loop``) and the command on each corpus; the
    stage timings and peak RSS of every run."""
    from lakerefine.jobs.cli import main

    def cli(*argv: str) -> None:
        code = main([*argv, *(arg for item in overrides for arg in ("--set", item))])
        if code:
            raise SystemExit(f"lakerefine {argv[0]} failed with {code}")

    def timed_refine(name: str, output: str, *extra: str) -> dict:
        with PeakRss({"python_driver_mb": os.getpid(), "jvm_mb": _jvm_pid()}) as rss:
            start = time.perf_counter()
            cli("refine", "--input", f"corpus_{name}", "--output", output, *extra)
            seconds = time.perf_counter() - start
        return {"seconds": seconds, **rss.peak, "stages_s": _run_timings(overrides, output)}

    cli("ingest", "--input", str(warmup), "--output", "warm_corpus")
    cli("refine", "--input", "warm_corpus", "--output", "warm_refined")   # JVM and Delta start-up
    for corpus in corpora:
        cli("ingest", "--input", str(corpus), "--output", f"corpus_{corpus.stem}")
    names = [corpus.stem for corpus in corpora]
    results = {"first": timed_refine(names[-1], "refined_first"), "loop": [], "without_site_shares": [],
               **{name: [] for name in names}}
    for k in range(repeats):
        if loop:
            seconds, results["statuses"] = time_loop(corpora[-1], overrides)
            results["loop"].append(seconds)
        for name in reversed(names):
            results[name].append(timed_refine(name, f"refined_{name}_{k}"))
        if loop and _has_site_shares(overrides):
            results["without_site_shares"].append(
                timed_refine(names[-1], f"refined_noshares_{k}", "--set", "refine.classifier.site_shares=false"))
    return results


def _has_site_shares(overrides: list[str]) -> bool:
    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.refine.run import uses_site_shares

    return uses_site_shares(load_settings("local", overrides).refine)


def _run_timings(overrides: list[str], output: str) -> dict:
    """The stage timings the newest refine run into ``output`` recorded in the runs table."""
    from pyspark.sql import functions as F

    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.lake.session import build_session
    from lakerefine.udfs.lake.tables import TableRef

    settings = load_settings("local", overrides)
    spark = build_session(settings.spark)
    runs = TableRef.resolve(settings.tables.runs, settings.tables).read(spark)
    output_path = TableRef.resolve(output, settings.tables).path
    return (runs.where((F.col("job") == "refine") & (F.col("output_table") == output_path))
            .orderBy(F.col("ended_at").desc()).select("timings_s").first()[0])


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
    parser.add_argument("--backend", default="classifier")
    parser.add_argument("--site-column", default="source",
                        help="the corpus column the classifier's site shares group by (the sample has no URLs)")
    parser.add_argument("--urls", action="store_true",
                        help="give every document a URL and group the site shares by its host (the job's default)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each kind (medians are reported)")
    parser.add_argument("--child", choices=["speed", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, action="append", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_as_child(args)

    big_mb = args.mb or (4.0 if args.quick else 20.0)
    sizes = {"small": big_mb / 4, "big": big_mb}
    site = "" if args.urls else args.site_column   # "": site_column stays null, the host of url is the site
    extra = ["--backend", args.backend, "--site-column", site, "--repeats", str(args.repeats)]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-refine-") as tmp:
        root = Path(tmp)
        _write_warmup(root / "warmup.jsonl")
        corpora = {name: write_corpus(root / f"{name}.jsonl", mb, args.urls) for name, mb in sizes.items()}
        files = [root / f"{name}.jsonl" for name in sizes]
        speed = run_child("speed", files, root / "speed", extra)
        memory = {name: run_child("memory", [path], root / f"memory_{name}", [*extra[:4], "--repeats", "1"])[name][0]
                  for name, path in zip(sizes, files, strict=True)}
    result = summarize(args.backend, corpora, speed, memory, [load_before, os.getloadavg()[0]])
    result["site"] = "url host" if args.urls else f"column {args.site_column}"
    _print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS}")
    return 0


def run_as_child(args: argparse.Namespace) -> int:
    master = f"local[{CORES}]" if args.child == "speed" else f"local-cluster[1,{CORES},2048]"
    overrides = [f"tables.base_path={args.work / 'lake'}", f"spark.warehouse_dir={args.work / 'wh'}",
                 f"spark.master={master}", f"refine.backend={args.backend}"]
    if args.site_column:
        overrides.append(f"refine.classifier.site_column={args.site_column}")
    result = child_spark(args.corpus, overrides, args.work.parent / "warmup.jsonl", args.repeats,
                         loop=args.child == "speed")
    print(json.dumps(result))
    return 0


def summarize(backend: str, corpora: dict, speed: dict, memory: dict, load: list[float]) -> dict:
    loop = speed["loop"]
    big = [run["seconds"] for run in speed["big"]]
    small = [run["seconds"] for run in speed["small"]]
    ratios = [job / plain for job, plain in zip(big, loop, strict=True)]
    loop_s, warm_big, warm_small = statistics.median(loop), statistics.median(big), statistics.median(small)
    first = speed["first"]["seconds"]
    mb = {name: c["chars"] / 1e6 for name, c in corpora.items()}
    marginal_s_per_mb = seconds_per_extra_mb(warm_big, warm_small, mb)
    rounded = lambda xs: [round(x, 2) for x in xs]  # noqa: E731
    return {
        "backend": backend, "cores": CORES, "corpora": corpora,
        "load_average": [round(x, 2) for x in load],
        "loop_s": round(loop_s, 2), "loop_runs_s": rounded(loop),
        "spark_s": round(warm_big, 2), "spark_runs_s": rounded(big),
        "spark_first_run_s": round(first, 2),
        "spark_small_s": round(warm_small, 2), "spark_small_runs_s": rounded(small),
        "loop_mb_per_s": round(mb["big"] / loop_s, 3),
        "spark_mb_per_s": round(mb["big"] / warm_big, 3),
        "spark_overhead": round(statistics.median(ratios) - 1, 3),
        "spark_overhead_by_round": [round(r - 1, 3) for r in ratios],
        "spark_first_run_overhead": round(first / loop_s - 1, 3),
        "spark_fixed_s": round(warm_big - marginal_s_per_mb * mb["big"], 2),
        "spark_marginal_overhead": round(marginal_s_per_mb * mb["big"] / loop_s - 1, 3),
        "loop_mb_per_s_per_core": round(mb["big"] / loop_s, 3),
        "spark_mb_per_s_per_core": round(mb["big"] / warm_big / CORES, 3),
        **_site_share_cost(speed, big, loop, mb),
        "spark_stages_s": _median_stages(speed["big"]), "spark_first_run_stages_s": speed["first"]["stages_s"],
        "loop_statuses": speed["statuses"],
        "memory_runs": {name: {"seconds": round(run["seconds"], 2),
                               "python_driver_mb": round(run["python_driver_mb"], 1),
                               "driver_jvm_mb": round(run["jvm_mb"], 1)} for name, run in memory.items()},
        "local_jvm_mb": {name: round(max(r["jvm_mb"] for r in speed[name]), 1) for name in corpora},
    }


def seconds_per_extra_mb(big_s: float, small_s: float, mb: dict[str, float]) -> float:
    """Seconds per MB between the two corpus sizes: a cost without its fixed part."""
    return (big_s - small_s) / (mb["big"] - mb["small"])


def _site_share_cost(speed: dict, with_shares: list[float], loop: list[float], mb: dict[str, float]) -> dict:
    """The site-share pass: its extra cost (job with / without shares - 1, median of the rounds),
    the job's overhead over the loop without it, the pass's own stage time at both sizes, and its
    seconds per extra MB between them (the pass without its fixed part) over the loop's seconds per MB."""
    without = [run["seconds"] for run in speed["without_site_shares"]]
    if not without:
        return {}
    stage = {name: statistics.median(r["stages_s"].get("site_shares", 0.0) for r in speed[name]) for name in mb}
    marginal_s_per_mb = seconds_per_extra_mb(stage["big"], stage["small"], mb)
    return {
        "site_shares_stage_small_s": round(stage["small"], 3),
        "site_shares_marginal_vs_loop": round(marginal_s_per_mb / (statistics.median(loop) / mb["big"]), 3),
        "spark_without_site_shares_s": round(statistics.median(without), 2),
        "site_shares_extra_cost": round(statistics.median(
            w / wo for w, wo in zip(with_shares, without, strict=True)) - 1, 3),
        "site_shares_stage_s": round(statistics.median(r["stages_s"].get("site_shares", 0.0) for r in speed["big"]), 3),
        "spark_overhead_without_site_shares": round(statistics.median(
            wo / plain for wo, plain in zip(without, loop, strict=True)) - 1, 3),
    }


def _median_stages(runs: list[dict]) -> dict:
    stages = runs[0]["stages_s"].keys()
    return {stage: round(statistics.median(r["stages_s"].get(stage, 0.0) for r in runs), 3) for stage in stages}


def _write_warmup(path: Path) -> None:
    rows = [json.loads(line) for line, _ in zip(gzip.open(SAMPLE, "rt", encoding="utf-8"), range(50), strict=False)]
    path.write_text("".join(json.dumps({**r, "id": f"warm-{r['id']}"}) + "\n" for r in rows))


def _print_table(r: dict) -> None:
    big = r["corpora"]["big"]
    print(f"refine job, backend={r['backend']}, {big['docs']:,} documents, {big['chars'] / 1e6:.1f} MB of text "
          f"(load average {r['load_average'][0]} -> {r['load_average'][1]})")
    print(f"  {'':<44} {'seconds':>9} {'MB/s':>8}")
    print(f"  {'plain Python loop, 1 core (median)':<44} {r['loop_s']:>9.2f} {r['loop_mb_per_s']:>8.3f}   "
          f"runs {r['loop_runs_s']}")
    warm = f"Spark job, local[{r['cores']}], warm JVM (median)"
    print(f"  {warm:<44} {r['spark_s']:>9.2f} {r['spark_mb_per_s']:>8.3f}   runs {r['spark_runs_s']}")
    first = f"Spark job, local[{r['cores']}], first run after start-up"
    print(f"  {first:<44} {r['spark_first_run_s']:>9.2f}")
    print(f"  Spark overhead vs the loop: {100 * r['spark_overhead']:+.1f}% warm (median of the rounds "
          f"{[f'{100 * x:+.0f}%' for x in r['spark_overhead_by_round']]}; target <= +25%), "
          f"{100 * r['spark_first_run_overhead']:+.1f}% on the first run")
    print(f"    = fixed cost {r['spark_fixed_s']:.1f} s per run (from the {r['spark_small_s']:.1f} s runs of the "
          f"small corpus) + per-MB cost {100 * r['spark_marginal_overhead']:+.1f}% vs the loop")
    if "site_shares_extra_cost" in r:
        site = r.get("site", "column source")
        print(f"  site-share pass ({site}): {100 * r['site_shares_extra_cost']:+.1f}% job time (median of the rounds; "
              f"stage {r['site_shares_stage_s']:.2f} s); the job without it: {r['spark_without_site_shares_s']:.2f} s, "
              f"{100 * r['spark_overhead_without_site_shares']:+.1f}% over the loop")
        print(f"    stage {r['site_shares_stage_small_s']:.2f} s on the small corpus: per extra MB the pass takes "
              f"{r['site_shares_marginal_vs_loop']:.2f}x the loop's time (wall, {r['cores']} cores vs 1)")
    print(f"  per core: loop {r['loop_mb_per_s_per_core']:.3f} MB/s, Spark job {r['spark_mb_per_s_per_core']:.3f} MB/s "
          f"(local[{r['cores']}]; target for the classifier >= 5 MB/s per core)")
    print(f"  Spark stages (s, warm): {r['spark_stages_s']}")
    print(f"  {'peak RSS while refining':<34} {'seconds':>9} {'python driver MB':>17} {'driver JVM MB':>14}")
    for name, run in r["memory_runs"].items():
        c = r["corpora"][name]
        label = f"{name}: {c['docs']:,} docs, {c['chars'] / 1e6:.1f} MB"
        print(f"  {label:<34} {run['seconds']:>9.2f} {run['python_driver_mb']:>17.1f} {run['driver_jvm_mb']:>14.1f}")
    print(f"  (local-cluster[1,{r['cores']},2048]: executors in their own JVM; on local[{r['cores']}] the one JVM, "
          f"driver and executors, peaked at {r['local_jvm_mb']} MB)")


if __name__ == "__main__":
    sys.exit(main())
