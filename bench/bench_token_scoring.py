"""Scored tokens/s: our length-sorted batched scorer against the reference code's padded loop.

Same samples, same two models (SmolLM2-135M as base, the tiny Llama as
reference), one run, side by side:

- ``padded to pool max``: the reference code's way, a plain loop over batches
  in input order with every sample padded to the longest sample of the pool;
- ``input order, padded to batch longest``: the same loop padding each batch
  to its own longest sample only (shows what sorting adds on top);
- ``TokenScorer``: batches sorted by length under a token budget, padded to
  each batch's longest.

Scores of the three must agree (max abs diff printed). Data: data/sample/sft.jsonl
when present, else SFT-like samples built from the docstrings of Python's
standard library (real English text, available offline).

    python bench/bench_token_scoring.py [--limit 40] [--format chat_template]
"""
from __future__ import annotations

import argparse
import json
import platform
import pydoc
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.generate.assets import default_models_dir, load_causal_lm, load_tokenizer
from lakerefine.udfs.tokenclean.formatting import TokenizedSample, format_sample, padding_token_id
from lakerefine.udfs.tokenclean.scoring import TokenScorer

REPO = Path(__file__).resolve().parents[1]
SFT_SAMPLE = REPO / "data" / "sample" / "sft.jsonl"
RESULTS = REPO / "bench" / "results" / "token_scoring.json"
STDLIB_MODULES = ["argparse", "collections", "csv", "datetime", "difflib", "functools", "heapq", "itertools",
                  "json", "logging", "pathlib", "random", "re", "shutil", "statistics", "string", "textwrap",
                  "unittest", "urllib.parse", "zipfile"]


def load_samples(limit: int) -> tuple[str, list[dict]]:
    if SFT_SAMPLE.exists():
        rows = [json.loads(line) for line in SFT_SAMPLE.read_text().splitlines() if line.strip()]
        source = str(SFT_SAMPLE.relative_to(REPO))
    else:
        rows = [{"prompt": f"What is the Python module {name} for?",
                 "response": pydoc.getdoc(pydoc.locate(name))} for name in STDLIB_MODULES]
        source = "docstrings of Python standard-library modules"
    if limit and limit < len(rows):
        step = len(rows) / limit  # spread over the file: it is grouped by source
        rows = [rows[int(i * step)] for i in range(limit)]
    return source, rows


def padded_loop_scores(base, ref, samples: Sequence[TokenizedSample], pad_id: int,
                       batch_size: int, pad_to_pool_max: bool) -> list[np.ndarray]:
    """The reference code's scoring: batches in input order, losses against shifted labels."""
    pool_max = max(len(s.input_ids) for s in samples)
    scores = []
    for start in range(0, len(samples), batch_size):
        batch = samples[start:start + batch_size]
        width = pool_max if pad_to_pool_max else max(len(s.input_ids) for s in batch)
        input_ids = torch.full((len(batch), width), pad_id)
        labels = torch.full((len(batch), width), IGNORE_INDEX)
        attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, sample in enumerate(batch):
            n = len(sample.input_ids)
            input_ids[row, :n] = torch.tensor(sample.input_ids)
            labels[row, :n] = torch.tensor(sample.labels)
            attention_mask[row, :n] = 1
        losses = [per_token_loss(model, input_ids, attention_mask, labels) for model in (base, ref)]
        for row, sample in enumerate(batch):
            n = len(sample.input_ids)
            score = np.full(n, np.nan, dtype=np.float32)
            score[1:] = (losses[0][row, : n - 1] - losses[1][row, : n - 1]).numpy()
            score[np.array(sample.labels) == IGNORE_INDEX] = np.nan
            scores.append(score)
    return scores


def per_token_loss(model, input_ids, attention_mask, labels) -> torch.Tensor:
    with torch.inference_mode():
        logits = model(input_ids=input_ids, attention_mask=attention_mask, use_cache=False).logits
        shift_logits, shift_labels = logits[:, :-1].float(), labels[:, 1:]
        return F.cross_entropy(shift_logits.transpose(1, 2), shift_labels, reduction="none")


def max_abs_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    diffs = [np.nanmax(np.abs(x - y)) for x, y in zip(a, b, strict=True) if not np.isnan(x).all()]
    if any(not np.array_equal(np.isnan(x), np.isnan(y)) for x, y in zip(a, b, strict=True)):
        return float("inf")
    return float(max(diffs))


def timed(run):
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40, help="samples to score (0: all)")
    parser.add_argument("--format", default="chat_template", choices=["chat_template", "tulu"])
    parser.add_argument("--max-length", type=int, default=2048)
    parser.add_argument("--max-batch-tokens", type=int, default=4096)
    parser.add_argument("--baseline-batch-size", type=int, default=8)
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/support: the test models
    from tests.support.models import prepare_test_models

    paths = prepare_test_models(default_models_dir())
    tokenizer = load_tokenizer(paths["smollm2"])
    base, ref = load_causal_lm(paths["smollm2"]), load_causal_lm(paths["tiny0"])
    pad_id = padding_token_id(tokenizer)
    source, rows = load_samples(args.limit)
    samples = [format_sample(row, tokenizer, args.format, args.max_length) for row in rows]
    lengths = [len(s.input_ids) for s in samples]
    scored_tokens = sum(sum(label != IGNORE_INDEX for label in s.labels[1:]) for s in samples)

    scorer = TokenScorer(base, ref, pad_token_id=pad_id, max_batch_tokens=args.max_batch_tokens)
    scorer.score_samples([samples[0].input_ids], [samples[0].labels])  # warm-up
    runs = {
        "padded to pool max (reference)": lambda: padded_loop_scores(
            base, ref, samples, pad_id, args.baseline_batch_size, pad_to_pool_max=True),
        "input order, padded to batch longest": lambda: padded_loop_scores(
            base, ref, samples, pad_id, args.baseline_batch_size, pad_to_pool_max=False),
        "TokenScorer (sorted, batch longest)": lambda: scorer.score_samples(
            [s.input_ids for s in samples], [s.labels for s in samples]),
    }
    results = {name: timed(run) for name, run in runs.items()}
    ours = results["TokenScorer (sorted, batch longest)"]
    baseline = results["padded to pool max (reference)"]

    print(f"data: {source}, {len(samples)} samples, {sum(lengths)} tokens "
          f"(max {max(lengths)}, median {int(np.median(lengths))}), {scored_tokens} scored; "
          f"format {args.format}; torch threads {torch.get_num_threads()}")
    print(f"{'scorer':40} {'seconds':>8} {'scored tok/s':>13} {'max |diff| vs ours':>19}")
    table = []
    for name, (scores, seconds) in results.items():
        diff = max_abs_diff(scores, ours[0])
        table.append({"scorer": name, "seconds": seconds, "scored_tokens_per_s": scored_tokens / seconds,
                      "max_abs_diff_vs_ours": diff})
        print(f"{name:40} {seconds:8.2f} {scored_tokens / seconds:13.1f} {diff:19.2e}")
    ratio = baseline[1] / ours[1]
    print(f"speed-up of TokenScorer over the reference's padded loop: {ratio:.2f}x")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "data": source, "samples": len(samples), "tokens": sum(lengths), "max_length_in_pool": max(lengths),
        "scored_tokens": scored_tokens, "format": args.format, "models": {k: str(v) for k, v in paths.items()},
        "max_batch_tokens": args.max_batch_tokens, "baseline_batch_size": args.baseline_batch_size,
        "device": "cpu", "torch_threads": torch.get_num_threads(), "machine": platform.platform(),
        "results": table, "speedup_vs_reference": ratio,
    }, indent=2))
    print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
