"""lakerefine train-classifier: (raw, expert) pairs in a Delta table -> a line classifier model file."""
from __future__ import annotations

import argparse
import sys

NAME = "train-classifier"
HELP = ("Train the line classifier of refine.backend=classifier from (raw, expert) text pairs in a Delta "
        "table (the expert job's expert_pairs, or any table with a gold column: train_classifier.raw_column "
        "and .expert_column), with the site shares computed by Spark; a sample of at most "
        "train_classifier.max_pages pages trains on the driver. Writes the model file and its content hash.")
TABLES = {"input": ("expert_pairs", "pairs table (doc_id + raw and expert text columns)")}
INPUT_VERSION = "train on this Delta version of the input"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pairs-run-id", default=None,
                        help="when the table has a run_id column (expert_pairs): train on this run's rows "
                             "(default: the run written last)")
    parser.add_argument("--output", default=None,
                        help="the model file to write (default: <train_classifier.output_root>/<run id>.json)")


def run(spark, settings, args, run):
    from pathlib import Path

    from lakerefine.udfs.lake.tables import TableRef
    from lakerefine.udfs.train.classifier import run_train_classifier

    model_file = Path(args.output or Path(settings.train_classifier.output_root) / f"{run.run_id}.json").resolve()
    return run_train_classifier(spark, settings.train_classifier, TableRef.resolve(args.input, settings.tables),
                                args.input_version, args.pairs_run_id, model_file, run)


if __name__ == "__main__":
    from lakerefine.jobs.common import main_for
    sys.exit(main_for(sys.modules[__name__]))
