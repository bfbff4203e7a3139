"""What every job shares: common options, config loading, the session, the runs row, the summary.

A job module has ``NAME``, ``HELP``, ``add_arguments(parser)`` for its own options,
``run(spark, settings, args, run) -> RunResult``, and optionally ``TABLES`` (the table options
it takes: option -> (default, what)), ``INPUT_VERSION`` (the help of ``--input-version``),
``FLAGS`` (which options set which config keys), ``check_arguments(settings, args)`` (fails
fast, changes nothing) and ``dry_run(spark, settings, args) -> str`` (for ``--dry-run``: writes
no table and returns what to print). It is runnable as ``lakerefine NAME ...`` and as
``spark-submit jobs/NAME.py ...``.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from types import ModuleType
from typing import Any

from lakerefine.conf.loader import ConfigError, load_settings


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="local",
                        help="local | databricks | emr, or a YAML file (default: local)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config key, e.g. --set refine.backend=hf (repeatable)")
    parser.add_argument("--run-id", default=None,
                        help="name this run; reusing the id of a killed run resumes it")
    add_output_arguments(parser)


def add_job_arguments(parser: argparse.ArgumentParser, job: ModuleType) -> None:
    """The common options, the job's declared tables and input version, then its own options."""
    add_common_arguments(parser)
    for option, (default, what) in getattr(job, "TABLES", {}).items():
        parser.add_argument(f"--{option}", default=default,
                            help=f"{what}: a path or catalog name (default: {default})")
    if hasattr(job, "INPUT_VERSION"):
        parser.add_argument("--input-version", type=int, default=None,
                            help=f"{job.INPUT_VERSION} (default: the latest)")
    job.add_arguments(parser)


def check_common_arguments(job: ModuleType, args: argparse.Namespace) -> None:
    """Tables are plain names or paths, a run id is a plain name (saved queries quote it into SQL)."""
    from lakerefine.conf.identifiers import check_plain, check_table_name

    for option in getattr(job, "TABLES", {}):
        check_table_name(getattr(args, option))
    if args.run_id is not None:
        check_plain("--run-id", args.run_id)
    if getattr(args, "input_version", None) is not None and args.input_version < 0:
        raise ValueError("--input-version must be >= 0")


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


def flag_values(job: ModuleType, args: argparse.Namespace) -> dict[str, Any]:
    """The config keys the job's FLAGS map its given command-line options to."""
    flags: dict[str, str] = getattr(job, "FLAGS", {})
    return {key: getattr(args, dest) for dest, key in flags.items() if getattr(args, dest) is not None}


def job_parser(job: ModuleType) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"lakerefine {job.NAME}", description=job.HELP)
    add_job_arguments(parser, job)
    return parser


def run_job(job: ModuleType, args: argparse.Namespace) -> int:
    """Validate config (before any Spark work), run the job, record its runs row, print its summary."""
    configure_logging(args)
    try:
        settings = load_settings(args.config, args.set, flag_values(job, args))
        check_common_arguments(job, args)
        check = getattr(job, "check_arguments", None)
        if check:
            check(settings, args)
    except (ConfigError, ValueError) as err:
        print(f"lakerefine {job.NAME}: configuration error: {err}", file=sys.stderr)
        return 2
    from lakerefine.udfs.lake.progress import job_progress
    from lakerefine.udfs.lake.runs import start_run, write_run_row
    from lakerefine.udfs.lake.session import build_session

    spark = build_session(settings.spark, verbose=args.verbose)
    if getattr(args, "dry_run", False):  # writes nothing, not even the runs row
        print(job.dry_run(spark, settings, args))
        return 0
    run = start_run(spark, settings, job.NAME, args.run_id)
    clock = time.perf_counter()
    try:
        with job_progress(spark, job.NAME, settings.progress, args.quiet):
            result = job.run(spark, settings, args, run)
    except BaseException as err:
        run.timings_s["total"] = round(time.perf_counter() - clock, 3)
        write_run_row(spark, run, None, err)
        raise
    run.timings_s["total"] = round(time.perf_counter() - clock, 3)
    write_run_row(spark, run, result, None)
    print(result.summary(job.NAME, run.run_id))
    return 0


def main_for(job: ModuleType, argv: list[str] | None = None) -> int:
    return run_job(job, job_parser(job).parse_args(argv))
