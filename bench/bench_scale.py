"""How the cost of ingest + refine grows with the corpus: 0.25, 1 and 4 GB of real text on local[2].

    python bench/bench_scale.py [--sizes-gb 0.25 1 4] [--backend classifier] [--overhead-gb 1] [--keep]
                                [--set refine.slice_docs=10000] [--tiny-docs 1000000] [--results PATH]

The corpus (written as JSONL shards of about 64 MB, then ingested) is made from real text:
the 606 documents of data/sample/corpus.jsonl.gz and the ``raw`` text of the 1,534 pages of
../shared/data/webpages/. Copy k of a base document gets the id ``<id>#k`` and its own text:
its lines are cut into blocks of 1-8 lines (the first block, where mail headers and titles
are, stays first), the other blocks are shuffled, and one copy in four also takes the
shuffled blocks of another base document of the same source (a mixed document). Every
copy is drawn from a random generator seeded by (k, document), so the corpus is the same on
every run and no two copies share their text.

Per size, each command runs as a user runs it (``lakerefine ingest`` then ``lakerefine
refine``, each its own process and JVM) with Spark's event log on, while a sampler reads the
resident memory of the process tree every 0.1 s (psutil): the driver's Python, the JVM
(driver and executors in one on local[N]) and the Python workers (peak of one, peak of all
together). From the event log: shuffle bytes written and read, memory and disk spill. From
the Delta logs (delta-rs): number and sizes of the files of corpus, refine_edits and refined.
``--overhead-gb`` also times the plain Python loop of bench_refine_job.py (one core) over the
corpus of that size: the job's overhead is its refine wall time over the loop's, minus one.

``--tiny-docs N`` measures N tiny documents (1-3 real lines each) instead of sizes: the cost
of many documents rather than many bytes. ``--set`` passes a setting to both commands (e.g.
``refine.slice_docs`` to measure many slices).

Prints a table and writes bench/results/scale.json (``--results``).
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from bench_refine_job import Sampler

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "corpus.jsonl.gz"
WEBPAGES = REPO.parent / "shared" / "data" / "webpages" / "webpages.jsonl.gz"
RESULTS = REPO / "bench" / "results" / "scale.json"
SHARD_BYTES = 64_000_000
MASTER = "local[2]"


# -- the corpus ------------------------------------------------------------------------------------

def base_documents() -> list[dict]:
    """The real texts copies are made from: (id, source, text)."""
    rows = [{"id": r["id"], "source": r.get("source"), "text": r["text"]}
            for r in map(json.loads, gzip.open(SAMPLE, "rt", encoding="utf-8"))]
    if WEBPAGES.exists():
        rows += [{"id": p["id"], "source": "web", "text": p["raw"]}
                 for p in map(json.loads, gzip.open(WEBPAGES, "rt", encoding="utf-8")) if p["raw"]]
    return rows


def blocks(text: str, rng: random.Random) -> list[list[str]]:
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        n = rng.randint(1, 8)
        out.append(lines[i:i + n])
        i += n
    return out


def varied_copy(doc: dict, k: int, index: int, by_source: dict[str, list[dict]]) -> dict:
    """Copy ``k`` of ``doc``: first block kept first, the others shuffled; one copy in four mixed
    with the shuffled blocks of another document of the same source."""
    rng = random.Random(k * 1_000_003 + index)
    parts = blocks(doc["text"], rng)
    head, rest = parts[:1], parts[1:]
    rng.shuffle(rest)
    if rng.random() < 0.25:
        other = rng.choice(by_source[doc["source"]])
        extra = blocks(other["text"], rng)
        rng.shuffle(extra)
        rest += extra
    text = "\n".join(line for block in head + rest for line in block)
    return {"id": f"{doc['id']}#{k}", "source": doc["source"], "text": text}


def write_corpus(folder: Path, gigabytes: float) -> dict:
    """JSONL shards under ``folder`` holding ``gigabytes`` of text (UTF-8 bytes of ``text``)."""
    folder.mkdir(parents=True)
    docs = base_documents()
    by_source: dict[str, list[dict]] = {}
    for doc in docs:
        by_source.setdefault(doc["source"], []).append(doc)
    target, text_bytes, count, shard, k = gigabytes * 1e9, 0, 0, None, 0
    shards = 0
    while text_bytes < target:
        for index, doc in enumerate(docs):
            if shard is None or shard.tell() > SHARD_BYTES:
                if shard:
                    shard.close()
                shard = (folder / f"part-{shards:05d}.jsonl").open("w", encoding="utf-8")
                shards += 1
            row = varied_copy(doc, k, index, by_source)
            shard.write(json.dumps(row, ensure_ascii=False) + "\n")
            text_bytes += len(row["text"].encode("utf-8"))
            count += 1
            if text_bytes >= target:
                break
        k += 1
    shard.close()
    return {"docs": count, "text_bytes": text_bytes, "shards": shards,
            "file_bytes": sum(p.stat().st_size for p in folder.iterdir())}


def write_tiny_corpus(folder: Path, count: int) -> dict:
    """``count`` tiny documents (1-3 lines of a real document each) as JSONL shards: the cost of
    many documents rather than many bytes."""
    folder.mkdir(parents=True)
    lines = [line for doc in base_documents() for line in doc["text"].split("\n") if line.strip()]
    rng, text_bytes, shard = random.Random(0), 0, None
    per_shard = 250_000
    for i in range(count):
        if i % per_shard == 0:
            if shard:
                shard.close()
            shard = (folder / f"part-{i // per_shard:05d}.jsonl").open("w", encoding="utf-8")
        text = "\n".join(rng.choice(lines) for _ in range(rng.randint(1, 3)))
        shard.write(json.dumps({"id": f"tiny#{i}", "source": "tiny", "text": text}, ensure_ascii=False) + "\n")
        text_bytes += len(text.encode("utf-8"))
    shard.close()
    return {"docs": count, "text_bytes": text_bytes, "shards": math.ceil(count / per_shard),
            "file_bytes": sum(p.stat().st_size for p in folder.iterdir())}


# -- measuring a command ---------------------------------------------------------------------------

class TreeRss(Sampler):
    """Peak resident memory of a process tree, sampled every 0.1 s: the root (driver Python),
    java (the JVM), other Pythons (Spark's Python workers and their daemon)."""

    interval_s = 0.1

    def __init__(self, root: int):
        self.root = psutil.Process(root)
        self.peak = {"driver_python_mb": 0.0, "jvm_mb": 0.0, "python_worker_mb": 0.0, "python_workers_total_mb": 0.0}

    def sample(self) -> None:
        try:
            self._sample()
        except psutil.Error:
            pass

    def _sample(self) -> None:
        workers = []
        self._keep("driver_python_mb", _rss_mb(self.root))
        for proc in self.root.children(recursive=True):
            rss = _rss_mb(proc)
            name = _name(proc)
            if name.startswith("java"):
                self._keep("jvm_mb", rss)
            elif name.startswith("python"):
                workers.append(rss)
        if workers:
            self._keep("python_worker_mb", max(workers))
            self._keep("python_workers_total_mb", sum(workers))

    def _keep(self, key: str, value: float) -> None:
        self.peak[key] = max(self.peak[key], round(value, 1))


def _rss_mb(proc: psutil.Process) -> float:
    try:
        return proc.memory_info().rss / 2**20
    except psutil.Error:
        return 0.0


def _name(proc: psutil.Process) -> str:
    try:
        return proc.name()
    except psutil.Error:
        return ""


def run_command(argv: list[str], config: Path, events: Path) -> dict:
    """One lakerefine command in its own process: wall seconds, peak memory, Spark metrics."""
    before = set(events.iterdir())
    start = time.perf_counter()
    proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "lakerefine"), *argv, "--config", str(config), "--quiet"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeRss(proc.pid) as rss:
        out, err = proc.communicate()
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.stderr.write(err[-4000:])
        raise SystemExit(f"lakerefine {argv[0]} failed with {proc.returncode}")
    logs = sorted(set(events.iterdir()) - before)
    return {"seconds": round(seconds, 2), **rss.peak, **spark_metrics(logs), "summary": out.strip().splitlines()[:1]}


