"""The driver killed at random moments, the run resumed with its run id: the final tables must
equal an uninterrupted run's, row for row.

    python bench/fault_loop.py [--trials 20] [--seed 0] [--jobs ingest,refine,token-clean,expert] [--set KEY=VALUE]

Each job runs as the real ``lakerefine`` command in a subprocess (its own process group: the
driver's Python, its JVM and Python workers). First one uninterrupted run per job (its wall
time bounds the kill delays); then ``--trials`` trials, round-robin over the jobs: start the
job with a fresh run id and its own output table, SIGKILL the whole group after a random
delay in [0.2, 0.8] x the uninterrupted wall time, then run the same command with the same
``--run-id`` until it succeeds. A trial whose run finished before its kill needs no resume.
Each ``--set KEY=VALUE`` is passed to every job run (uninterrupted, killed and resumed alike).

After each trial the bench's own Spark session (``local[1]``) compares its tables with the
uninterrupted run's:
ingest (corpus, quarantine rows), refine (refined, refine_edits rows), token-clean
(token_masks), expert (expert_pairs, hf SmolLM2 greedy, batch size 1), leaving out the
columns that name the run or the moment (run ids, timestamps, latencies). ``differences``
counts rows in one and not the other (both ways, with multiplicity); ``duplicates`` counts
rows beyond the first per key (doc_id, sample_id) in one run.

Prints a line per trial, a table and the totals; bench/results/fault_loop.json (``--results``)
is rewritten after every trial. Exits 1 if any difference or duplicate was found.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "fault_loop.json"
SMOLLM2 = REPO / "models" / "smollm2-135m-instruct"
JOBS = ("ingest", "refine", "token-clean", "expert")
# Per job: the compared tables as (option giving its name, default base name, key, run column).
TABLES = {
    "ingest": [("output", "corpus", "doc_id", None), (None, "corpus_quarantine", None, "run_id")],
    "refine": [("output", "refined", "doc_id", None), (None, "refine_edits", "doc_id", "run_id")],
    "token-clean": [("output", "token_masks", "sample_id", None)],
    "expert": [("output", "expert_pairs", "doc_id", None)],
}
VOLATILE = {"run_id", "ingest_run_id", "refine_run_id", "latency_s", "quarantined_at", "refined_at", "created_at"}
MAX_RESUMES = 5


@dataclass
class Trial:
    job: str
    run_id: str
    kill_after_s: float
    killed: bool = False
    resumes: int = 0
    seconds: float = 0.0
    differences: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)


def job_argv(job: str, lake: Path, inputs: dict[str, Path | str], suffix: str, sets: list[str]) -> list[str]:
    """The command line of ``job`` writing its own output table ``<name>_<suffix>``, with ``sets`` (KEY=VALUE)."""
    out = {name: f"{name}_{suffix}" for job_tables in TABLES.values() for opt, name, _, _ in job_tables if opt}
    common = common_args(lake, sets)
    if job == "ingest":
        return ["ingest", "--input", str(inputs["corpus"]), "--output", out["corpus"], *common]
    if job == "refine":
        return ["refine", "--input", inputs["corpus_table"], "--output", out["refined"],
                "--set", "refine.slice_docs=60", *common]
    if job == "token-clean":
        return ["token-clean", "--input", "sft", "--output", out["token_masks"], "--base", str(SMOLLM2),
                "--ref", str(inputs["ref_model"]), "--keep", "0.6", "--set", "token_clean.scoring.device=cpu",
                "--set", "token_clean.scoring.dtype=float32", "--set", "token_clean.scoring.max_length=96",
                "--set", f"token_clean.self_evolving.run_root={lake / '_runs'}", *common]
    return ["expert", "--input", inputs["corpus_table"], "--output", out["expert_pairs"], "--set", "expert.backend=hf",
            "--set", f"expert.hf.model_path={SMOLLM2}", "--set", "expert.hf.max_new_tokens=16",
            "--set", "expert.hf.temperature=0", "--set", "expert.hf.device=cpu", "--set", "expert.hf.batch_size=1",
            "--set", "expert.sample_size=4", "--set", "expert.slice_docs=1", "--set", "expert.tasks_per_slice=1",
            "--set", "expert.max_doc_chars=600", *common]


def common_args(lake: Path, sets: list[str]) -> list[str]:
    """What every run gets: quiet output, the lake, then ``sets`` (KEY=VALUE), last so that they win."""
    items = [f"tables.base_path={lake}", f"spark.warehouse_dir={lake / '_warehouse'}", *sets]
    return ["--quiet", *(arg for item in items for arg in ("--set", item))]


def start(argv: list[str], run_id: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lakerefine.jobs.cli", *argv, "--run-id", run_id],
                            cwd=REPO, stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)


def run_to_end(argv: list[str], run_id: str, log: Path) -> None:
    if start(argv, run_id, log).wait() != 0:
        raise RuntimeError(f"{run_id} failed; see {log}")


def killed_then_resumed(trial: Trial, argv: list[str], log: Path) -> None:
    """Start the run, SIGKILL its process group after ``kill_after_s`` (if still running), resume."""
    began = time.perf_counter()
    process = start(argv, trial.run_id, log)
    try:
        process.wait(timeout=trial.kill_after_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        trial.killed = True
    if not trial.killed and process.returncode != 0:
        raise RuntimeError(f"{trial.run_id} failed without being killed; see {log}")
    unfinished = trial.killed
    while unfinished:
        trial.resumes += 1
        if trial.resumes > MAX_RESUMES:
            raise RuntimeError(f"{trial.run_id} did not finish in {MAX_RESUMES} resumes; see {log}")
        unfinished = start(argv, trial.run_id, log).wait() != 0
    trial.seconds = round(time.perf_counter() - began, 1)


def prepare(lake: Path, work: Path, jobs: list[str], sets: list[str]) -> dict[str, Path | str]:
    """The inputs the jobs read: a JSONL corpus (sample documents + a few bad lines), and where a job reads
    them, the corpus table (refine, expert), the sft table and a tiny reference model (token-clean). When
    ingest is among the jobs, its uninterrupted run (run first) writes the corpus table."""
    from tests.support.corpus import sample_docs

    corpus = work / "corpus.jsonl"
    lines = [json.dumps({"id": doc_id, "text": text, "source": source}) for doc_id, text, source in sample_docs(150)]
    corpus.write_text("\n".join(lines + ['{"id": "bad", "text": null}', "not json", lines[0]]) + "\n")
    common = common_args(lake, sets)
    log = work / "prepare.log"
    inputs = {"corpus": corpus, "corpus_table": "corpus_base_ingest" if "ingest" in jobs else "corpus"}
    if {"refine", "expert"} & set(jobs) and "ingest" not in jobs:
        run_to_end(["ingest", "--input", str(corpus), "--output", "corpus", *common], "prepare-corpus", log)
    if "token-clean" in jobs:
        from tests.support.models import build_tiny_llama
        from tests.support.tokenclean import short_samples

        sft = work / "sft.jsonl"
        sft.write_text("".join(json.dumps(s) + "\n" for s in short_samples(8)))
        run_to_end(["ingest-sft", "--input", str(sft), "--output", "sft", *common], "prepare-sft", log)
        inputs["ref_model"] = build_tiny_llama(work / "tiny-llama-seed0", SMOLLM2, seed=0)
    return inputs


def compare(spark, lake: Path, trial: Trial, baseline: str) -> None:
    """Fill the trial's differences and duplicates (per table) against its job's uninterrupted run."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import MapType

    def rows(run_id: str, option: str | None, name: str, run_column: str | None):
        df = spark.read.format("delta").load(str(lake / (f"{name}_{run_id}" if option else name)))
        return df.where(F.col(run_column) == run_id) if run_column else df

    def stable(df):   # map columns as JSON: set operations cannot compare maps
        return df.select(*(F.to_json(f.name).alias(f.name) if isinstance(f.dataType, MapType) else F.col(f.name)
                           for f in df.schema.fields if f.name not in VOLATILE))

    for option, name, key, run_column in TABLES[trial.job]:
        got, want = rows(trial.run_id, option, name, run_column), rows(baseline, option, name, run_column)
        got_s, want_s = stable(got), stable(want)
        trial.differences[name] = got_s.exceptAll(want_s).count() + want_s.exceptAll(got_s).count()
        trial.duplicates[name] = (got.count() - got.select(key).distinct().count() if key
                                  else got_s.count() - got_s.distinct().count())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", default=",".join(JOBS))
    parser.add_argument("--workdir", type=Path, default=None, help="keep the lake and logs here")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="KEY=VALUE",
                        help="a setting for every job run (repeatable)")
    args = parser.parse_args()
    jobs = args.jobs.split(",")
    if set(jobs) - set(JOBS):
        parser.error(f"unknown jobs {sorted(set(jobs) - set(JOBS))}; known: {', '.join(JOBS)}")
    sys.path.insert(0, str(REPO))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="fault_loop_"))
    work.mkdir(parents=True, exist_ok=True)
    lake = work / "lake"
    log = work / "jobs.log"
    rng = random.Random(args.seed)

    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.lake.session import build_session

    began = time.perf_counter()
    spark = build_session(load_settings("local", [f"spark.warehouse_dir={lake / '_warehouse'}",
                                                  "spark.master=local[1]"]).spark)
    inputs = prepare(lake, work, jobs, args.sets)
    baselines, walls = {}, {}
    for job in sorted(jobs, key=JOBS.index):   # ingest first: its output is the others' corpus table
        run_id = f"base_{job.replace('-', '_')}"
        clock = time.perf_counter()
        run_to_end(job_argv(job, lake, inputs, run_id, args.sets), run_id, log)
        baselines[job], walls[job] = run_id, round(time.perf_counter() - clock, 1)
        print(f"  {run_id}: {walls[job]}s uninterrupted", flush=True)
    trials: list[Trial] = []
    totals = write_results(trials, walls, time.perf_counter() - began, args)
    for i in range(args.trials):
        job = jobs[i % len(jobs)]
        run_id = f"t{i:02d}_{job.replace('-', '_')}"
        trial = Trial(job, run_id, round(rng.uniform(0.2, 0.8) * walls[job], 1))
        killed_then_resumed(trial, job_argv(job, lake, inputs, run_id, args.sets), log)
        compare(spark, lake, trial, baselines[job])
        trials.append(trial)
        print(f"  {run_id}: kill after {trial.kill_after_s}s, killed={trial.killed}, resumes={trial.resumes}, "
              f"differences={trial.differences}, duplicates={trial.duplicates}", flush=True)
        totals = write_results(trials, walls, time.perf_counter() - began, args)
    spark.stop()
    report(trials, totals)


