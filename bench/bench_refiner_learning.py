"""Does the learning loop teach SmolLM2 to refine? Deletion quality before and after training.

    python bench/bench_refiner_learning.py [--quick] [--steps N] [--train-docs N] [--eval-docs N]

The loop with a perfect expert: for dev documents of the labelled set
(udfs/samples/labelled.py) the expert's output is the text minus its labelled
boilerplate; it is distilled into chunk-level training pairs exactly as
`lakerefine distill` does (the refine job's own prompts), and SmolLM2-135M-Instruct
is fine-tuned on them as `lakerefine train-refiner` does, for a few CPU minutes.
On held-out documents (other articles and posts) the refine job's `hf` backend
writes programs with the base model and with the trained one; the executor runs
them, and the deleted characters are scored against the labels: precision,
recall, F1, and the share of calls rejected. Two references, side by side in
the same run: the `rules` backend, and the gold programs themselves (what
the distiller makes of the labels: the ceiling a perfect refiner reaches).
Writes bench/results/refiner_learning.json.

Read with care: a few CPU steps on tens of examples are a smoke test of the
loop, not of RefineX's 2M-document training; the web pages' boilerplate is
templated (see bench_rules_quality.py), so held-out web pages share templates
with the dev ones, while held-out newsgroup posts are genuinely new text.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lakerefine.conf.loader import load_settings
from lakerefine.conf.settings import HfGenerationSettings, RefineSettings, TrainRefinerSettings
from lakerefine.udfs.distill.chunk_pairs import chunk_pairs
from lakerefine.udfs.distill.run import render_spec
from lakerefine.udfs.distill.udf import refine_prompter
from lakerefine.udfs.generate.assets import load_tokenizer
from lakerefine.udfs.program.executor import execute
from lakerefine.udfs.refine.backends import create_backend
from lakerefine.udfs.refine.documents import Document, DocumentLimits, Outcome, refine_documents
from lakerefine.udfs.train.examples import tokenize_example
from lakerefine.udfs.train.hf_trainer import train_refiner_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/support: the labelled set, the gold expert
from tests.support.gold import gold_expert_text  # noqa: E402
from tests.support.models import prepare_test_models  # noqa: E402
from tests.support.samples.labelled import KINDS, LabelledDoc, build_labelled_set, split_labelled  # noqa: E402
from tests.support.samples.scoring import DeletionScore, score_document  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "refiner_learning.json"
FULL = {"train_docs": 48, "eval_docs": 12, "steps": 30, "batch_size": 1, "max_new_tokens": 96}
QUICK = {"train_docs": 6, "eval_docs": 3, "steps": 3, "batch_size": 1, "max_new_tokens": 48}


@dataclass
class Evaluation:
    score: DeletionScore = field(default_factory=DeletionScore)
    by_kind: dict[str, DeletionScore] = field(default_factory=lambda: defaultdict(DeletionScore))
    calls_accepted: int = 0
    calls_rejected: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    @property
    def rejected_rate(self) -> float:
        calls = self.calls_accepted + self.calls_rejected
        return self.calls_rejected / calls if calls else 0.0

    def add(self, doc: LabelledDoc, spans: list[tuple[int, int]], accepted: int, rejected: int, status: str) -> None:
        score = score_document(doc, spans)
        self.score.add(score)
        self.by_kind[doc.kind].add(score)
        self.calls_accepted += accepted
        self.calls_rejected += rejected
        self.statuses[status] += 1

    def as_dict(self) -> dict:
        return {**self.score.as_dict(), "calls_accepted": self.calls_accepted,
                "calls_rejected": self.calls_rejected, "rejected_call_rate": round(self.rejected_rate, 4),
                "statuses": dict(self.statuses), "seconds": round(self.seconds, 1),
                "by_kind": {kind: s.as_dict() for kind, s in sorted(self.by_kind.items())}}


def pick(docs: list[LabelledDoc], n: int, max_chars: int) -> list[LabelledDoc]:
    """n documents of at most max_chars, spread evenly over the kinds, in a fixed pseudo-random order."""
    def key(doc: LabelledDoc) -> str:
        return hashlib.sha256(doc.doc_id.encode()).hexdigest()
    pools = [sorted((d for d in docs if d.kind == kind and len(d.text) <= max_chars), key=key) for kind in KINDS]
    picked: list[LabelledDoc] = []
    while len(picked) < n and any(pools):
        for pool in pools:
            if pool and len(picked) < n:
                picked.append(pool.pop(0))
    return picked


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def evaluate(backend_settings: RefineSettings, docs: list[LabelledDoc]) -> Evaluation:
    progress(f"refining {len(docs)} held-out documents with the {backend_settings.backend} backend")
    started = time.perf_counter()
    backend = create_backend(backend_settings, "cpu")
    outcomes: list[Outcome] = refine_documents([Document(d.doc_id, d.text) for d in docs], backend,
                                               DocumentLimits.of(backend_settings))
    evaluation = Evaluation()
    for doc, outcome in zip(docs, outcomes, strict=True):
        evaluation.add(doc, outcome.spans, outcome.calls_accepted, outcome.calls_rejected, outcome.status)
    evaluation.seconds = time.perf_counter() - started
    return evaluation


def evaluate_gold(docs: list[LabelledDoc], spec) -> Evaluation:
    evaluation = Evaluation()
    prompter = refine_prompter(spec)
    for doc in docs:
        distillation, _ = chunk_pairs(doc.text, gold_expert_text(doc), prompter, spec)
        run = execute(doc.text, distillation.program, max_line_chars=spec.max_line_chars)
        evaluation.add(doc, run.spans, run.calls_accepted, run.calls_rejected, run.status)
    return evaluation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a minute-scale smoke run")
    parser.add_argument("--steps", type=int)
    parser.add_argument("--train-docs", type=int)
    parser.add_argument("--eval-docs", type=int)
    parser.add_argument("--max-new-tokens", type=int)
    parser.add_argument("--max-chars", type=int, default=2500, help="longest document used (CPU budget)")
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    args = parser.parse_args()
    plan = dict(QUICK if args.quick else FULL)
    plan.update({k: v for k, v in {"steps": args.steps, "train_docs": args.train_docs, "eval_docs": args.eval_docs,
                                   "max_new_tokens": args.max_new_tokens}.items() if v is not None})

    smollm2 = str(prepare_test_models(Path(tempfile.mkdtemp()))["smollm2"])
    settings = load_settings("local", [f"train_refiner.base_model={smollm2}", f"refine.hf.model_path={smollm2}"])
    spec = render_spec(settings)
    dev, held_out = split_labelled(build_labelled_set())
    train_docs = pick(dev, plan["train_docs"], args.max_chars)
    eval_docs = pick(held_out, plan["eval_docs"], args.max_chars)

    started = time.perf_counter()
    prompter, tokenizer = refine_prompter(spec), load_tokenizer(smollm2)
    examples, rejected_pairs = [], defaultdict(int)
    for doc in train_docs:
        _, pairs = chunk_pairs(doc.text, gold_expert_text(doc), prompter, spec)
        for pair in pairs:
            if pair.status == "accepted":
                examples.append(tokenize_example(tokenizer, f"{doc.doc_id}#{pair.chunk_index}", pair.prompt,
                                                 pair.program))
            else:
                rejected_pairs[pair.reason] += 1
    distill_seconds = time.perf_counter() - started

    def lm_settings(model: str) -> RefineSettings:
        hf = HfGenerationSettings(model_path=model, max_new_tokens=plan["max_new_tokens"], device="cpu", batch_size=4)
        return settings.refine.model_copy(update={"backend": "hf", "hf": hf})

    results: dict[str, Evaluation] = {"gold programs (ceiling)": evaluate_gold(eval_docs, spec),
                                      "rules backend": evaluate(settings.refine, eval_docs),
                                      "SmolLM2 before training": evaluate(lm_settings(smollm2), eval_docs)}
    with tempfile.TemporaryDirectory(prefix="refiner-bench-") as tmp:
        config = TrainRefinerSettings(base_model=smollm2, max_steps=plan["steps"], batch_size=plan["batch_size"],
                                      learning_rate=args.learning_rate, lr_scheduler="constant_with_warmup",
                                      warmup_ratio=0.1, logging_steps=1, device="cpu")
        progress(f"training on {len(examples)} examples for {plan['steps']} steps")
        started = time.perf_counter()
        trained = train_refiner_model(examples, config, Path(tmp) / "run")
        train_seconds = time.perf_counter() - started
        results["SmolLM2 after training"] = evaluate(lm_settings(trained.model_dir), eval_docs)

    print(f"train: {len(train_docs)} dev docs -> {len(examples)} chunk examples "
          f"({dict(rejected_pairs) or 'none'} rejected), {trained.steps} steps x batch {plan['batch_size']} "
          f"in {train_seconds:.0f}s; loss {trained.losses[0]:.3f} -> {trained.losses[-1]:.3f}")
    kinds = ", ".join(f"{k} {sum(d.kind == k for d in eval_docs)}" for k in KINDS)
    print(f"eval: {len(eval_docs)} held-out docs ({kinds}),"
          f" max_new_tokens {plan['max_new_tokens']}\n")
    print(f"{'refiner':<26}{'precision':>10}{'recall':>8}{'f1':>8}{'calls':>7}{'rejected':>10}{'seconds':>9}")
    for name, e in results.items():
        print(f"{name:<26}{e.score.precision:>10.3f}{e.score.recall:>8.3f}{e.score.f1:>8.3f}"
              f"{e.calls_accepted + e.calls_rejected:>7}{e.rejected_rate:>10.1%}{e.seconds:>9.0f}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "plan": plan, "quick": args.quick, "max_chars": args.max_chars, "learning_rate": args.learning_rate,
        "train": {"docs": len(train_docs), "examples": len(examples), "rejected_pairs": dict(rejected_pairs),
                  "steps": trained.steps, "seconds": round(train_seconds, 1), "losses": trained.losses,
                  "distill_seconds": round(distill_seconds, 1)},
        "eval_docs": [d.doc_id for d in eval_docs],
        "results": {name: e.as_dict() for name, e in results.items()},
        "notes": __doc__.split("\n\n", 3)[3].replace("\n", " "),
    }, indent=2) + "\n")
    print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