def spark_metrics(logs: list[Path]) -> dict:
    """Shuffle and spill bytes summed over the finished tasks of Spark's event logs."""
    totals = {"shuffle_write_bytes": 0, "shuffle_read_bytes": 0, "memory_spill_bytes": 0, "disk_spill_bytes": 0,
              "tasks": 0, "input_bytes": 0}
    files = [f for log in logs for f in ([log] if log.is_file() else sorted(log.rglob("events_*")))]
    for log in files:
        for line in log.open(encoding="utf-8"):
            if '"SparkListenerTaskEnd"' not in line:
                continue
            metrics = json.loads(line).get("Task Metrics") or {}
            write, read = metrics.get("Shuffle Write Metrics", {}), metrics.get("Shuffle Read Metrics", {})
            totals["shuffle_write_bytes"] += write.get("Shuffle Bytes Written", 0)
            totals["shuffle_read_bytes"] += read.get("Remote Bytes Read", 0) + read.get("Local Bytes Read", 0)
            totals["memory_spill_bytes"] += metrics.get("Memory Bytes Spilled", 0)
            totals["disk_spill_bytes"] += metrics.get("Disk Bytes Spilled", 0)
            totals["input_bytes"] += metrics.get("Input Metrics", {}).get("Bytes Read", 0)
            totals["tasks"] += 1
    return totals


