"""lakerefine distill: expert_pairs -> refiner_sft (the refiner's prompt per chunk, the distilled program)."""
from __future__ import annotations

import argparse
import sys

NAME = "distill"
HELP = ("Turn one expert run's accepted (raw, expert) pairs into refiner training pairs: the prompt "
        "exactly as the refine job renders each chunk, and the deletion program distilled from the "
        "expert's edit, accepted or rejected with the reason.")
TABLES = {"input": ("expert_pairs", "expert pairs table"), "output": ("refiner_sft", "training pairs table")}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--expert-run-id", default=None,
                        help="distill this expert run's pairs (default: the run written last)")


def check_arguments(settings, args: argparse.Namespace) -> None:
    """Fail before any Spark work: the refiner prompt, the tokenizer directory."""
    from pathlib import Path

    from lakerefine.udfs.distill.run import render_spec
    from lakerefine.udfs.generate.prompts import load_prompt

    spec = render_spec(settings)
    load_prompt(spec.prompt)
    if not Path(spec.tokenizer_path).is_dir():
        key = "distill.tokenizer_path" if settings.distill.tokenizer_path else "train_refiner.base_model"
        raise ValueError(f"{key}: {spec.tokenizer_path} is not a directory (the tokenizer of the model to train)")


def run(spark, settings, args, run):
    from lakerefine.udfs.distill.run import DistillTables, run_distill
    from lakerefine.udfs.lake.tables import TableRef

    tables = DistillTables(input=TableRef.resolve(args.input, settings.tables),
                           output=TableRef.resolve(args.output, settings.tables))
    return run_distill(spark, settings, tables, args.expert_run_id, run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
