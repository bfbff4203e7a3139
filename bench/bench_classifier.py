"""Throughput of the line classifier per core: view + features + predict + deletion program (+ executing it).

Text: the `raw` of the labelled web pages (../shared/data/webpages) and, when given, documentation pages;
the model: the shipped one (udfs/classifier/models/line_model.json) unless --model. One process, LightGBM on
one thread, pages in batches of --batch (as a pandas UDF sees them), site shares unknown (the Spark pass
computes them; their cost is in the refine bench). Step by step: what the model reads of each text (the text,
or its paragraph view when it is hard-wrapped: unwrap.py), line features for the batch (with the lexicon's
word scores), the LightGBM prediction of the lines with text, the deletion programs, and the executor running
the program (the refine job's audit path).
Times are this process's CPU time (time.process_time; one thread), so MB per CPU second is MB/s per core
even on a shared machine where wall time says more about the neighbours than about this code.
Target: >= 5 MB/s of text per core for view+features+predict+program.

    python bench/bench_classifier.py [--pages N] [--batch 64] [--model PATH] [--docpages PATH]
"""
from __future__ import annotations

import argparse
import gzip
import json
import platform
import sys
import time
from pathlib import Path

from lakerefine.udfs.classifier.features import FEATURE_NAMES, line_words
from lakerefine.udfs.classifier.model import LineModel, per_text
from lakerefine.udfs.classifier.unwrap import read_batch
from lakerefine.udfs.program.executor import execute

ROOT = Path(__file__).resolve().parents[1]
WEBPAGES = ROOT / ".." / "shared" / "data" / "webpages" / "webpages.jsonl.gz"
MODEL = ROOT / "udfs" / "classifier" / "models" / "line_model.json"
RESULTS = ROOT / "bench" / "results" / "classifier.json"
TARGET_MB_S = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--webpages", type=Path, default=WEBPAGES)
    parser.add_argument("--docpages", type=Path)
    args = parser.parse_args(argv)

    texts = load_texts([args.webpages, args.docpages], args.pages)
    model = LineModel.load(args.model)
    seconds = {"view": 0.0, "features": 0.0, "predict": 0.0, "program": 0.0, "execute": 0.0}
    cpu_start = time.process_time()
    for start in range(0, len(texts), args.batch):
        run_batch(model, texts[start:start + args.batch], seconds)
    cpu = time.process_time() - cpu_start
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    result = report(seconds, cpu, megabytes, len(texts), args, model)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1))
    print(result["table"])
    return 0


def load_texts(paths: list[Path | None], limit: int) -> list[str]:
    texts = []
    for path in paths:
        if path is None:
            continue
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            texts.extend(json.loads(line)["raw"] for line in lines)
    return texts[:limit] if limit else texts


def run_batch(model: LineModel, texts: list[str], seconds: dict[str, float]) -> None:
    """What LineModel.keep_probabilities does, step by step, timed; then the programs."""
    clock = time.process_time()
    reading = read_batch(texts)
    seconds["view"] += time.process_time() - clock
    clock = time.process_time()
    features, lengths = model.feature_matrix(reading.texts)
    seconds["features"] += time.process_time() - clock
    clock = time.process_time()
    probabilities = model.probabilities(features, lengths)
    seconds["predict"] += time.process_time() - clock
    clock = time.process_time()
    programs = model.programs_of(texts, reading.per_given_line(probabilities),
                                 reading.given_words(per_text(line_words(features), lengths)))
    seconds["program"] += time.process_time() - clock
    clock = time.process_time()
    for text, program in zip(texts, programs, strict=True):
        execute(text, program)
    seconds["execute"] += time.process_time() - clock
    assert features.shape[1] == len(FEATURE_NAMES)


def report(seconds: dict[str, float], cpu: float, megabytes: float, pages: int, args, model: LineModel) -> dict:
    core = seconds["view"] + seconds["features"] + seconds["predict"] + seconds["program"]
    rows = ["| stage | CPU seconds | MB/s per core |", "|---|---|---|"]
    for stage, spent in seconds.items():
        rows.append(f"| {stage} | {spent:.2f} | {megabytes / spent:.1f} |")
    rows.append(f"| view+features+predict+program | {core:.2f} | {megabytes / core:.1f} |")
    rows.append(f"| all, with execute | {sum(seconds.values()):.2f} | {megabytes / sum(seconds.values()):.1f} |")
    rows.append(f"| process CPU time (all) | {cpu:.2f} | {megabytes / cpu:.1f} |")
    return {
        "pages": pages, "megabytes": round(megabytes, 3), "batch": args.batch, "model": str(args.model),
        "model_sha256": model.content_hash, "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "mb_per_s_core": round(megabytes / core, 2), "mb_per_s_cpu": round(megabytes / cpu, 2),
        "target_mb_per_s": TARGET_MB_S, "meets_target": megabytes / core >= TARGET_MB_S,
        "python": sys.version.split()[0], "machine": platform.machine(),
        "table": "\n".join(rows) + f"\n\n{pages} pages, {megabytes:.1f} MB; target {TARGET_MB_S} MB/s per core",
    }


if __name__ == "__main__":
    sys.exit(main())
