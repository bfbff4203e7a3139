"""The ``lakerefine`` console command: one subcommand per job, plus helpers."""
from __future__ import annotations

import argparse
import importlib
import sys

from lakerefine.jobs.common import add_job_arguments, run_job

# Subcommand -> module under lakerefine.jobs.
JOBS = {
    "ingest": "ingest",
    "refine": "refine",
    "expert": "expert",
    "distill": "distill",
    "train-refiner": "train_refiner",
    "train-classifier": "train_classifier",
    "ingest-sft": "ingest_sft",
    "token-clean": "token_clean",
    "train-reference": "train_reference",
    "export": "export",
}
# Subcommands that are not jobs (no run recorded) -> module with HELP, add_arguments(parser), main(args).
HELPERS = {
    "query": "query",
    "report": "report",
    "emr-steps": "emr_steps",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lakerefine",
                                     description="Fine-grained LLM corpus refinement on Spark + Delta.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command, module_name in JOBS.items():
        job = importlib.import_module(f"lakerefine.jobs.{module_name}")
        job_parser = sub.add_parser(command, help=escape_percent(job.HELP), description=job.HELP)
        add_job_arguments(job_parser, job)
        job_parser.set_defaults(job=job)
    conf_parser = sub.add_parser("spark-conf", help="print the spark-submit --conf arguments a config implies")
    conf_parser.add_argument("--config", default="local")
    conf_parser.add_argument("--set", action="append", default=[])
    conf_parser.set_defaults(job=None)
    for command, module_name in HELPERS.items():
        helper = importlib.import_module(f"lakerefine.jobs.{module_name}")
        helper_parser = sub.add_parser(command, help=escape_percent(helper.HELP), description=helper.HELP)
        helper.add_arguments(helper_parser)
        helper_parser.set_defaults(job=None)
    return parser


def escape_percent(text: str) -> str:
    """argparse %-formats help strings (for ``%(default)s``): a literal % must be %%."""
    return text.replace("%", "%%")


def print_spark_conf(args: argparse.Namespace) -> int:
    from lakerefine.conf.loader import load_settings
    from lakerefine.udfs.lake.session import spark_conf

    settings = load_settings(args.config, args.set)
    for key, value in spark_conf(settings.spark).items():
        print(f"--conf {key}={value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "spark-conf":
        return print_spark_conf(args)
    if args.command in HELPERS:
        return importlib.import_module(f"lakerefine.jobs.{HELPERS[args.command]}").main(args)
    return run_job(args.job, args)


if __name__ == "__main__":
    sys.exit(main())
