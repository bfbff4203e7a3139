"""RefineX trained for real, at CPU scale, on labelled web pages: every job through the CLI.

    python bench/bench_refinex_webpages.py [--train-pages 24] [--test-pages 8] [--epochs 2] ...

The train split of ../shared/data/webpages (udfs/quality/splits.py) is ingested with its
``gold`` and ``html`` columns (``raw`` is the text); ``lakerefine expert`` with the ``gold``
backend aligns each page's gold on its raw lines; ``distill`` renders the refine job's own
prompts (``refine.chunk_tokens``) and distils the programs; ``train-refiner`` fine-tunes
SmolLM2-135M-Instruct (./models) on them. Held-out test pages are refined by the ``rules``
backend and by the trained ``hf`` refiner (``refine --set refine.backend=hf``), each a real
refine job, and scored against gold with the 4-gram shingle metric
(udfs/quality/shingles.py): raw (no refinement), rules, the trained refiner, and the aligned
gold itself (what a perfect line-level refiner reaches: the ceiling of this training target).

Every stage has a fixed run id, so a rerun resumes where a killed one stopped (ingest adds
nothing twice, the expert and refine runs finish their slices, a trained model is kept).
The data is read from ../shared and written under --work (git-ignored), never into the repo.
Writes bench/results/refinex_webpages.json.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from deltalake import DeltaTable

from lakerefine.conf.settings import ExpertSettings
from lakerefine.udfs.expert.answers import check_expert_text
from lakerefine.udfs.expert.backends import create_expert_backend
from lakerefine.udfs.expert.columns import align_on_raw, take_main_content
from lakerefine.udfs.expert.pairs import AnswerRules, SampledDoc
from lakerefine.udfs.program.distiller import DistillConfig, distill
from lakerefine.udfs.quality.shingles import ShingleScore, score_page
from lakerefine.udfs.quality.splits import TEST, TRAIN, split_of
from lakerefine.udfs.train.hf_trainer import TRAINING_INFO
from lakerefine.udfs.train.save import read_info

REPO = Path(__file__).resolve().parents[1]
WEBPAGES = REPO / ".." / "shared" / "data" / "webpages" / "webpages.jsonl.gz"
RESULTS = REPO / "bench" / "results" / "refinex_webpages.json"
LAKEREFINE = str(Path(sys.executable).parent / "lakerefine")
BASE_MODEL = "models/smollm2-135m-instruct"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pick_pages(split: str, count: int, max_chars: int) -> list[dict]:
    """``count`` pages of ``split`` with raw text of at most ``max_chars``, round-robin over the sets,
    each set in the order of the sha256 of the page ids (fixed, not file order)."""
    pools: dict[str, list[dict]] = defaultdict(list)
    with gzip.open(WEBPAGES, "rt", encoding="utf-8") as lines:
        for line in lines:
            page = json.loads(line)
            if split_of(page["id"]) == split and len(page["raw"]) <= max_chars:
                pools[page["set"]].append(page)
    for pool in pools.values():
        pool.sort(key=lambda page: hashlib.sha256(page["id"].encode()).hexdigest())
    picked: list[dict] = []
    while len(picked) < count and any(pools.values()):
        for name in sorted(pools):
            if pools[name] and len(picked) < count:
                picked.append(pools[name].pop(0))
    return picked


def alignment_effect(pages: list[dict], settings: ExpertSettings, rules: DistillConfig) -> dict[str, dict[str, int]]:
    """What the expert check and the distiller make of gold as given, and of gold aligned by the gold expert."""
    as_given, aligned = defaultdict(int), defaultdict(int)
    outcomes = take_main_content([SampledDoc(p["id"], p["raw"], p["set"], p["gold"]) for p in pages],
                                 create_expert_backend(settings), AnswerRules.of(settings))
    for page, outcome in zip(pages, outcomes, strict=True):
        check = check_expert_text(page["raw"], page["gold"], settings.max_rewrite_chars, settings.allow_empty)
        as_given[check.reason or distill(page["raw"], page["gold"], rules).reason or "accepted"] += 1
        aligned[outcome.reason or distill(page["raw"], outcome.expert, rules).reason or "accepted"] += 1
    return {"gold as given": dict(as_given), "gold aligned": dict(aligned)}


def print_effect(effect: dict[str, dict[str, int]], pages: int) -> None:
    for name, counts in effect.items():
        print(f"{name} on {pages} train pages: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))


def write_jsonl(path: Path, pages: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(page) + "\n" for page in pages))


def lakerefine(job: str, *options: str, common: list[str]) -> float:
    """Run one job; fail loudly with its output when it fails. Returns its wall time."""
    progress(f"lakerefine {job} {' '.join(options)}")
    started = time.perf_counter()
    done = subprocess.run([LAKEREFINE, job, *options, *common], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        lines = (done.stdout + done.stderr).splitlines()
        said = "\n".join(line for line in lines if not line.lstrip().startswith("at "))
        sys.exit(f"lakerefine {job} failed ({done.returncode}), JVM stack frames left out:\n{said[-6000:]}")
    print(done.stdout.strip(), file=sys.stderr)
    return seconds


def table(lake: Path, name: str, columns: list[str]):
    return DeltaTable(str(lake / name)).to_pandas(columns=columns)


def score(texts: dict[str, str], gold: dict[str, str], sets: dict[str, str]) -> dict:
    overall, by_set = ShingleScore(), defaultdict(ShingleScore)
    for doc_id, reference in gold.items():
        page = score_page(texts[doc_id], reference)
        overall.add_page(page)
        by_set[sets[doc_id]].add_page(page)
    return {**overall.as_dict(), "by_set": {name: s.as_dict() for name, s in sorted(by_set.items())}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train-pages", type=int, default=24)
    parser.add_argument("--test-pages", type=int, default=8)
    parser.add_argument("--max-chars", type=int, default=6000, help="longest raw page used (CPU budget)")
    parser.add_argument("--chunk-tokens", type=int, default=512)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--work", type=Path, default=REPO / "lakehouse" / "_refinex_webpages")
    parser.add_argument("--alignment-pages", type=int, default=200,
                        help="train pages (any length) on which gold is distilled as given and aligned")
    parser.add_argument("--alignment-only", action="store_true", help="only that: no jobs, no training")
    args = parser.parse_args()
    if not WEBPAGES.exists():
        sys.exit(f"{WEBPAGES} is not beside the checkout")

    work, lake = args.work.resolve(), args.work.resolve() / "lake"
    train, test = pick_pages(TRAIN, args.train_pages, args.max_chars), pick_pages(TEST, args.test_pages,
                                                                                  args.max_chars)
    write_jsonl(work / "train.jsonl", train)
    progress(f"gold as given and aligned on {args.alignment_pages} train pages")
    every_length = ExpertSettings(backend="gold", max_doc_chars=10 ** 9)    # as given has no length limit either
    effect = alignment_effect(pick_pages(TRAIN, args.alignment_pages, 10 ** 9), every_length, DistillConfig())
    if args.alignment_only:
        print_effect(effect, args.alignment_pages)
        return
    write_jsonl(work / "test.jsonl", test)
    model_dir = work / "refiner"
    common = ["--set", f"tables.base_path={lake}", "--set", f"spark.warehouse_dir={lake / '_warehouse'}",
              "--set", f"refine.chunk_tokens={args.chunk_tokens}", "--set", f"train_refiner.base_model={BASE_MODEL}",
              "--set", "refine.source_column=null", "--quiet"]
    hf = ["--set", "refine.backend=hf", "--set", f"refine.hf.model_path={model_dir / 'model'}",
          "--set", f"refine.hf.max_new_tokens={args.max_new_tokens}", "--set", "refine.hf.device=cpu",
          "--set", "refine.hf.batch_size=4"]
    seconds = {
        "ingest_train": lakerefine("ingest", "--input", str(work / "train.jsonl"), "--output", "train_pages",
                                   "--set", "ingest.text_column=raw", common=common),
        "expert": lakerefine("expert", "--input", "train_pages", "--run-id", "expert-gold", "--set",
                             "expert.backend=gold", "--set", "expert.stratify_column=set", "--set",
                             f"expert.sample_size={len(train)}", common=common),
        "distill": lakerefine("distill", "--run-id", "distill-gold", "--expert-run-id", "expert-gold", common=common),
        "train_refiner": lakerefine(
            "train-refiner", "--run-id", "train-gold", "--output-dir", str(model_dir),
            "--set", f"train_refiner.epochs={args.epochs}", "--set", f"train_refiner.batch_size={args.batch_size}",
            "--set", f"train_refiner.learning_rate={args.learning_rate}", "--set", "train_refiner.device=cpu",
            "--set", "train_refiner.logging_steps=1", "--set", "train_refiner.max_seq_tokens=2048",
            common=common),
        "ingest_test": lakerefine("ingest", "--input", str(work / "test.jsonl"), "--output", "test_pages",
                                  "--set", "ingest.text_column=raw", common=common),
        "refine_rules": lakerefine("refine", "--input", "test_pages", "--output", "refined_rules", "--run-id",
                                   "refine-rules", "--set", "refine.edits_table=edits_rules", common=common),
        "refine_hf": lakerefine("refine", "--input", "test_pages", "--output", "refined_hf", "--run-id",
                                "refine-hf", "--set", "refine.edits_table=edits_hf", *hf, common=common),
    }

    pages = table(lake, "test_pages", ["doc_id", "text", "gold", "set"])
    gold = dict(zip(pages["doc_id"], pages["gold"], strict=True))
    sets = dict(zip(pages["doc_id"], pages["set"], strict=True))
    outputs = {"raw (no refinement)": dict(zip(pages["doc_id"], pages["text"], strict=True))}
    for name, refined in (("rules backend", "refined_rules"), ("trained SmolLM2 (hf backend)", "refined_hf")):
        rows = table(lake, refined, ["doc_id", "text"])
        outputs[name] = dict(zip(rows["doc_id"], rows["text"].fillna(""), strict=True))
    outputs["aligned gold (line-level ceiling)"] = {doc_id: align_on_raw(outputs["raw (no refinement)"][doc_id],
                                                                         gold[doc_id]).text for doc_id in gold}
    results = {name: score(texts, gold, sets) for name, texts in outputs.items()}

    pairs = table(lake, "expert_pairs", ["status", "reason"])
    sft = table(lake, "refiner_sft", ["status", "reason", "prompt_tokens", "program_tokens"])
    edits = table(lake, "edits_hf", ["status", "calls_accepted", "calls_rejected"])
    model_info = read_info(model_dir / "model", TRAINING_INFO)
    report = {
        "plan": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "train_pages": [p["id"] for p in train], "test_pages": [p["id"] for p in test],
        "expert_pairs": {f"{status}/{reason}": int(n) for (status, reason), n
                         in pairs.fillna("-").value_counts().items()},
        "refiner_sft": {"rows": len(sft), "accepted": int((sft["status"] == "accepted").sum()),
                        "reasons": sft["reason"].value_counts().to_dict(),
                        "mean_prompt_tokens": round(float(sft["prompt_tokens"].mean()), 1),
                        "mean_program_tokens": round(float(sft["program_tokens"].mean()), 1)},
        "hf_refine": {"statuses": edits["status"].value_counts().to_dict(),
                      "calls_accepted": int(edits["calls_accepted"].sum()),
                      "calls_rejected": int(edits["calls_rejected"].sum())},
        "alignment_effect": effect, "model": model_info, "seconds": {k: round(v, 1) for k, v in seconds.items()},
        "results": results,
    }
    print(f"\n{len(test)} held-out pages (test split, raw <= {args.max_chars} chars); refiner trained on "
          f"{report['refiner_sft']['accepted']} chunk pairs of {len(train)} train pages\n")
    print(f"{'output':<38}{'precision':>10}{'recall':>8}{'f1':>8}")
    for name, result in results.items():
        print(f"{name:<38}{result['precision']:>10.3f}{result['recall']:>8.3f}{result['f1']:>8.3f}")
    print_effect(effect, args.alignment_pages)
    print("seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in seconds.items()))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
