"""Time and file size of ``lakerefine report`` for a refine run over the whole built-in sample and over a run
four times its size (the sample corpus replicated with distinct ids).

    python bench/bench_report.py [--copies 4] [--repeats 3]

One process, one Spark session: ingest and refine (rules backend) both corpora, make one report to warm the
JVM, then ``--repeats`` rounds of: the report of the small run, the report of the big one (alternating, as this
machine is shared and its speed drifts). The report's size is bounded by its sample (a few documents per status
and source, plus the most and least edited), not by the run: the two sizes should be about equal.

Prints a table and writes bench/results/report.json.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "corpus.jsonl.gz"
RESULTS = REPO / "bench" / "results" / "report.json"


def replicate(path: Path, copies: int) -> int:
    """The sample corpus ``copies`` times, ids suffixed #k; the number of documents written."""
    rows = [json.loads(line) for line in gzip.open(SAMPLE, "rt", encoding="utf-8")]
    with path.open("w", encoding="utf-8") as out:
        for copy in range(copies):
            for row in rows:
                out.write(json.dumps({**row, "id": f"{row['id']}#{copy}"}, ensure_ascii=False) + "\n")
    return len(rows) * copies


def lakerefine(lake: Path, *argv: str) -> None:
    from lakerefine.jobs.cli import main

    code = main([*argv, "--quiet", "--set", f"tables.base_path={lake}", "--set", f"spark.warehouse_dir={lake}/_wh"])
    if code != 0:
        raise SystemExit(f"lakerefine {' '.join(argv)} exited {code}")


def timed_report(lake: Path, run_id: str, output: Path) -> dict:
    start = time.perf_counter()
    lakerefine(lake, "report", "--run-id", run_id, "--output", str(output))
    seconds = time.perf_counter() - start
    html = output.read_text(encoding="utf-8")
    return {"seconds": seconds, "bytes": output.stat().st_size, "documents_shown": html.count('class="doc"')}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_report_") as tmp:
        lake, runs = Path(tmp), {}
        for name, copies in (("sample", 1), (f"{args.copies}x", args.copies)):
            corpus = lake / f"{name}.jsonl"
            docs = replicate(corpus, copies)
            lakerefine(lake, "ingest", "--input", str(corpus), "--output", f"corpus_{name}")
            lakerefine(lake, "refine", "--input", f"corpus_{name}", "--output", f"refined_{name}",
                       "--run-id", f"bench-{name}")
            runs[name] = {"docs": docs, "run_id": f"bench-{name}", "rounds": []}
        first = timed_report(lake, "bench-sample", lake / "warmup.html")
        for _ in range(args.repeats):
            for name, run in runs.items():
                run["rounds"].append(timed_report(lake, run["run_id"], lake / f"{name}.html"))
    rows = []
    for name, run in runs.items():
        seconds = [r["seconds"] for r in run["rounds"]]
        last = run["rounds"][-1]
        rows.append({"run": name, "docs": run["docs"], "median_s": statistics.median(seconds), "min_s": min(seconds),
                     "mb": last["bytes"] / 1e6, "documents_shown": last["documents_shown"]})
    small, big = rows
    result = {"first_report_s": first["seconds"], "runs": rows, "size_ratio": big["mb"] / small["mb"],
              "time_ratio": big["median_s"] / small["median_s"], "repeats": args.repeats}
    print(f"first report (cold JVM code): {first['seconds']:.1f} s")
    print(f"{'run':<8} {'docs':>6} {'median s':>9} {'min s':>7} {'MB':>6} {'docs shown':>11}")
    for r in rows:
        print(f"{r['run']:<8} {r['docs']:>6} {r['median_s']:>9.1f} {r['min_s']:>7.1f} {r['mb']:>6.2f} "
              f"{r['documents_shown']:>11}")
    print(f"size {args.copies}x / sample: {result['size_ratio']:.3f}; time: {result['time_ratio']:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