def delta_files(path: Path) -> dict:
    """The files of a Delta table's current version: count, total, median and smallest/largest MB."""
    from deltalake import DeltaTable

    sizes = [os.path.getsize(uri) for uri in DeltaTable(str(path)).file_uris()]
    mb = [s / 1e6 for s in sizes]
    return {"files": len(mb), "total_mb": round(sum(mb), 1), "median_mb": round(statistics.median(mb), 2),
            "min_mb": round(min(mb), 2), "max_mb": round(max(mb), 2)}


def write_config(work: Path, backend: str) -> tuple[Path, Path]:
    """The local config with tables under ``work`` and the event log on."""
    import yaml

    data = yaml.safe_load((REPO / "conf" / "local.yaml").read_text(encoding="utf-8"))
    events = work / "events"
    events.mkdir(parents=True)
    data["spark"]["master"] = MASTER
    data["spark"]["warehouse_dir"] = str(work / "warehouse")
    data["spark"]["conf"].update({"spark.eventLog.enabled": "true", "spark.eventLog.dir": events.as_uri(),
                                  "spark.eventLog.compress": "false"})
    data["tables"]["base_path"] = str(work / "lake")
    data["refine"]["backend"] = backend
    config = work / "bench.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    return config, events


def measure_size(work: Path, gigabytes: float, backend: str, overrides: list[str], tiny_docs: int = 0) -> dict:
    corpus_dir = work / "input"
    clock = time.perf_counter()
    corpus = write_tiny_corpus(corpus_dir, tiny_docs) if tiny_docs else write_corpus(corpus_dir, gigabytes)
    corpus["write_s"] = round(time.perf_counter() - clock, 1)
    config, events = write_config(work, backend)
    settings = [arg for override in overrides for arg in ("--set", override)]
    ingest = run_command(["ingest", "--input", str(corpus_dir), "--output", "corpus", *settings], config, events)
    refine = run_command(["refine", "--input", "corpus", "--output", "refined", *settings], config, events)
    tables = {name: delta_files(work / "lake" / name) for name in ("corpus", "refine_edits", "refined")}
    return {"gigabytes": gigabytes, "corpus": corpus, "ingest": ingest, "refine": refine, "tables": tables}


def plain_loop(corpus_dir: Path, backend: str) -> dict:
    """bench_refine_job.py's plain loop (one core, no Spark) over every shard of ``corpus_dir``."""
    sys.path.insert(0, str(REPO / "bench"))
    from bench_refine_job import time_loop

    seconds, statuses = 0.0, {}
    for shard in sorted(corpus_dir.iterdir()):
        s, st = time_loop(shard, [f"refine.backend={backend}"])
        seconds += s
        for key, n in st.items():
            statuses[key] = statuses.get(key, 0) + n
    return {"seconds": round(seconds, 2), "statuses": statuses}


