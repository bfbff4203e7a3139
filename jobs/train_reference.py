"""lakerefine train-reference: fine-tune the base model (LoRA, merged) on a high-quality sft table."""
from __future__ import annotations

import argparse
import sys

NAME = "train-reference"
HELP = ("Train Token Cleaning's reference model: the base model fine-tuned with LoRA on a high-quality "
        "sft table, merged and saved as a model directory (settings: train_reference.*).")
FLAGS = {"base": "token_clean.base_model", "max_steps": "train_reference.max_steps"}
TABLES = {"input": ("sft", "high-quality sft table")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base", default=None, help="base model directory (default: token_clean.base_model)")
    parser.add_argument("--output", required=True, help="model directory to create (must not exist)")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N samples by sample_id")
    parser.add_argument("--max-steps", type=int, default=None, help="train_reference.max_steps")


def check_arguments(settings, args: argparse.Namespace) -> None:
    from pathlib import Path

    from lakerefine.udfs.tokenclean.model_checks import check_model_dir

    check_model_dir(settings.token_clean.base_model, "token_clean.base_model")
    if Path(args.output).exists():
        raise ValueError(f"--output {args.output} exists already; give a new directory")
    if args.limit is not None and args.limit < 1:
        raise ValueError("--limit must be >= 1")


def run(spark, settings, args, run):
    from pathlib import Path

    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.train.run import run_train_reference

    return run_train_reference(spark, settings, TableRef.resolve(args.input, settings.tables),
                               Path(args.output).resolve(), run, args.limit)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
