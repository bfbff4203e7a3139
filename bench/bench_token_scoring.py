"""Scored tokens/s: the scorer against the scorer it replaced and the authors' pad-to-max loop.

Same samples, same two models (SmolLM2-135M as base, the tiny Llama as
reference), one process, side by side in alternated rounds (each round runs
the three in a rotated order; the ratios are medians over rounds):

- ``authors' loop``: the reference code's way, a plain loop over batches of 8
  in input order, every sample padded to the longest sample of the pool, full
  logits and losses against shifted labels;
- ``old TokenScorer``: the scorer at ``--old-ref`` (git archive of
  udfs/tokenclean/scoring.py, imported under another name): length-sorted
  greedy batches under the token budget, full logits;
- ``TokenScorer``: least-cost batches (padding + per-forward overhead), the
  output head at response positions only.

Scores are compared with the authors' loop (max abs diff), and so are the
masks of a global top-60% selection made from each scorer's own scores
(samples whose mask differs: must be 0). Data: data/sample/sft.jsonl.

    python bench/bench_token_scoring.py [--limit 40] [--rounds 3] [--threads 1] [--format chat_template]
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import json
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from lakerefine.schemas.vocab import IGNORE_INDEX
from lakerefine.udfs.generate.assets import default_models_dir, load_causal_lm, load_tokenizer
from lakerefine.udfs.tokenclean.batching import forward_overhead_tokens
from lakerefine.udfs.tokenclean.formatting import TokenizedSample, format_sample, padding_token_id
from lakerefine.udfs.tokenclean.scoring import TokenScorer
from lakerefine.udfs.tokenclean.selection import global_threshold, kept_by_threshold

REPO = Path(__file__).resolve().parents[1]
SFT_SAMPLE = REPO / "data" / "sample" / "sft.jsonl"
RESULTS = REPO / "bench" / "results"
# The last commit before least-cost batching and the response-only head.
OLD_REF = "69121fc"
AUTHORS, OLD, NEW = "authors' loop (pad to pool max)", "old TokenScorer", "TokenScorer"
KEEP = 0.6


def load_samples(limit: int) -> list[dict]:
    """``limit`` samples spread over the sample file (it is grouped by topic); 0: all."""
    rows = [json.loads(line) for line in SFT_SAMPLE.read_text().splitlines() if line.strip()]
    if limit and limit < len(rows):
        step = len(rows) / limit
        rows = [rows[int(i * step)] for i in range(limit)]
    return rows


def import_old_scoring(ref: str, folder: Path):
    """udfs/tokenclean/scoring.py as it was at ``ref``, as module ``old_tokenclean_scoring``."""
    archive = subprocess.run(["git", "archive", ref, "udfs/tokenclean/scoring.py"], cwd=REPO,
                             capture_output=True, check=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(folder, filter="data")
    spec = importlib.util.spec_from_file_location("old_tokenclean_scoring", folder / "udfs/tokenclean/scoring.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def padded_loop_scores(base, ref, samples: Sequence[TokenizedSample], pad_id: int,
                       batch_size: int) -> list[np.ndarray]:
    """The reference code's scoring: batches in input order padded to the pool's longest, shifted labels."""
    pool_max = max(len(s.input_ids) for s in samples)
    scores = []
    for start in range(0, len(samples), batch_size):
        batch = samples[start:start + batch_size]
        input_ids = torch.full((len(batch), pool_max), pad_id)
        labels = torch.full((len(batch), pool_max), IGNORE_INDEX)
        attention_mask = torch.zeros((len(batch), pool_max), dtype=torch.long)
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
    if any(not np.array_equal(np.isnan(x), np.isnan(y)) for x, y in zip(a, b, strict=True)):
        return float("inf")
    return float(max(np.nanmax(np.abs(x - y)) for x, y in zip(a, b, strict=True) if not np.isnan(x).all()))


def global_masks(scores: list[np.ndarray], keep: float = KEEP) -> list[np.ndarray]:
    """Each sample's kept tokens under the global top-``keep`` threshold of these scores."""
    threshold = global_threshold(np.concatenate(scores), keep)
    return [kept_by_threshold(s, threshold) for s in scores]


def differing_masks(a: list[np.ndarray], b: list[np.ndarray]) -> int:
    return sum(not np.array_equal(x, y) for x, y in zip(global_masks(a), global_masks(b), strict=True))


