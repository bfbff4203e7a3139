"""Scored tokens/s of the token-clean job on local Spark, with this tree's scorer and with the scorer it
replaced, vs the reference code's plain loop; and the driver's peak memory at two table sizes.

    python bench/bench_token_clean_job.py [--quick] [--limit 180] [--rounds 2] [--no-memory]

Same samples (data/sample/sft.jsonl, chat template), same models (SmolLM2-135M as
base, the tiny Llama as reference), each run in its own process, side by side in
alternated rounds (the order rotated each round; ratios are medians over rounds):

- loop: the reference code's way: one process (torch's default threads), batches
  of 8 in input order, every sample padded to the longest sample of the pool
  (the reference code pads to max_length 2048, which would be slower still),
  losses against shifted labels; models loaded before the clock starts;
- spark: ingest the samples, warm the JVM and the Python workers (their models
  load once per worker) with a token-clean of 8 other samples, then time the
  real ``lakerefine token-clean`` command end to end (score, exact global
  selection, masks, commit, metrics, runs row) on ``local[2]``;
- spark, old: the same with the package as it was at ``--old-ref`` (git archive
  of conf, jobs, schemas, udfs put first on PYTHONPATH, for the driver and the
  Python workers alike; the child records which scoring module each imported);
- memory: ``local-cluster[1,2,2048]`` (executors in their own JVM) with the tiny
  Llama as both models (seeds 0 and 1), the samples replicated to two table
  sizes, sampling the resident memory of the driver's Python process and JVM.

Scores of the loop and the jobs must agree (max abs difference printed), and the
jobs' masks (labels kept) must equal a global top-60% selection made from the
loop's scores (samples whose mask differs: must be 0). Prints a table and writes
bench/results/token_clean_job.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_refine_job import PeakRss, _jvm_pid, _pyspark_home  # noqa: E402  (the same probes)

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample" / "sft.jsonl"
RESULTS = REPO / "bench" / "results" / "token_clean_job.json"
CORES = 2
LOOP_BATCH = 8
KEEP = 0.6
OLD_REF = "69121fc"   # the last commit before least-cost batching and the response-only head
RUNS = ("loop", "spark", "spark_old")


def write_samples(path: Path, limit: int, copies: int = 1, skip: int = 0, source: Path = SAMPLE) -> int:
    """``limit`` samples spread over the sample file (it is grouped by topic), replicated ``copies`` times."""
    rows = [json.loads(line) for line in source.read_text().splitlines() if line.strip()][skip:]
    step = len(rows) / min(limit, len(rows))
    rows = [rows[int(i * step)] for i in range(min(limit, len(rows)))]
    with path.open("w") as out:
        for copy in range(copies):
            for row in rows:
                out.write(json.dumps({**row, "id": f"{row['id']}#{copy}"}) + "\n")
    return len(rows) * copies


# -- children -----------------------------------------------------------------------------------

def child_loop(samples: Path, work: Path, base: str, ref: str) -> dict:
    import torch
    import torch.nn.functional as F

    from lakerefine.schemas.vocab import IGNORE_INDEX
    from lakerefine.udfs.generate.assets import load_causal_lm, load_tokenizer
    from lakerefine.udfs.tokenclean.formatting import format_sample, padding_token_id

    tokenizer = load_tokenizer(base)
    models = [load_causal_lm(base), load_causal_lm(ref)]
    rows = [json.loads(line) for line in samples.open()]
    tokenized = [format_sample(row, tokenizer, "chat_template", 2048) for row in rows]
    pad, width = padding_token_id(tokenizer), max(len(s.input_ids) for s in tokenized)
    start = time.perf_counter()
    scores = {}
    for first in range(0, len(rows), LOOP_BATCH):
        batch = tokenized[first:first + LOOP_BATCH]
        input_ids = torch.full((len(batch), width), pad)
        labels = torch.full((len(batch), width), IGNORE_INDEX)
        attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, sample in enumerate(batch):
            n = len(sample.input_ids)
            input_ids[i, :n], labels[i, :n], attention_mask[i, :n] = (
                torch.tensor(sample.input_ids), torch.tensor(sample.labels), 1)
        losses = []
        with torch.inference_mode():
            for model in models:
                logits = model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits
                losses.append(F.cross_entropy(logits[:, :-1].float().transpose(1, 2), labels[:, 1:], reduction="none"))
        for i, (row, sample) in enumerate(zip(rows[first:first + LOOP_BATCH], batch, strict=True)):
            n = len(sample.input_ids)
            score = np.full(n, np.nan, np.float32)
            score[1:] = (losses[0][i, : n - 1] - losses[1][i, : n - 1]).numpy()
            score[np.array(sample.labels) == IGNORE_INDEX] = np.nan
            scores[row["id"]] = score.tolist()
    seconds = time.perf_counter() - start
    (work / "loop_scores.json").write_text(json.dumps(scores))
    return {"seconds": seconds, "padded_tokens": width * len(rows), "torch_threads": torch.get_num_threads()}


def child_spark(samples: Path, warmup: Path, work: Path, overrides: list[str], base: str, ref: str) -> dict:
    from lakerefine.jobs.cli import main

    def cli(*argv: str) -> None:
        code = main([*argv, *(arg for item in overrides for arg in ("--set", item))])
        if code:
            raise SystemExit(f"lakerefine {argv[0]} failed with {code}")

    clean = ["token-clean", "--base", base, "--ref", ref]
    cli("ingest-sft", "--input", str(warmup), "--output", "warm_sft")
    cli(*clean, "--input", "warm_sft", "--output", "warm_masks")       # JVM, Delta, workers' models
    cli("ingest-sft", "--input", str(samples), "--output", "sft")
    with PeakRss({"python_driver_mb": os.getpid(), "jvm_mb": _jvm_pid()}) as rss:
        start = time.perf_counter()
        cli(*clean, "--input", "sft", "--output", "token_masks", "--run-id", "bench")
        seconds = time.perf_counter() - start
    spark, table, runs = _tables(overrides)
    masks = table.read(spark).select("sample_id", "scores", "scored_tokens", "labels").toPandas()
    scores = {sid: [np.nan if v is None or v != v else float(v) for v in s]
              for sid, s in zip(masks.sample_id, masks.scores, strict=True)}
    kept = {sid: [int(label) != -100 for label in labels] for sid, labels in zip(masks.sample_id, masks.labels,
                                                                                 strict=True)}
    (work / "job_scores.json").write_text(json.dumps(scores))
    (work / "job_kept.json").write_text(json.dumps(kept))
    run = runs.read(spark).where("run_id = 'bench'").select("timings_s").first()
    return {"seconds": seconds, **rss.peak, "stages_s": dict(run.timings_s),
            "scored_tokens": int(masks.scored_tokens.sum()), "scoring_modules": _scoring_modules(spark)}


def _scoring_modules(spark) -> list[str]:
    """Where the driver and a Python worker import the scorer from (the old tree or this one)."""
    def where(_):
        import lakerefine.udfs.tokenclean.scoring as worker_scoring
        return worker_scoring.__file__

    import lakerefine.udfs.tokenclean.scoring as scoring
    return [scoring.__file__, *spark.sparkContext.parallelize([0], 1).map(where).collect()]


def _tables(overrides: list[str]):
    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.lake.session import build_session
    from lakerefine.udfs.lake.tables import TableRef

    settings = load_settings("local", overrides)
    spark = build_session(settings.spark)
    return (spark, TableRef.resolve("token_masks", settings.tables),
            TableRef.resolve(settings.tables.runs, settings.tables))


def old_tree(ref: str, root: Path) -> Path:
    """The package as it was at ``ref``, laid out as ``lakerefine/`` under ``root`` (for PYTHONPATH)."""
    package = root / "lakerefine"
    package.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref, "conf", "jobs", "schemas", "udfs"], cwd=REPO,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(package)], input=archive, check=True)
    return root


def run_child(kind: str, samples: Path, work: Path, extra: list[str], pythonpath: Path | None = None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", kind, "--samples", str(samples), "--work", str(work), *extra]
    env = {**os.environ, "SPARK_HOME": os.environ.get("SPARK_HOME") or _pyspark_home()}
    if pythonpath is not None:   # the old package first; models stay in this tree's folder
        from lakerefine.udfs.generate.assets import default_models_dir
        env.update(PYTHONPATH=f"{pythonpath}{os.pathsep}{env.get('PYTHONPATH', '')}".rstrip(os.pathsep),
                   LAKEREFINE_MODELS_DIR=str(default_models_dir()))
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"{kind} child failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- driver ----------------------------------------------------------------------------------------

def compare(loop_file: Path, job_dir: Path) -> dict:
    """The job's scores against the loop's, and its masks against a global selection from the loop's scores."""
    from lakerefine.udfs.tokenclean.selection import global_threshold, kept_by_threshold

    loop, job = json.loads(loop_file.read_text()), json.loads((job_dir / "job_scores.json").read_text())
    kept = json.loads((job_dir / "job_kept.json").read_text())
    assert sorted(loop) == sorted(job), "the loop and the job scored different samples"
    loop_scores = {sid: np.array(values, np.float64) for sid, values in loop.items()}
    threshold = global_threshold(np.concatenate(list(loop_scores.values())), KEEP)
    diffs, same_pattern, masks_differing = [], True, 0
    for sample_id, a in loop_scores.items():
        b = np.array(job[sample_id], np.float64)
        same_pattern &= bool(np.array_equal(np.isnan(a), np.isnan(b)))
        masks_differing += not np.array_equal(kept_by_threshold(a, threshold), np.array(kept[sample_id]))
        if (~np.isnan(a)).any():
            diffs.append(float(np.nanmax(np.abs(a - b))))
    return {"max_abs_diff": max(diffs), "same_scored_positions": same_pattern, "masks_differing": masks_differing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="48 samples (memory: 48 and 192) instead of 180")
    parser.add_argument("--limit", type=int, default=None, help="samples for the throughput runs")
    parser.add_argument("--sft", type=Path, default=SAMPLE,
                        help="SFT samples (JSONL; e.g. 315 from scripts/build_samples.py --sft-only --sft-per-file 15)")
    parser.add_argument("--rounds", type=int, default=2, help="alternated rounds of the three runs")
    parser.add_argument("--no-memory", action="store_true", help="skip the driver-memory runs")
    parser.add_argument("--old-ref", default=OLD_REF, help="the commit whose package is 'spark, old'")
    parser.add_argument("--child", choices=["loop", "spark", "memory"], help=argparse.SUPPRESS)
    parser.add_argument("--samples", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/support: the test models
    from lakerefine.udfs.generate.assets import default_models_dir
    from tests.support.models import prepare_test_models

    paths = {name: str(path) for name, path in prepare_test_models(default_models_dir()).items()}
    smollm2, tiny0, tiny1 = paths["smollm2"], paths["tiny0"], paths["tiny1"]
    if args.child:
        master = f"local[{CORES}]" if args.child != "memory" else f"local-cluster[1,{CORES},2048]"
        overrides = [f"tables.base_path={args.work / 'lake'}", f"spark.warehouse_dir={args.work / 'wh'}",
                     f"spark.master={master}"]
        warmup = args.work.parent / "warmup.jsonl"
        if args.child == "loop":
            result = child_loop(args.samples, args.work, smollm2, tiny0)
        elif args.child == "spark":
            result = child_spark(args.samples, warmup, args.work, overrides, smollm2, tiny0)
        else:
            result = child_spark(args.samples, warmup, args.work, overrides, tiny0, tiny1)
        print(json.dumps(result))
        return 0

    limit = args.limit or (48 if args.quick else 180)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-token-clean-") as tmp:
        root = Path(tmp)
        write_samples(root / "warmup.jsonl", 8, skip=1, source=args.sft)
        n = write_samples(root / "samples.jsonl", limit, source=args.sft)
        old = old_tree(args.old_ref, root / "old")
        rounds = {name: [] for name in RUNS}
        for r in range(args.rounds):
            for name in RUNS[r % len(RUNS):] + RUNS[:r % len(RUNS)]:
                kind = "spark" if name == "spark_old" else name
                rounds[name].append(run_child(kind, root / "samples.jsonl", root / f"{name}-{r}", [],
                                              pythonpath=old if name == "spark_old" else None))
        last = args.rounds - 1
        agreement = {name: compare(root / f"loop-{last}" / "loop_scores.json", root / f"{name}-{last}")
                     for name in ("spark", "spark_old")}
        memory = {}
        if not args.no_memory:
            sizes = {"small": write_samples(root / "small.jsonl", limit, source=args.sft),
                     "big": write_samples(root / "big.jsonl", limit, 4, source=args.sft)}
            memory = {name: {"samples": sizes[name], **run_child("memory", root / f"{name}.jsonl",
                                                                 root / f"memory_{name}", [])} for name in sizes}
    scored = rounds["spark"][-1]["scored_tokens"]
    seconds = {name: [run["seconds"] for run in runs] for name, runs in rounds.items()}
    result = {
        "samples": n, "scored_tokens": scored, "loop_padded_tokens": rounds["loop"][-1]["padded_tokens"],
        "models": {"base": smollm2, "ref": tiny0}, "cores": CORES, "old_ref": args.old_ref, "rounds": args.rounds,
        "loop_torch_threads": rounds["loop"][-1]["torch_threads"],
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "seconds": {name: [round(x, 2) for x in values] for name, values in seconds.items()},
        "scored_tokens_per_s": {name: round(scored / statistics.median(values), 1) for name, values in seconds.items()},
        "tokens_per_s_ratios": {f"{a} / {b}": round(statistics.median(
            sb / sa for sa, sb in zip(seconds[a], seconds[b], strict=True)), 2)
            for a, b in (("spark", "loop"), ("spark", "spark_old"), ("spark_old", "loop"))},
        "job_stages_s": {name: rounds[name][-1]["stages_s"] for name in ("spark", "spark_old")},
        "scoring_modules": {name: rounds[name][-1]["scoring_modules"] for name in ("spark", "spark_old")},
        "agreement_with_loop": agreement,
        "memory_runs": {name: {"samples": run["samples"], "seconds": round(run["seconds"], 2),
                               "python_driver_mb": round(run["python_driver_mb"], 1),
                               "driver_jvm_mb": round(run["jvm_mb"], 1)} for name, run in memory.items()},
    }
    print_table(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS}")
    return 0


def print_table(r: dict) -> None:
    print(f"token-clean, {r['samples']} samples, {r['scored_tokens']} scored tokens, base SmolLM2-135M, "
          f"ref tiny Llama, {r['rounds']} alternated rounds "
          f"(load average {r['load_average'][0]} -> {r['load_average'][1]})")
    labels = {"loop": "plain loop, padded to the pool max (authors' way)",
              "spark": f"token-clean, local[{r['cores']}], end to end",
              "spark_old": f"token-clean at {r['old_ref']}, end to end"}
    print(f"  {'':<52} {'seconds per round':>24} {'scored tok/s':>13}")
    for name, label in labels.items():
        rounds = " ".join(f"{x:.1f}" for x in r["seconds"][name])
        print(f"  {label:<52} {rounds:>24} {r['scored_tokens_per_s'][name]:>13.1f}")
    for name, ratio in r["tokens_per_s_ratios"].items():
        print(f"  tokens/s ratio {name}: {ratio:.2f}x")
    for name, agreement in r["agreement_with_loop"].items():
        print(f"  {labels[name]}: scores max |diff| {agreement['max_abs_diff']:.2e}, same scored positions "
              f"{agreement['same_scored_positions']}, masks differing {agreement['masks_differing']}")
    print(f"  scoring modules (driver, worker): {r['scoring_modules']}")
    print(f"  job stages (s): {r['job_stages_s']}")
    if r["memory_runs"]:
        print(f"  local-cluster[1,{r['cores']},2048], tiny models   {'seconds':>8} {'python driver MB':>17} "
              f"{'driver JVM MB':>14}")
    for name, run in r["memory_runs"].items():
        label = f"{name}: {run['samples']} samples"
        print(f"  {label:<44} {run['seconds']:>8.2f} {run['python_driver_mb']:>17.1f} {run['driver_jvm_mb']:>14.1f}")


if __name__ == "__main__":
    sys.exit(main())
