"""lakerefine train-reference: fine-tune the base model (LoRA, merged) on a high-quality sft table."""
from __future__ import annotations

import argparse
import json
import sys

NAME = "train-reference"
HELP = ("Train Token Cleaning's reference model: the base model fine-tuned with LoRA on a high-quality "
        "sft table, merged and saved as a model directory (settings: training.*).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", default="sft", help="high-quality sft table (default: sft)")
    parser.add_argument("--base", default=None, help="base model directory (default: token_clean.base_model)")
    parser.add_argument("--output", required=True, help="model directory to create (must not exist)")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N samples by sample_id")
    parser.add_argument("--max-steps", type=int, default=None, help="training.max_steps")


def check_arguments(settings, args: argparse.Namespace) -> None:
    from pathlib import Path

    from lakerefine.conf.identifiers import check_table_name
    from lakerefine.udfs.tokenclean.model_checks import check_model_dir

    check_table_name(args.input)
    from lakerefine.conf.loader import set_key

    if args.base is not None:
        set_key(settings, "token_clean.base_model", args.base)
    if args.max_steps is not None:
        set_key(settings, "training.max_steps", args.max_steps)
    check_model_dir(settings.token_clean.base_model, "token_clean.base_model")
    if Path(args.output).exists():
        raise ValueError(f"--output {args.output} exists already; give a new directory")
    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be >= 1")


def run(spark, settings, args, run) -> str:
    from dataclasses import asdict
    from pathlib import Path

    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.tokenclean.reference_model import train_reference

    table = TableRef.resolve(args.input, settings.tables)
    dest = Path(args.output).resolve()
    report = train_reference(spark, settings, table, settings.token_clean.base_model, dest, run, args.limit)
    run.metrics["training"] = asdict(report)
    run.count("steps", report.steps)
    return (f"train-reference {run.run_id}: {report.examples} examples, {report.steps} steps, "
            f"loss {report.first_loss:.3f} -> {report.last_loss:.3f} ({report.seconds:.0f} s on {report.device})\n"
            f"  reference model: {dest}\n" + json.dumps(asdict(report), indent=2))


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
