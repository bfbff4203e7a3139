"""`lakerefine emr-steps`: its request bodies have the shapes of botocore's service models (EMR
AddJobFlowSteps and RunJobFlow, EMR Serverless StartJobRun), and say what EMR needs: spark-submit
on YARN with GPU scheduling and the discovery script, the wheel from a bootstrap action, and on
Serverless (no GPUs) CPU settings only."""
from __future__ import annotations

import json

import botocore.session
import pytest
from botocore.validate import ParamValidator

from lakerefine.jobs.cli import build_parser, main
from lakerefine.udfs.platforms.emr import GPU_DISCOVERY_SCRIPT

CODE = "s3://bucket/lakerefine/code"
REFINE = ["refine", "--set", "tables.base_path=s3://bucket/lake", "--set", "refine.backend=vllm",
          "--input", "corpus", "--output", "refined"]


def shape_errors(service: str, operation: str, body: dict) -> str:
    """botocore's own validation of an operation's input ('' when the body is valid)."""
    model = botocore.session.get_session().get_service_model(service).operation_model(operation)
    report = ParamValidator().validate(body, model.input_shape)
    return report.generate_report() if report.has_errors() else ""


def emr_steps(capsys, *argv: str) -> dict:
    assert main(["emr-steps", "--code-uri", CODE, *argv]) == 0
    return json.loads(capsys.readouterr().out)


def confs(args: list[str]) -> dict[str, str]:
    return dict(args[i + 1].split("=", 1) for i, arg in enumerate(args) if arg == "--conf")


def test_ec2_bodies_match_the_emr_api_shapes(capsys):
    bodies = emr_steps(capsys, "--cluster-id", "j-ABC", *REFINE)
    assert shape_errors("emr", "AddJobFlowSteps", bodies["AddJobFlowSteps"]) == ""
    assert shape_errors("emr", "RunJobFlow", bodies["RunJobFlow"]) == ""


def test_the_step_is_spark_submit_on_yarn_with_one_gpu_per_task(capsys):
    step = emr_steps(capsys, "--cluster-id", "j-ABC", *REFINE)["AddJobFlowSteps"]["Steps"][0]
    args = step["HadoopJarStep"]["Args"]
    assert step["HadoopJarStep"]["Jar"] == "command-runner.jar"
    assert args[:5] == ["spark-submit", "--deploy-mode", "cluster", "--master", "yarn"]
    conf = confs(args)
    assert conf["spark.executor.resource.gpu.discoveryScript"] == GPU_DISCOVERY_SCRIPT
    assert conf["spark.executor.resource.gpu.amount"] == "1" and float(conf["spark.task.resource.gpu.amount"]) == 1
    assert conf["spark.sql.extensions"] == "io.delta.sql.DeltaSparkSessionExtension"
    entry = args.index(f"{CODE}/cli.py")
    command = build_parser().parse_args(args[entry + 1:])   # what the driver will parse
    assert (command.command, command.config, command.input) == ("refine", "emr", "corpus")
    assert "refine.backend=vllm" in command.set


def test_the_cluster_has_gpu_core_nodes_yarn_gpu_scheduling_and_the_wheel(capsys):
    cluster = emr_steps(capsys, "--gpu-instance-type", "g6.xlarge", "--gpu-nodes", "3", *REFINE)["RunJobFlow"]
    core = next(g for g in cluster["Instances"]["InstanceGroups"] if g["InstanceRole"] == "CORE")
    assert (core["InstanceType"], core["InstanceCount"]) == ("g6.xlarge", 3)
    classifications = {c["Classification"]: c for c in cluster["Configurations"]}
    assert classifications["yarn-site"]["Properties"]["yarn.resource-types"] == "yarn.io/gpu"
    assert classifications["delta-defaults"]["Properties"] == {"delta.enabled": "true"}
    gpu = next(c for c in classifications["container-executor"]["Configurations"] if c["Classification"] == "gpu")
    assert gpu["Properties"]["module.enabled"] == "true"
    bootstrap = cluster["BootstrapActions"][0]["ScriptBootstrapAction"]
    assert bootstrap["Path"] == f"{CODE}/emr_bootstrap.sh"
    assert bootstrap["Args"][0].startswith(f"{CODE}/lakerefine-") and bootstrap["Args"][0].endswith(".whl")
    assert cluster["ReleaseLabel"] == "emr-8.0.0"   # Spark 4.0.2 + Delta 4.0.0


def test_serverless_runs_cpu_backends_from_a_packed_venv(capsys):
    run = emr_steps(capsys, "--target", "serverless", "--application-id", "00app", "--role-arn",
                    "arn:aws:iam::123456789012:role/job", "refine", "--set", "refine.backend=hf")["StartJobRun"]
    assert shape_errors("emr-serverless", "StartJobRun", run) == ""
    submit = run["jobDriver"]["sparkSubmit"]
    assert ".resource.gpu." not in submit["sparkSubmitParameters"]
    assert "spark.archives=" in submit["sparkSubmitParameters"]
    command = build_parser().parse_args(submit["entryPointArguments"])
    assert "refine.hf.device=cpu" in command.set


@pytest.mark.parametrize("argv", [["refine", "--set", "refine.backend=vllm"],
                                  ["expert", "--set", "expert.backend=vllm"]])
def test_serverless_refuses_a_gpu_backend(capsys, argv):
    assert main(["emr-steps", "--target", "serverless", *argv]) == 2
    assert "needs GPUs" in capsys.readouterr().err


def test_a_bad_job_argument_stops_before_anything_is_printed(capsys):
    with pytest.raises(SystemExit):
        main(["emr-steps", "refine", "--no-such-option"])
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("operation, body", [
    ("AddJobFlowSteps", {"JobFlowId": "j-1", "Steps": [{"Name": "x", "HadoopJarStep": {"Jar": "j", "Arg": ["a"]}}]}),
    ("AddJobFlowSteps", {"JobFlowId": "j-1", "Steps": [{"Name": "x", "HadoopJarStep": {"Args": ["a"]}}]}),
    ("RunJobFlow", {"Name": "x", "Instances": {}, "Configurations": [{"Classification": "a", "Properties": "b"}]}),
])
def test_the_shape_check_catches_a_wrong_field(operation, body):
    assert shape_errors("emr", operation, body) != ""
