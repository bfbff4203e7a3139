"""What the token-clean tests share: a few short SFT samples and a lake folder per test module."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lakerefine.conf.loader import load_settings
from lakerefine.udfs.lake.tables import TableRef

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "sft.jsonl"
MAX_LENGTH = 96
# Its response starts after MAX_LENGTH tokens: truncated, nothing left to score.
LONG_PROMPT = {"id": "long-prompt", "messages": [
    {"role": "user", "content": "Please read all of this first. " * 20},
    {"role": "assistant", "content": "Done reading."}]}


def short_samples(n: int) -> list[dict]:
    """The first ``n`` samples of the built-in sample with one multi-turn conversation, + LONG_PROMPT."""
    rows = [json.loads(line) for line in SAMPLE.read_text().splitlines() if line.strip()]
    multi = next(r for r in rows if sum(m["role"] == "assistant" for m in r["messages"]) > 1
                 and sum(len(m["content"]) for m in r["messages"]) < 200)
    return [*rows[: n - 1], multi, LONG_PROMPT]


@dataclass
class Lake:
    """A folder of tables for one test module, and the real ``lakerefine`` command run against it."""

    root: Path
    overrides: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, lake_root: Path, *extra: str) -> "Lake":
        base = lake_root / f"m_{uuid.uuid4().hex[:8]}"
        return cls(base, [f"tables.base_path={base}", f"spark.warehouse_dir={lake_root / '_warehouse'}",
                          f"token_clean.self_evolving.run_root={base / '_runs'}",
                          # scores are compared within an fp32 error model (fp32_loss_tolerance), on a machine with a GPU too
                          "token_clean.scoring.device=cpu", "token_clean.scoring.dtype=float32",
                          "training.device=cpu", *extra])

    @property
    def settings(self):
        return load_settings("local", self.overrides)

    def run(self, *argv: str) -> int:
        from lakerefine.jobs.cli import main
        return main([*argv, *(arg for item in self.overrides for arg in ("--set", item))])

    def table(self, name: str) -> TableRef:
        return TableRef.resolve(name, self.settings.tables)

    def frame(self, spark, name: str, version: int | None = None) -> pd.DataFrame:
        return self.table(name).read(spark, version).toPandas()

    def runs(self, spark) -> pd.DataFrame:
        return self.frame(spark, self.settings.tables.runs)

    def ingest(self, samples: list[dict], name: str = "sft") -> None:
        path = self.root / f"{name}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(s) + "\n" for s in samples))
        assert self.run("ingest-sft", "--input", str(path), "--output", name) == 0


# fp32 error model for per-token losses (see fp32_loss_tolerance).
UNIT_ROUNDOFF_FP32 = 2.0 ** -24
ROUNDING_SPREAD = 4     # lambda of the probabilistic bound: exceeded with probability ~ 2 exp(-lambda^2 / 2)


def fp32_loss_tolerance(model, token_ids: list[list[int]]) -> float:
    """How far two fp32 computations of one token's loss may differ when only the order of
    their sums differs (padding, batch shape and CPU kernels choose the order).

    A logit z_v = w_v . h is a dot product over the model's width d; reordering its sum moves
    it by at most ~ lambda * u * sqrt(d) * |z| (the probabilistic rounding-error bound of an
    inner product, Higham & Mary 2019; u = 2^-24, lambda = ROUNDING_SPREAD). The loss
    logsumexp(z) - z_t changes by at most twice the largest logit change (its gradient in z
    has l1 norm 2), and its own final rounding adds up to 2 u |loss|. Evaluated over
    ``token_ids`` with a plain forward: |z| and |loss| at their largest."""
    import torch
    import torch.nn.functional as F

    width = model.config.hidden_size
    largest_logit, largest_loss = 0.0, 0.0
    with torch.no_grad():
        for ids in token_ids:
            logits = model(torch.tensor([ids])).logits[0].float()
            losses = F.cross_entropy(logits[:-1], torch.tensor(ids[1:]), reduction="none")
            largest_logit = max(largest_logit, float(logits.abs().max()))
            largest_loss = max(largest_loss, float(losses.abs().max()))
    u = UNIT_ROUNDOFF_FP32
    return 2 * ROUNDING_SPREAD * u * width ** 0.5 * largest_logit + 2 * u * largest_loss


def fp32_score_tolerance(base, ref, token_ids: list[list[int]]) -> float:
    """The tolerance of a score loss_base - loss_ref: the two losses' tolerances added."""
    return fp32_loss_tolerance(base, token_ids) + fp32_loss_tolerance(ref, token_ids)
