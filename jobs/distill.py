"""lakerefine distill: expert_pairs -> refiner_sft (the refiner's prompt per chunk, the distilled program)."""
from __future__ import annotations

import argparse
import sys

NAME = "distill"
HELP = ("Turn one expert run's accepted (raw, expert) pairs into refiner training pairs: the prompt "
        "exactly as the refine job renders each chunk, and the deletion program distilled from the "
        "expert's edit, accepted or rejected with the reason.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="expert_pairs", help="expert pairs table (default: expert_pairs)")
    parser.add_argument("--expert-run-id", default=None,
                        help="distill this expert run's pairs (default: the run written last)")
    parser.add_argument("--output", default="refiner_sft", help="training pairs table (default: refiner_sft)")


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Fail before any Spark work: table names, the refiner prompt, the tokenizer directory."""
    from pathlib import Path

    from lakerefine.conf.identifiers import check_table_name
    from lakerefine.udfs.distill.chunk_pairs import render_spec
    from lakerefine.udfs.refine.prompts import load_prompt

    check_table_name(args.input)
    check_table_name(args.output)
    spec = render_spec(settings)
    load_prompt(spec.prompt)
    if not Path(spec.tokenizer_path).is_dir():
        key = "distill.tokenizer_path" if settings.distill.tokenizer_path else "train_refiner.base_model"
        raise ValueError(f"{key}: {spec.tokenizer_path} is not a directory (the tokenizer of the model to train)")


def run(spark, settings, args, run) -> str:
    from lakerefine.udfs.distill.distill_pairs import DistillTables, distill_pairs
    from lakerefine.udfs.lake.tables import TableRef

    tables = DistillTables(input=TableRef.resolve(args.input, settings.tables),
                           output=TableRef.resolve(args.output, settings.tables))
    result = distill_pairs(spark, settings, tables, args.expert_run_id, run)
    samples = sum(result.by_status.values())
    counts = {"expert_rows": result.expert_rows, "expert_accepted": result.expert_accepted,
              "expert_not_accepted": result.expert_rows - result.expert_accepted, "samples": samples,
              "docs_with_accepted_samples": result.docs_with_accepted_samples,
              **{f"status.{status}": n for status, n in result.by_status.items()},
              **{f"reason.{reason}": n for reason, n in result.by_reason.items()}}
    for key, n in counts.items():
        run.count(key, n)
    run.metrics["expert_run_id"] = result.expert_run_id
    run.output_version = tables.output.commit_version_of(spark, run.run_id)
    reasons = ", ".join(f"{r} {n}" for r, n in sorted(result.by_reason.items())) or "none"
    return (f"distill {run.run_id}: expert run {result.expert_run_id}: {result.expert_rows} pairs, "
            f"{result.expert_accepted} accepted by the expert stage and distilled\n"
            f"  {samples} chunk samples: {result.by_status.get('accepted', 0)} accepted "
            f"({result.docs_with_accepted_samples} documents), {result.by_status.get('rejected', 0)} rejected "
            f"(reasons: {reasons})\n"
            f"  refiner_sft: {tables.output} (run_id = '{run.run_id}', version {run.output_version})")


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
