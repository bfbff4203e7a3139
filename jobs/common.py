"""What every job shares: common options, config loading, the session, the runs row.

A job module has ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(spark, settings, args, run) -> str | None`` (a summary to print).
It is runnable as ``lakerefine NAME ...`` and as ``spark-submit jobs/NAME.py ...``.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from types import ModuleType

from lakerefine.conf.loader import ConfigError, load_settings


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="local",
                        help="local | databricks | emr, or a YAML file (default: local)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config key, e.g. --set refine.backend=hf (repeatable)")
    parser.add_argument("--run-id", default=None,
                        help="name this run; reusing the id of a killed run resumes it")
    add_output_arguments(parser)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("--verbose", action="store_true",
                       help="show Spark's and the JVM's own log output (hidden by default)")
    noise.add_argument("--quiet", action="store_true", help="print only the summary and errors")


def configure_logging(args: argparse.Namespace) -> None:
    """lakerefine's own progress at INFO (none with --quiet); other libraries at WARNING
    (everything with --verbose)."""
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("lakerefine").setLevel(logging.WARNING if args.quiet else logging.INFO)


def job_parser(job: ModuleType) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"lakerefine {job.NAME}", description=job.HELP)
    add_common_arguments(parser)
    job.add_arguments(parser)
    return parser


def execute(job: ModuleType, args: argparse.Namespace) -> int:
    """Validate config (before any Spark work), then run the job inside a recorded run."""
    configure_logging(args)
    try:
        settings = load_settings(args.config, args.set)
        check = getattr(job, "check_arguments", None)
        if check:
            check(settings, args)
    except (ConfigError, ValueError) as err:
        print(f"lakerefine {job.NAME}: configuration error: {err}", file=sys.stderr)
        return 2
    from lakerefine.udfs.lake.runs import recorded_run
    from lakerefine.udfs.lake.session import build_session

    spark = build_session(settings.spark, verbose=args.verbose)
    with recorded_run(spark, settings, job.NAME, args.run_id) as run:
        summary = job.run(spark, settings, args, run)
    print(summary or json.dumps({"run_id": run.run_id, **run.counts}, indent=2))
    return 0


def main_for(job: ModuleType, argv: list[str] | None = None) -> int:
    return execute(job, job_parser(job).parse_args(argv))