# -- driver ----------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-gb", type=float, nargs="+", default=[0.25, 1.0, 4.0])
    parser.add_argument("--backend", default="classifier", help="refine.backend (default: classifier, the default)")
    parser.add_argument("--overhead-gb", type=float, default=1.0,
                        help="also time the plain loop at this size (one of --sizes-gb; 0: skip)")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep each size's tables and corpus")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting for both commands, as lakerefine's --set (repeatable)")
    parser.add_argument("--tiny-docs", type=int, default=0,
                        help="instead of --sizes-gb: a corpus of this many tiny documents (1-3 lines each)")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"where the JSON goes (default: {RESULTS})")
    args = parser.parse_args()
    root = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    runs, load = [], [os.getloadavg()[0]]
    for gigabytes in [0] if args.tiny_docs else sorted(args.sizes_gb):
        work = root / f"{gigabytes:g}gb"
        free_gb, need_gb = shutil.disk_usage(root).free / 1e9, 3.5 * gigabytes + 2
        if free_gb < need_gb:
            raise SystemExit(f"{free_gb:.0f} GB free under {root}: {gigabytes} GB needs about {need_gb:.0f}")
        run = measure_size(work, gigabytes, args.backend, args.overrides, args.tiny_docs)
        if args.overhead_gb and gigabytes == args.overhead_gb:
            run["loop"] = plain_loop(work / "input", args.backend)
            run["overhead_vs_loop"] = round(run["refine"]["seconds"] / run["loop"]["seconds"] - 1, 3)
        runs.append(run)
        print(json.dumps(run), flush=True)
        if not args.keep:
            shutil.rmtree(work)
    load.append(os.getloadavg()[0])
    result = {"backend": args.backend, "overrides": args.overrides, "master": MASTER, "cpus": os.cpu_count(),
              "load_average": load, "runs": runs, "ratios": ratios(runs)}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2))
    print_table(result)
    print(f"wrote {args.results}")
    if not args.keep and args.work is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


def ratios(runs: list[dict]) -> dict:
    """Seconds per GB of text of each command, relative to the smallest size (flat = linear cost)."""
    def per_gb(run: dict, command: str) -> float:
        return run[command]["seconds"] / (run["corpus"]["text_bytes"] / 1e9)

    out = {}
    for command in ("ingest", "refine"):
        first = per_gb(runs[0], command)
        out[command] = [round(per_gb(run, command) / first, 3) for run in runs]
    return out


def print_table(r: dict) -> None:
    print(f"scale bench, backend={r['backend']}, {r['master']}, {r['cpus']} CPUs "
          f"(load average {r['load_average'][0]:.1f} -> {r['load_average'][1]:.1f})")
    head = (f"  {'MB':>7} {'docs':>10} {'cmd':<7} {'s':>8} {'MB/s':>6} {'s/GB':>7} {'ratio':>6} {'drvPy MB':>9} "
            f"{'JVM MB':>7} {'worker MB':>9} {'shufW MB':>9} {'spill MB':>8} {'files':>6} {'med MB':>7}")
    print(head)
    table_of = {"ingest": "corpus", "refine": "refined"}
    for i, run in enumerate(r["runs"]):
        gb = run["corpus"]["text_bytes"] / 1e9
        for command in ("ingest", "refine"):
            c, t = run[command], run["tables"][table_of[command]]
            spill_mb = (c["memory_spill_bytes"] + c["disk_spill_bytes"]) / 1e6
            print(f"  {gb * 1000:>7.1f} {run['corpus']['docs']:>10,} {command:<7} {c['seconds']:>8.1f} "
                  f"{gb * 1000 / c['seconds']:>6.2f} {c['seconds'] / gb:>7.0f} {r['ratios'][command][i]:>6.2f} "
                  f"{c['driver_python_mb']:>9.0f} {c['jvm_mb']:>7.0f} {c['python_worker_mb']:>9.0f} "
                  f"{c['shuffle_write_bytes'] / 1e6:>9.1f} {spill_mb:>8.1f} "
                  f"{t['files']:>6} {t['median_mb']:>7.2f}")
        edits = run["tables"]["refine_edits"]
        print(f"        refine_edits: {edits['files']} files, median {edits['median_mb']} MB")
        if "loop" in run:
            print(f"        plain loop (1 core): {run['loop']['seconds']:.1f} s; refine job overhead "
                  f"{100 * run['overhead_vs_loop']:+.1f}% (target <= +25%)")


if __name__ == "__main__":
    sys.exit(main())