def write_results(trials: list[Trial], walls: dict[str, float], seconds: float, args) -> dict[str, int]:
    """The totals so far, written (with every trial) after each trial."""
    totals = {"trials": len(trials), "killed": sum(t.killed for t in trials),
              "resumes": sum(t.resumes for t in trials),
              "differences": sum(sum(t.differences.values()) for t in trials),
              "duplicates": sum(sum(t.duplicates.values()) for t in trials)}
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps({"totals": totals, "seed": args.seed, "sets": args.sets,
                                        "uninterrupted_wall_s": walls, "total_s": round(seconds, 1),
                                        "trials": [asdict(t) for t in trials]}, indent=2))
    return totals


def report(trials: list[Trial], totals: dict[str, int]) -> None:
    print(f"\n{'trial':<18} {'kill at s':>9} {'killed':>6} {'resumes':>7} {'differences':>11} {'duplicates':>10}")
    for t in trials:
        print(f"{t.run_id:<18} {t.kill_after_s:>9} {str(t.killed):>6} {t.resumes:>7} "
              f"{sum(t.differences.values()):>11} {sum(t.duplicates.values()):>10}")
    print("\n" + ", ".join(f"{k}: {v}" for k, v in totals.items()))
    if totals["differences"] or totals["duplicates"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
