"""Out-of-fold shingle scores of the line model's training procedure on the train split, per set, over a grid of
thresholds and page floors: how the page floor of the shipped model was chosen (MODEL_CARD.md).

    python scripts/cv_classifier.py --docpages data/docpages/docpages.jsonl.gz \\
        --thresholds 0.35 0.4 0.45 --floors 0 0.05 0.1 0.15 0.2

The train pages of train_classifier_model.py (held-out pages are never read), their site shares as there, the
probabilities of training.out_of_fold_probabilities (4 folds grouped by site: each page is scored by trees and
a lexicon that never saw its site), and each (threshold, floor) executed as the refine job would
(LineModel.programs' deletion programs) and scored with the benchmark's 4-gram shingles against the gold.
Writes a table and, with --out, JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from lakerefine.udfs.classifier.features import BLANK
from lakerefine.udfs.classifier.model import fill_blank_lines
from lakerefine.udfs.classifier.program import deletion_program
from lakerefine.udfs.classifier.training import TrainingPage, TrainingParams, label_pages, out_of_fold_probabilities
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.quality.shingles import ShingleScore, score_page
from lakerefine.udfs.quality.splits import TRAIN

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_classifier_model import DEFAULT_WEBPAGES, host_shares, load_pages  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--webpages", type=Path, default=DEFAULT_WEBPAGES)
    parser.add_argument("--docpages", type=Path)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.4])
    parser.add_argument("--floors", type=float, nargs="+", default=[0.0, 0.05, 0.1, 0.15, 0.2])
    parser.add_argument("--out", type=Path, help="write the scores here (JSON)")
    args = parser.parse_args(argv)

    pages = load_pages(args.webpages, args.docpages)
    shares = host_shares(pages)
    train = [page for page in pages if page["split"] == TRAIN]
    data = label_pages(TrainingPage(p["raw"], p["gold"], shares.get(p["id"]), p["host"]) for p in train)
    probability, _ = out_of_fold_probabilities(data, TrainingParams())
    cuts = np.cumsum(data.lengths)[:-1]
    blank = np.split(data.features[:, BLANK] != 0, cuts)
    keep = [fill_blank_lines(p, b) for p, b in zip(np.split(probability, cuts), blank, strict=True)]
    words = np.split(data.words, cuts)
    results = []
    for threshold in args.thresholds:
        for floor in args.floors:
            scores = score(train, keep, words, threshold, floor)
            results.append({"threshold": threshold, "page_floor": floor, "sets": scores})
            print(row(threshold, floor, scores), flush=True)
    if args.out:
        args.out.write_text(json.dumps({"train_pages": len(train), "results": results}, indent=1))
    return 0


def score(pages: list[dict], keep: list[np.ndarray], words: list[np.ndarray], threshold: float,
          floor: float) -> dict[str, dict]:
    by_set: dict[str, ShingleScore] = defaultdict(ShingleScore)
    for page, page_keep, line_words in zip(pages, keep, words, strict=True):
        refined = execute(page["raw"], deletion_program(page["raw"], page_keep, threshold, line_words, floor)).text
        scored = score_page(refined, page["gold"])
        by_set[page["set"]].add_page(scored)
        by_set["all"].add_page(scored)
    return {name: by_set[name].as_dict() for name in sorted(by_set)}


def row(threshold: float, floor: float, scores: dict[str, dict]) -> str:
    cells = " ".join(f"{name} {s['f1']:.3f} (R {s['recall']:.3f})" for name, s in scores.items())
    return f"threshold {threshold} floor {floor}: {cells}"


if __name__ == "__main__":
    sys.exit(main())
