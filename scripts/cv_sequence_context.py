"""A neural context stage measured against the shipped trees, out of fold on the train split (MODEL_CARD.md, "Why
this model family"). Not used by the shipped model.

    python scripts/cv_sequence_context.py --docpages data/docpages/docpages.jsonl.gz --seeds 0 1 2 --arch gru mlp

The train pages and the shipped procedure's out-of-fold data of scripts/cv_classifier.py: the first stage's out-of-
fold probabilities and the context matrix (context.py) built from them. Then, per ``--arch`` and seed, a network reads
each page's text lines in order, one row of the context matrix per line (the same inputs as the trees' context
stage), and adds its output to the first stage's logit: ``gru`` a bidirectional GRU (torch), ``mlp`` the same layers
without the recurrence (each line alone: the control that says whether the order of lines is what helps). It is
trained with the same 4 folds grouped by site and the same line weights, so each page's probability comes from a
network that never saw its site. Each stage's threshold is picked by training.pick_threshold (the shipped rule), and
its programs are scored as cv_classifier.py scores them (page floor 0.1). Then the stages' CPU time on the same rows
(one thread, rounds alternated): the shipped file's context trees against each network (its cost does not depend
on its weights) run one text per call, as the refine job must for a text's result not to depend on its batch, and
padded into batches. Writes a table and, with --out, JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import torch

from lakerefine.udfs.classifier.features import BLANK
from lakerefine.udfs.classifier.model import LineModel
from lakerefine.udfs.classifier.training import (
    LabelledLines,
    TrainingPage,
    TrainingParams,
    label_pages,
    line_weights,
    out_of_fold_probabilities,
    page_folds,
    pick_threshold,
)
from lakerefine.udfs.quality.labels import label_lines
from lakerefine.udfs.quality.scoring import LabelledPage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cv_classifier import page_keeps, score, set_cells, train_pages  # noqa: E402
from train_classifier_model import DEFAULT_OUT, DEFAULT_WEBPAGES  # noqa: E402

PAGE_FLOOR = TrainingParams().page_floor
BATCH_LINES = 6000  # pages per training step: as many as fit this many padded lines


class ContextNetwork(torch.nn.Module):
    """A dense layer per line, then (``gru``) a bidirectional GRU over the page's lines, then one logit per line."""

    def __init__(self, inputs: int, hidden: int, arch: str):
        super().__init__()
        self.arch = arch
        self.embed = torch.nn.Sequential(torch.nn.Linear(inputs, 64), torch.nn.ReLU())
        self.gru = torch.nn.GRU(64, hidden, batch_first=True, bidirectional=True)
        self.dense = torch.nn.Sequential(torch.nn.Linear(64, 2 * hidden), torch.nn.ReLU())
        self.out = torch.nn.Linear(2 * hidden, 1)

    def forward(self, rows: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        embedded = self.embed(rows)
        if self.arch == "mlp":
            return self.out(self.dense(embedded)).squeeze(-1)
        packed = torch.nn.utils.rnn.pack_padded_sequence(embedded, lengths, batch_first=True, enforce_sorted=False)
        states, _ = self.gru(packed)
        states, _ = torch.nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=rows.shape[1])
        return self.out(states).squeeze(-1)


class PageSequences:
    """The inputs, labels, weights and first-stage logits of each page's text lines, padded into batches."""

    def __init__(self, context: np.ndarray, data: LabelledLines):
        text = data.features[:, BLANK] == 0
        inputs = np.nan_to_num(context.astype(np.float32), nan=-1.0)  # NaN: a neighbour past the page's end
        mean, std = inputs[text].mean(0), inputs[text].std(0) + 1e-6
        self.inputs = ((inputs - mean) / std).astype(np.float32)
        first = np.clip(context[:, 0].astype(np.float64), 1e-4, 1 - 1e-4)
        self.logit = np.log(first / (1 - first)).astype(np.float32)
        self.labels = data.labels.astype(np.float32)
        self.weight = line_weights(data.words, "sqrt_words").astype(np.float32)
        rows = np.split(np.arange(data.labels.size), np.cumsum(data.lengths)[:-1])
        self.rows = [page_rows[text[page_rows]] for page_rows in rows]

    def batches(self, pages: list[int], rng: np.random.Generator | None = None) -> list[list[int]]:
        batches, batch, longest = [], [], 0
        for page in sorted((p for p in pages if len(self.rows[p])), key=lambda p: len(self.rows[p])):
            if batch and max(longest, len(self.rows[page])) * (len(batch) + 1) > BATCH_LINES:
                batches.append(batch)
                batch, longest = [], 0
            batch.append(page)
            longest = max(longest, len(self.rows[page]))
        batches += [batch] if batch else []
        if rng is not None:
            rng.shuffle(batches)
        return batches

    def padded(self, batch: list[int]) -> tuple[torch.Tensor, ...]:
        longest = max(len(self.rows[p]) for p in batch)
        inputs = np.zeros((len(batch), longest, self.inputs.shape[1]), np.float32)
        labels, weight, logit = (np.zeros((len(batch), longest), np.float32) for _ in range(3))
        for i, page in enumerate(batch):
            rows = self.rows[page]
            inputs[i, :rows.size], labels[i, :rows.size] = self.inputs[rows], self.labels[rows]
            weight[i, :rows.size], logit[i, :rows.size] = self.weight[rows], self.logit[rows]
        lengths = torch.tensor([len(self.rows[p]) for p in batch])
        return tuple(torch.from_numpy(a) for a in (inputs, labels, weight, logit)) + (lengths,)


