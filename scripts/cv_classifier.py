"""Out-of-fold shingle scores of the line model's training procedure on the train split, per set, over a grid of
thresholds and page floors: how the page floor of the shipped model was chosen (MODEL_CARD.md).

    python scripts/cv_classifier.py --docpages data/docpages/docpages.jsonl.gz \\
        --thresholds 0.35 0.4 0.45 --floors 0 0.05 0.1 0.15 0.2

The train pages of train_classifier_model.py (held-out pages are never read), their site shares as there, the
probabilities of training.out_of_fold_probabilities (4 folds grouped by site: each page is scored by trees and
a lexicon that never saw its site), and each (threshold, floor) executed as the refine job would
(LineModel.programs' deletion programs) and scored with the benchmark's 4-gram shingles against the gold.
Scores per set: shingle F1 (recall) and, where the page has line labels (labels.label_lines), the character-level
precision of the deletions (the documentation pages' target). ``--param name=value`` overrides a TrainingParams
field (e.g. ``--param trees=160 --param learning_rate=0.05``) to compare the training procedure's settings; with
``--param wrapped_copies=true`` the pages' wrapped copies (training.wrapped_copies) are scored too, as sets
``wrapped:<set>`` (the pages as given stay the sets without the prefix).
Writes a table and, with --out, JSON.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from lakerefine.udfs.classifier import training
from lakerefine.udfs.classifier.features import BLANK, floor_words
from lakerefine.udfs.classifier.model import fill_blank_lines
from lakerefine.udfs.classifier.program import deletion_program
from lakerefine.udfs.classifier.training import TrainingPage, label_pages, out_of_fold_probabilities
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.quality.labels import label_lines
from lakerefine.udfs.quality.scoring import ALL, LabelledPage, SetScore, score_outputs
from lakerefine.udfs.quality.splits import TRAIN

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_classifier_model import (  # noqa: E402
    DEFAULT_WEBPAGES,
    add_param_argument,
    host_shares,
    load_pages,
    training_params,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--webpages", type=Path, default=DEFAULT_WEBPAGES)
    parser.add_argument("--docpages", type=Path)
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.4])
    parser.add_argument("--floors", type=float, nargs="+", default=[0.0, 0.05, 0.1, 0.15, 0.2])
    add_param_argument(parser)
    parser.add_argument("--out", type=Path, help="write the scores here (JSON)")
    args = parser.parse_args(argv)
    params = training_params(args.param)

    shares, train = train_pages(args.webpages, args.docpages)
    pages = [TrainingPage(p["raw"], p["gold"], shares.get(p["id"]), p["host"]) for p in train]
    data = label_pages(pages, params)
    probability = out_of_fold_probabilities(data, params).probability
    copies = training.wrapped_copies(pages, params.seed) if params.wrapped_copies else []  # as label_pages made them
    labelled = [LabelledPage(p["id"], p["set"], p["raw"], p["gold"]) for p in train]
    labelled += [LabelledPage(p["id"], p["set"], copy.raw, p["gold"]) for p, copy in zip(train, copies, strict=False)]
    labels = [label_lines(page.raw, page.gold) for page in labelled]
    keep, words = page_keeps(probability, data)
    results = []
    for threshold in args.thresholds:
        for floor in args.floors:
            scores = score(labelled[:len(train)], labels[:len(train)], keep[:len(train)], words[:len(train)],
                           threshold, floor)
            if copies:  # the wrapped copies, scored apart: "wrapped:<set>"
                wrapped = score(labelled[len(train):], labels[len(train):], keep[len(train):], words[len(train):],
                                threshold, floor)
                scores |= {f"wrapped:{name}": result for name, result in wrapped.items()}
            results.append({"threshold": threshold, "page_floor": floor, "sets": scores})
            print(row(threshold, floor, scores), flush=True)
    if args.out:
        args.out.write_text(json.dumps({"train_pages": len(train), "params": dataclasses.asdict(params),
                                        "results": results}, indent=1))
    return 0


def train_pages(webpages: Path, docpages: Path | None) -> tuple[dict[str, list[float]], list[dict]]:
    """The site shares of every page (counted over all pages, as in training) and the train split's pages."""
    pages = load_pages(webpages, docpages)
    return host_shares(pages), [page for page in pages if page["split"] == TRAIN]


def page_keeps(probability: np.ndarray, data: training.LabelledLines) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per page: each line's keep probability (blank lines following their neighbours) and its \\w+ words."""
    cuts = np.cumsum(data.lengths)[:-1]
    blank = np.split(data.features[:, BLANK] != 0, cuts)
    keep = [fill_blank_lines(p, b) for p, b in zip(np.split(probability, cuts), blank, strict=True)]
    return keep, np.split(data.words, cuts)


def score(pages: list[LabelledPage], labels: list, keep: list[np.ndarray], words: list[np.ndarray],
          threshold: float, floor: float) -> dict[str, dict]:
    executions = [execute(page.raw, deletion_program(page.raw, page_keep, threshold, floor_words(page.raw, line_words),
                                                     floor))
                  for page, page_keep, line_words in zip(pages, keep, words, strict=True)]
    scores: dict[str, SetScore] = score_outputs(pages, [e.text for e in executions], [e.spans for e in executions],
                                                labels)
    return {name: scores[name].as_dict(True) for name in sorted(scores, key=lambda n: (n == ALL, n))}


def row(threshold: float, floor: float, scores: dict[str, dict]) -> str:
    return f"threshold {threshold} floor {floor}: {set_cells(scores)}"


def set_cells(scores: dict[str, dict]) -> str:
    cells = []
    for name, result in scores.items():
        shingles, deletions = result["shingles"], result["deletions"]
        deletion = f" del P {deletions['precision']:.3f} R {deletions['recall']:.3f}" if deletions["documents"] else ""
        cells.append(f"{name} {shingles['f1']:.3f} (R {shingles['recall']:.3f}){deletion}")
    return "; ".join(cells)


if __name__ == "__main__":
    sys.exit(main())
