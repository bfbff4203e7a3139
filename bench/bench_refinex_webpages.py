"""RefineX trained for real, at CPU scale, on labelled pages: every job through the CLI.

    python bench/bench_refinex_webpages.py [--data webpages docpages] [--train-pages 24] [--test-pages 3]
        [--max-chars 6000] [--epochs 2 | --max-steps N] [--dtype bfloat16] [--device cpu] [--save-steps N] ...

The train split (``bench_refine_quality.load_pages``: a page's own ``split``, else
udfs/quality/splits.py) of ../shared/data/webpages and/or data/docpages is ingested with its
``gold`` and ``html`` columns (``raw`` is the text); ``lakerefine expert`` with the ``gold``
backend aligns each page's gold on its raw lines; ``distill`` renders the refine job's own
prompts (``refine.chunk_tokens``) and distils the programs; ``train-refiner`` fine-tunes
SmolLM2-135M-Instruct (./models) on them (``train_refiner.dtype``/``device``/``save_steps``
from ``--dtype``/``--device``/``--save-steps``). Held-out test pages (``--test-pages`` per set,
raw <= ``--max-chars``) are then scored by bench/bench_refine_quality.py's own code path (the
refine job's per-batch loop, the same metrics and table): raw, ``rules``, ``classifier``, the
trained refiner (``hf`` backend on the trained model, ``refine.hf.dtype``/``device`` the same)
and the HTML extractors, plus the aligned gold itself (what a perfect line-level refiner
reaches: the ceiling of this training target). Each phase is printed as it runs, and the jobs'
own output (the trainer's loss) as it comes.

Every stage has a fixed run id, so a rerun resumes where a killed one stopped (ingest adds
nothing twice, the expert run finishes its slice, a trained model is kept).
The data is read from where it lies and written under --work (git-ignored), never into the repo.
Writes bench/results/refinex_webpages.{md,json}.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from collections import defaultdict, deque
from pathlib import Path

from lakerefine.conf.settings import ExpertSettings
from lakerefine.udfs.expert.answers import check_expert_text
from lakerefine.udfs.expert.backends import create_expert_backend
from lakerefine.udfs.expert.columns import take_main_content
from lakerefine.udfs.expert.pairs import AnswerRules, SampledDoc
from lakerefine.udfs.program.distiller import DistillConfig, distill
from lakerefine.udfs.quality.scoring import LabelledPage
from lakerefine.udfs.quality.splits import TEST, TRAIN
from lakerefine.udfs.train.hf_trainer import TRAINING_INFO
from lakerefine.udfs.train.save import read_info

REPO = Path(__file__).resolve().parents[1]
LAKEREFINE = str(Path(sys.executable).parent / "lakerefine")
BASE_MODEL = "models/smollm2-135m-instruct"
OUT = "refinex_webpages"
HF_ROW = "hf"


def load_quality_bench():
    """bench/bench_refine_quality.py as a module: its loaders, refine loop, metrics and table."""
    spec = importlib.util.spec_from_file_location("bench_refine_quality", Path(__file__).with_name(
        "bench_refine_quality.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


quality = load_quality_bench()


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pick_pages(data: list[str], split: str, count: int, max_chars: int) -> list[LabelledPage]:
    """``count`` pages of ``split`` (the quality bench's loader) with raw text of at most ``max_chars``,
    round-robin over the sets, each set in the order of the sha256 of the page ids (fixed, not file order)."""
    pools: dict[str, list[LabelledPage]] = defaultdict(list)
    for page in quality.load_pages([quality.DATA[name] for name in data], split, max_chars=max_chars):
        pools[page.set].append(page)
    for pool in pools.values():
        pool.sort(key=lambda page: hashlib.sha256(page.page_id.encode()).hexdigest())
    picked: list[LabelledPage] = []
    while len(picked) < count and any(pools.values()):
        for name in sorted(pools):
            if pools[name] and len(picked) < count:
                picked.append(pools[name].pop(0))
    return picked


def alignment_effect(pages: list[LabelledPage], settings: ExpertSettings,
                     rules: DistillConfig) -> dict[str, dict[str, int]]:
    """What the expert check and the distiller make of gold as given, and of gold aligned by the gold expert."""
    as_given, aligned = defaultdict(int), defaultdict(int)
    outcomes = take_main_content([SampledDoc(p.page_id, p.raw, p.set, p.gold) for p in pages],
                                 create_expert_backend(settings), AnswerRules.of(settings))
    for page, outcome in zip(pages, outcomes, strict=True):
        check = check_expert_text(page.raw, page.gold, settings.max_rewrite_chars, settings.allow_empty)
        as_given[check.reason or distill(page.raw, page.gold, rules).reason or "accepted"] += 1
        aligned[outcome.reason or distill(page.raw, outcome.expert, rules).reason or "accepted"] += 1
    return {"gold as given": dict(as_given), "gold aligned": dict(aligned)}


def print_effect(effect: dict[str, dict[str, int]], pages: int) -> None:
    for name, counts in effect.items():
        print(f"{name} on {pages} train pages: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))


def write_jsonl(path: Path, pages: list[LabelledPage]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": p.page_id, "set": p.set, "url": p.url, "html": p.html,
                                        "raw": p.raw, "gold": p.gold}) + "\n" for p in pages))


def lakerefine(job: str, *options: str, common: list[str]) -> float:
    """Run one job, its output echoed line by line as it comes (the trainer's loss, live); fail
    loudly with the end of its output when it fails. Returns its wall time."""
    progress(f"lakerefine {job} {' '.join(options)}")
    started = time.perf_counter()
    tail: deque[str] = deque(maxlen=200)
    with subprocess.Popen([LAKEREFINE, job, *options, *common], cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"}) as running:
        for line in running.stdout:
            tail.append(line.rstrip("\n"))
            if not line.lstrip().startswith("at "):      # JVM stack frames left out
                print(f"  {job}: {line.rstrip()}", file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    if running.returncode != 0:
        said = "\n".join(line for line in tail if not line.lstrip().startswith("at "))
        sys.exit(f"lakerefine {job} failed ({running.returncode}), JVM stack frames left out:\n{said[-6000:]}")
    progress(f"lakerefine {job}: {seconds:.0f} s")
    return seconds


def table(lake: Path, name: str, columns: list[str]):
    from deltalake import DeltaTable

    return DeltaTable(str(lake / name)).to_pandas(columns=columns)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", nargs="+", default=list(quality.DEFAULT_DATA), choices=list(quality.DATA),
                        help="labelled pages to train on and report on (bench_refine_quality's loaders)")
    parser.add_argument("--train-pages", type=int, default=24, help="train pages, round-robin over the sets")
    parser.add_argument("--test-pages", type=int, default=3, help="held-out pages per set")
    parser.add_argument("--max-chars", type=int, default=6000, help="longest raw page used (CPU budget)")
    parser.add_argument("--chunk-tokens", type=int, default=512)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--max-steps", type=int, default=None, help="training steps (overrides --epochs)")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--save-steps", type=int, default=None,
                        help="train_refiner.save_steps: a checkpoint every N steps (a killed run resumes there)")
    parser.add_argument("--dtype", choices=["auto", "float32", "bfloat16"], default="auto",
                        help="train_refiner.dtype and refine.hf.dtype (auto: bfloat16 on a GPU, float32 on the CPU)")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu",
                        help="train_refiner.device and refine.hf.device")
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--hf-batch-size", type=int, default=4, help="refine.hf.batch_size")
    parser.add_argument("--backend", nargs="*", default=["rules", "classifier"],
                        help="other refine backends in the table beside the trained hf refiner")
    parser.add_argument("--anchors", nargs="*", default=list(quality.ANCHORS), choices=quality.ANCHORS)
    parser.add_argument("--work", type=Path, default=REPO / "lakehouse" / "_refinex_webpages")
    parser.add_argument("--alignment-pages", type=int, default=200,
                        help="train pages (any length) on which gold is distilled as given and aligned (0: none)")
    parser.add_argument("--alignment-only", action="store_true", help="only that: no jobs, no training")
    return parser.parse_args(argv)


def job_settings(args: argparse.Namespace, lake: Path, model_dir: Path) -> dict[str, list[str]]:
    """KEY=VALUE overrides: common to every job, the trainer's, and the trained refiner's (refine.hf.*)."""
    common = [f"tables.base_path={lake}", f"spark.warehouse_dir={lake / '_warehouse'}",
              f"refine.chunk_tokens={args.chunk_tokens}", f"train_refiner.base_model={BASE_MODEL}",
              "refine.source_column=null"]
    train = [f"train_refiner.epochs={args.epochs}", f"train_refiner.batch_size={args.batch_size}",
             f"train_refiner.learning_rate={args.learning_rate}", f"train_refiner.device={args.device}",
             f"train_refiner.dtype={args.dtype}", "train_refiner.logging_steps=1",
             "train_refiner.max_seq_tokens=2048"]
    if args.max_steps is not None:
        train.append(f"train_refiner.max_steps={args.max_steps}")
    if args.save_steps is not None:
        train.append(f"train_refiner.save_steps={args.save_steps}")
    hf = [f"refine.hf.model_path={model_dir / 'model'}", f"refine.hf.max_new_tokens={args.max_new_tokens}",
          f"refine.hf.device={args.device}", f"refine.hf.dtype={args.dtype}",
          f"refine.hf.batch_size={args.hf_batch_size}"]
    return {"common": common, "train": train, "hf": hf}


def sets_of(items: list[str]) -> list[str]:
    return [arg for item in items for arg in ("--set", item)]


def quality_argv(args: argparse.Namespace, settings: dict[str, list[str]]) -> list[str]:
    """bench_refine_quality's arguments for the held-out pages: the same page filter, the backends
    beside the trained refiner, the refine job's chunking and the trained model's settings."""
    return ["--data", *args.data, "--split", TEST, "--limit", str(args.test_pages),
            "--max-chars", str(args.max_chars), "--backend", *args.backend, HF_ROW,
            "--anchors", *args.anchors, "--out", OUT,
            *sets_of([f"refine.chunk_tokens={args.chunk_tokens}", *settings["hf"]])]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = [str(quality.DATA[name]) for name in args.data if not quality.DATA[name].exists()]
    if missing:
        sys.exit(f"not found: {', '.join(missing)}")

    work, lake = args.work.resolve(), args.work.resolve() / "lake"
    if args.alignment_pages:
        progress(f"gold as given and aligned on {args.alignment_pages} train pages")
        every_length = ExpertSettings(backend="gold", max_doc_chars=10 ** 9)   # as given has no length limit either
        effect = alignment_effect(pick_pages(args.data, TRAIN, args.alignment_pages, 10 ** 9), every_length,
                                  DistillConfig())
        print_effect(effect, args.alignment_pages)
    else:
        effect = {}
    if args.alignment_only:
        return 0
    train = pick_pages(args.data, TRAIN, args.train_pages, args.max_chars)
    progress(f"{len(train)} train pages (raw <= {args.max_chars} chars): "
             + ", ".join(f"{name} {n}" for name, n in sorted(count_sets(train).items())))
    write_jsonl(work / "train.jsonl", train)
    model_dir = work / "refiner"
    settings = job_settings(args, lake, model_dir)
    common = [*sets_of(settings["common"]), "--quiet"]
    seconds = {
        "ingest_train": lakerefine("ingest", "--input", str(work / "train.jsonl"), "--output", "train_pages",
                                   "--set", "ingest.text_column=raw", common=common),
        "expert": lakerefine("expert", "--input", "train_pages", "--run-id", "expert-gold", "--set",
                             "expert.backend=gold", "--set", "expert.stratify_column=set", "--set",
                             f"expert.sample_size={len(train)}", common=common),
        "distill": lakerefine("distill", "--run-id", "distill-gold", "--expert-run-id", "expert-gold", common=common),
        "train_refiner": lakerefine("train-refiner", "--run-id", "train-gold", "--output-dir", str(model_dir),
                                    *sets_of(settings["train"]), common=common),
    }

    argv_quality = quality_argv(args, settings)
    progress("held-out pages through bench_refine_quality: " + " ".join(argv_quality))
    started = time.perf_counter()
    code = quality.main(argv_quality)
    seconds["quality_bench"] = time.perf_counter() - started
    progress(f"bench_refine_quality: {seconds['quality_bench']:.0f} s")

    result_path = quality.RESULTS / f"{OUT}.json"
    result = json.loads(result_path.read_text())
    test = quality.load_pages([quality.DATA[name] for name in args.data], TEST, args.test_pages, args.max_chars)
    pairs = table(lake, "expert_pairs", ["status", "reason"])
    sft = table(lake, "refiner_sft", ["status", "reason", "prompt_tokens", "program_tokens"])
    model_info = read_info(model_dir / "model", TRAINING_INFO)
    accepted = int((sft["status"] == "accepted").sum())
    result["refinex"] = {
        "plan": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "train_pages": [p.page_id for p in train], "test_pages": [p.page_id for p in test],
        "expert_pairs": {f"{status}/{reason}": int(n) for (status, reason), n
                         in pairs.fillna("-").value_counts().items()},
        "refiner_sft": {"rows": len(sft), "accepted": accepted,
                        "reasons": sft["reason"].value_counts().to_dict(),
                        "mean_prompt_tokens": round(float(sft["prompt_tokens"].mean()), 1),
                        "mean_program_tokens": round(float(sft["program_tokens"].mean()), 1)},
        "alignment_effect": effect, "model": model_info,
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    result_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    summary = summarise(result)
    md = quality.RESULTS / f"{OUT}.md"
    md.write_text(md.read_text() + "\n" + summary)
    print("\n" + summary)
    print(f"wrote {md} and {result_path}")
    return code


def count_sets(pages: list[LabelledPage]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for page in pages:
        counts[page.set] += 1
    return dict(counts)


def summarise(result: dict) -> str:
    """The training side of the run, and the kept share of characters per row, in markdown."""
    refinex = result["refinex"]
    model, sft = refinex["model"], refinex["refiner_sft"]
    losses = model.get("losses") or []
    lines = [f"Refiner trained on {sft['accepted']} accepted chunk pairs ({sft['rows']} rows) of "
             f"{len(refinex['train_pages'])} train pages: {model.get('steps')} steps, train loss "
             f"{model.get('train_loss')}" + (f", logged {losses[0]:.3f} -> {losses[-1]:.3f}" if losses else ""),
             "", "Expert pairs: " + ", ".join(f"{k} {n}" for k, n in refinex["expert_pairs"].items()),
             "", "Seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in refinex["seconds"].items()), "",
             "Share of the raw characters each row keeps (all pages): "
             + ", ".join(f"{name} {row['sets']['all'].get('kept_share', float('nan')):.3f}"
                         for name, row in result["rows"].items()), ""]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
