"""lakerefine emr-steps: print the AWS request bodies that run a lakerefine job on EMR.

    lakerefine emr-steps --code-uri s3://bucket/lakerefine/code refine \\
        --set tables.base_path=s3://bucket/lake --set refine.backend=vllm --input corpus --output refined
    lakerefine emr-steps --target serverless --application-id 00abc --role-arn arn:... ingest --input s3://...

EC2 prints ``{"RunJobFlow": ..., "AddJobFlowSteps": ...}`` (a GPU cluster, and the step for a running
one); Serverless prints ``{"StartJobRun": ...}`` (CPU only). Feed one part to the AWS CLI, e.g.
``aws emr add-job-flow-steps --cli-input-json "$(... | jq .AddJobFlowSteps)"``. Upload first:
``jobs/cli.py``, the wheel (``scripts/build_bundle.sh``) and ``scripts/emr_bootstrap.sh`` to --code-uri.
"""
from __future__ import annotations

import argparse
import json
import sys
import uuid

HELP = "Print the EMR (EC2 with GPU core nodes, or Serverless) request bodies that run a lakerefine job."
CHANGE_ME = "CHANGE-ME"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", choices=["ec2", "serverless"], default="ec2")
    parser.add_argument("--code-uri", default=f"s3://{CHANGE_ME}-bucket/lakerefine/code",
                        help="S3 prefix holding cli.py, the wheel and emr_bootstrap.sh")
    parser.add_argument("--cluster-id", default=f"j-{CHANGE_ME}", help="EC2: the running cluster for the step")
    parser.add_argument("--gpu-instance-type", default="g5.2xlarge", help="EC2: the GPU core nodes")
    parser.add_argument("--gpu-nodes", type=int, default=2, help="EC2: how many GPU core nodes")
    parser.add_argument("--application-id", default=CHANGE_ME, help="Serverless: the Spark application")
    parser.add_argument("--role-arn", default=f"arn:aws:iam::000000000000:role/{CHANGE_ME}",
                        help="Serverless: the job's execution role")
    parser.add_argument("--venv-archive", default=None,
                        help="Serverless: a venv-pack archive with lakerefine installed "
                             "(default: CODE_URI/lakerefine_venv.tar.gz)")
    parser.add_argument("job", help="a lakerefine job (ingest, refine, token-clean, ...)")
    parser.add_argument("job_args", nargs=argparse.REMAINDER, help="the job's own arguments")


def main(args: argparse.Namespace) -> int:
    from lakerefine.conf.loader import load_settings
    from lakerefine.jobs.cli import JOBS, build_parser
    from lakerefine.udfs.lake.session import DELTA_SQL_CONF, spark_conf
    from lakerefine.udfs.platforms import emr

    if args.job not in JOBS:
        print(f"emr-steps: unknown job {args.job!r}; one of {', '.join(JOBS)}", file=sys.stderr)
        return 2
    command = [args.job, *args.job_args]
    if "--config" not in args.job_args:
        command[1:1] = ["--config", "emr"]
    if args.target == "serverless":
        for key in ("refine.hf.device", "expert.hf.device", "token_clean.scoring.device"):
            command += ["--set", f"{key}=cpu"]
    parsed = build_parser().parse_args(command)          # the job's own parser: a bad argument stops here
    settings = load_settings(parsed.config, parsed.set)
    conf = {**spark_conf(settings.spark), **DELTA_SQL_CONF}
    wheel = f"lakerefine-{_version()}-py3-none-any.whl"
    job = emr.EmrJob(command, conf, args.code_uri, wheel)
    if args.target == "ec2":
        body = {"RunJobFlow": emr.ec2_cluster(job, args.gpu_instance_type, args.gpu_nodes),
                "AddJobFlowSteps": emr.ec2_step(job, args.cluster_id)}
    else:
        try:
            emr.check_serverless({"refine": settings.refine.backend, "expert": settings.expert.backend}
                                 .get(args.job, "rules"))
        except ValueError as err:
            print(f"emr-steps: {err}", file=sys.stderr)
            return 2
        archive = args.venv_archive or f"{args.code_uri.rstrip('/')}/lakerefine_venv.tar.gz"
        body = {"StartJobRun": emr.serverless_run(job, args.application_id, args.role_arn, str(uuid.uuid4()),
                                                  archive)}
    text = json.dumps(body, indent=2)
    print(text)
    if CHANGE_ME in text:
        print(f"emr-steps: replace every {CHANGE_ME} above (bucket, cluster, roles, tables.base_path)",
              file=sys.stderr)
    return 0


def _version() -> str:
    from importlib.metadata import version

    return version("lakerefine")