def network_probabilities(sequences: PageSequences, fold: np.ndarray, arch: str, seed: int, hidden: int,
                          epochs: int) -> np.ndarray:
    """Every text line's keep probability from a network trained on the other folds' pages."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    probability = np.zeros(sequences.labels.size)
    for k in np.unique(fold):
        network = ContextNetwork(sequences.inputs.shape[1], hidden, arch)
        optimiser = torch.optim.Adam(network.parameters(), lr=2e-3)
        fitted = [p for p in range(fold.size) if fold[p] != k]
        for _ in range(epochs):
            for batch in sequences.batches(fitted, rng):
                inputs, labels, weight, logit, lengths = sequences.padded(batch)
                loss = torch.nn.functional.binary_cross_entropy_with_logits(
                    network(inputs, lengths) + logit, labels, reduction="none")
                optimiser.zero_grad()
                ((loss * weight).sum() / weight.sum()).backward()
                torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
                optimiser.step()
        with torch.no_grad():
            for batch in sequences.batches([p for p in range(fold.size) if fold[p] == k]):
                inputs, _, _, logit, lengths = sequences.padded(batch)
                kept = torch.sigmoid(network(inputs, lengths) + logit).numpy()
                for i, page in enumerate(batch):
                    probability[sequences.rows[page]] = kept[i, :len(sequences.rows[page])]
    return probability


def scored(probability: np.ndarray, data: LabelledLines, pages: list[LabelledPage], labels: list) -> dict:
    """The stage's threshold by the shipped rule, its out-of-fold word scores there, and its programs' scores."""
    threshold, words = pick_threshold(probability, data, TrainingParams().min_recall)
    sets = score(pages, labels, *page_keeps(probability, data), threshold, PAGE_FLOOR)
    return {"threshold": threshold, "out_of_fold_words": words, "sets": sets}


def cpu_seconds(sequences: PageSequences, context: np.ndarray, archs: list[str], hidden: int, rounds: int = 3) -> dict:
    """CPU seconds per round of the shipped context trees and of each network over every text line."""
    torch.set_num_threads(1)
    trees = LineModel.load(DEFAULT_OUT).context_booster
    text_rows = np.concatenate(sequences.rows)
    pages = [p for p, rows in enumerate(sequences.rows) if len(rows)]
    times: dict[str, list[float]] = {}

    def timed(name: str, run, *args) -> None:
        started = time.process_time()
        with torch.no_grad():
            run(*args)
        times.setdefault(name, []).append(round(time.process_time() - started, 3))

    def per_text(network: ContextNetwork) -> None:
        for page in pages:
            rows = sequences.rows[page]
            network(torch.from_numpy(sequences.inputs[rows])[None], torch.tensor([rows.size]))

    def batched(network: ContextNetwork) -> None:
        for batch in sequences.batches(pages):
            inputs, _, _, _, lengths = sequences.padded(batch)
            network(inputs, lengths)

    for _ in range(rounds):
        timed("trees", partial(trees.predict, num_threads=1), context[text_rows])
        for arch in archs:
            network = ContextNetwork(sequences.inputs.shape[1], hidden, arch).eval()
            timed(f"{arch} per text", per_text, network)
            timed(f"{arch} batched", batched, network)
    return {"text_lines": int(text_rows.size), "cpu_s": times}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--webpages", type=Path, default=DEFAULT_WEBPAGES)
    parser.add_argument("--docpages", type=Path)
    parser.add_argument("--arch", nargs="+", choices=("gru", "mlp"), default=["gru"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--hidden", type=int, default=48)
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--out", type=Path, help="write the scores here (JSON)")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)

    params = TrainingParams()
    shares, train = train_pages(args.webpages, args.docpages)
    data = label_pages([TrainingPage(p["raw"], p["gold"], shares.get(p["id"]), p["host"]) for p in train], params)
    out_of_fold = out_of_fold_probabilities(data, params)
    fold = page_folds(data.groups, params.folds)
    pages = [LabelledPage(p["id"], p["set"], p["raw"], p["gold"]) for p in train]
    labels = [label_lines(page.raw, page.gold) for page in pages]
    sequences = PageSequences(out_of_fold.context, data)

    results = {"trees": scored(out_of_fold.probability, data, pages, labels)}
    print(f"trees: threshold {results['trees']['threshold']}: {set_cells(results['trees']['sets'])}", flush=True)
    for arch in args.arch:
        for seed in args.seeds:
            started = time.process_time()
            probability = network_probabilities(sequences, fold, arch, seed, args.hidden, args.epochs)
            name = f"{arch} seed {seed}"
            results[name] = scored(probability, data, pages, labels) | {"cpu_s": time.process_time() - started}
            print(f"{name}: threshold {results[name]['threshold']}: {set_cells(results[name]['sets'])}", flush=True)
    speed = cpu_seconds(sequences, out_of_fold.context, args.arch, args.hidden)
    print(f"CPU seconds over {speed['text_lines']} text lines per round: {speed['cpu_s']}", flush=True)
    if args.out:
        args.out.write_text(json.dumps({"train_pages": len(train), "chars": sum(len(p["raw"]) for p in train),
                                        "hidden": args.hidden, "epochs": args.epochs, "results": results,
                                        "speed": speed}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