def alternated(runs: dict[str, Callable[[], list[np.ndarray]]], rounds: int) -> tuple[dict, dict]:
    """Seconds of each run per round, the order rotated every round; and each run's last scores."""
    names, seconds, scores = list(runs), {name: [] for name in runs}, {}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            start = time.perf_counter()
            scores[name] = runs[name]()
            seconds[name].append(time.perf_counter() - start)
    return seconds, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40, help="samples to score (0: all 180)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--format", default="chat_template",
                        choices=["chat_template", "tulu", "tulu_reference", "prompt_completion"])
    parser.add_argument("--max-length", type=int, default=2048)
    parser.add_argument("--max-batch-tokens", type=int, default=4096)
    parser.add_argument("--baseline-batch-size", type=int, default=8)
    parser.add_argument("--old-ref", default=OLD_REF, help="the commit whose scorer is 'old'")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch intra-op threads for all three (1: what each task of the job on local[2] uses)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    sys.path.insert(0, str(REPO))   # tests/support: the test models
    from tests.support.models import prepare_test_models

    paths = prepare_test_models(default_models_dir())
    tokenizer = load_tokenizer(paths["smollm2"])
    base, ref = load_causal_lm(paths["smollm2"]), load_causal_lm(paths["tiny0"])
    pad_id = padding_token_id(tokenizer)
    rows = load_samples(args.limit)
    samples = [format_sample(row, tokenizer, args.format, args.max_length) for row in rows]
    ids, labels = [s.input_ids for s in samples], [s.labels for s in samples]
    lengths = [len(i) for i in ids]
    scored_tokens = sum(sum(label != IGNORE_INDEX for label in s.labels[1:]) for s in samples)

    with tempfile.TemporaryDirectory(prefix="old-scoring-") as folder:
        old = import_old_scoring(args.old_ref, Path(folder))
    overhead = forward_overhead_tokens("cpu")
    new_scorer = TokenScorer(base, ref, pad_token_id=pad_id, max_batch_tokens=args.max_batch_tokens,
                             overhead_tokens=overhead)
    old_scorer = old.TokenScorer(base, ref, pad_token_id=pad_id, max_batch_tokens=args.max_batch_tokens)
    for scorer in (new_scorer, old_scorer):
        scorer.score_samples(ids[:1], labels[:1])   # warm-up
    runs = {AUTHORS: lambda: padded_loop_scores(base, ref, samples, pad_id, args.baseline_batch_size),
            OLD: lambda: old_scorer.score_samples(ids, labels),
            NEW: lambda: new_scorer.score_samples(ids, labels)}
    seconds, scores = alternated(runs, args.rounds)

    table = []
    for name in runs:
        median = statistics.median(seconds[name])
        table.append({"scorer": name, "median_s": median, "rounds_s": seconds[name],
                      "scored_tokens_per_s": scored_tokens / median,
                      "max_abs_diff_vs_authors": max_abs_diff(scores[name], scores[AUTHORS]),
                      "masks_differing_from_authors": differing_masks(scores[name], scores[AUTHORS])})
    ratios = {f"{a} / {b}": statistics.median(sb / sa for sa, sb in zip(seconds[a], seconds[b], strict=True))
              for a, b in ((NEW, AUTHORS), (NEW, OLD), (OLD, AUTHORS))}

    print(f"data: {SFT_SAMPLE.relative_to(REPO)}, {len(samples)} samples, {sum(lengths)} tokens "
          f"(max {max(lengths)}, median {int(np.median(lengths))}), {scored_tokens} scored; format {args.format}; "
          f"torch threads {torch.get_num_threads()}; {args.rounds} alternated rounds; old = {args.old_ref}")
    print(f"{'scorer':34} {'median s':>9} {'scored tok/s':>13} {'max |diff| vs authors':>22} {'masks differing':>16}")
    for row in table:
        print(f"{row['scorer']:34} {row['median_s']:9.2f} {row['scored_tokens_per_s']:13.1f} "
              f"{row['max_abs_diff_vs_authors']:22.2e} {row['masks_differing_from_authors']:16d}")
    for name, ratio in ratios.items():
        print(f"tokens/s ratio {name}: {ratio:.2f}x (median of the rounds' ratios)")

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"token_scoring_{len(samples)}.json"
    out.write_text(json.dumps({
        "data": str(SFT_SAMPLE.relative_to(REPO)), "samples": len(samples), "tokens": sum(lengths),
        "max_length_in_pool": max(lengths), "scored_tokens": scored_tokens, "format": args.format,
        "models": {k: str(v) for k, v in paths.items()}, "max_batch_tokens": args.max_batch_tokens,
        "forward_overhead_tokens": overhead, "baseline_batch_size": args.baseline_batch_size,
        "old_ref": args.old_ref, "rounds": args.rounds, "device": "cpu", "torch_threads": torch.get_num_threads(),
        "machine": platform.platform(), "results": table, "tokens_per_s_ratios": ratios,
    }, indent=2))
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
