"""Amazon EMR request bodies for a lakerefine job (pure Python, no pyspark, no AWS call).

EMR on EC2 (release ``emr-8.0.0``: Spark 4.0.2, Delta 4.0.0): a ``RunJobFlow`` body for a
cluster with GPU core nodes (YARN GPU scheduling with cgroups isolation, Spark's GPU discovery
script, Delta enabled, the wheel installed on every node by ``scripts/emr_bootstrap.sh``) and
an ``AddJobFlowSteps`` body whose ``command-runner.jar`` step runs ``spark-submit`` in cluster
mode. EMR Serverless has no GPUs: a ``StartJobRun`` body for CPU backends only, the code from
a packed virtual environment (``spark.archives``). The bodies are the AWS APIs' own inputs
(``aws emr add-job-flow-steps --cli-input-json``, ...); their shapes are checked against
botocore's service models in the tests, never sent from here.
"""
from __future__ import annotations

from dataclasses import dataclass

EMR_RELEASE = "emr-8.0.0"
SERVERLESS_RELEASE = "emr-8.0.0"
GPU_DISCOVERY_SCRIPT = "/usr/lib/spark/scripts/gpu/getGpusResources.sh"
SERVERLESS_DELTA_JARS = "/usr/share/aws/delta/lib/delta-spark.jar,/usr/share/aws/delta/lib/delta-storage.jar"
SERVERLESS_PYTHON = "./environment/bin/python"
GPU_ONLY_BACKENDS = ("vllm",)

# YARN schedules and isolates GPUs only with these (EMR's documented GPU setup).
YARN_GPU_SITE = {
    "yarn.nodemanager.resource-plugins": "yarn.io/gpu",
    "yarn.resource-types": "yarn.io/gpu",
    "yarn.nodemanager.resource-plugins.gpu.allowed-gpu-devices": "auto",
    "yarn.nodemanager.resource-plugins.gpu.path-to-discovery-executables": "/usr/bin",
    "yarn.nodemanager.linux-container-executor.cgroups.mount": "true",
    "yarn.nodemanager.linux-container-executor.cgroups.mount-path": "/spark-rapids-cgroup",
    "yarn.nodemanager.linux-container-executor.cgroups.hierarchy": "yarn",
    "yarn.nodemanager.container-executor.class":
        "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor",
}
CONTAINER_EXECUTOR = [
    {"Classification": "gpu", "Properties": {"module.enabled": "true"}},
    {"Classification": "cgroups", "Properties": {"root": "/spark-rapids-cgroup", "yarn-hierarchy": "yarn"}},
]


@dataclass(frozen=True)
class EmrJob:
    """One lakerefine command and where its code lives in S3."""

    command: list[str]           # e.g. ["refine", "--config", "emr", "--input", "s3://..."]
    spark_conf: dict[str, str]   # what the config implies (``lakerefine spark-conf``)
    code_uri: str                # S3 prefix holding cli.py, the wheel and emr_bootstrap.sh
    wheel: str                   # the wheel's file name under code_uri

    @property
    def entry_point(self) -> str:
        return f"{self.code_uri.rstrip('/')}/cli.py"

    @property
    def name(self) -> str:
        return f"lakerefine {self.command[0]}"


def conf_args(conf: dict[str, str]) -> list[str]:
    return [arg for key, value in conf.items() for arg in ("--conf", f"{key}={value}")]


def ec2_step(job: EmrJob, cluster_id: str) -> dict:
    """The ``AddJobFlowSteps`` input: spark-submit on YARN in cluster mode."""
    argv = ["spark-submit", "--deploy-mode", "cluster", "--master", "yarn", *conf_args(job.spark_conf),
            job.entry_point, *job.command]
    return {"JobFlowId": cluster_id,
            "Steps": [{"Name": job.name, "ActionOnFailure": "CONTINUE",
                       "HadoopJarStep": {"Jar": "command-runner.jar", "Args": argv}}]}


def ec2_cluster(job: EmrJob, gpu_instance_type: str = "g5.2xlarge", gpu_nodes: int = 2,
                primary_instance_type: str = "m6i.xlarge", extras: str = "vllm", log_uri: str | None = None) -> dict:
    """The ``RunJobFlow`` input of a cluster with GPU core nodes that runs ``job``'s steps."""
    wheel_uri = f"{job.code_uri.rstrip('/')}/{job.wheel}"
    cluster = {
        "Name": "lakerefine-gpu",
        "ReleaseLabel": EMR_RELEASE,
        "Applications": [{"Name": "Spark"}, {"Name": "Hadoop"}],
        "Instances": {
            "InstanceGroups": [
                {"Name": "primary", "InstanceRole": "MASTER", "InstanceType": primary_instance_type,
                 "InstanceCount": 1},
                {"Name": "gpu-core", "InstanceRole": "CORE", "InstanceType": gpu_instance_type,
                 "InstanceCount": gpu_nodes},
            ],
            "KeepJobFlowAliveWhenNoSteps": True,
        },
        "BootstrapActions": [{
            "Name": "install lakerefine",
            "ScriptBootstrapAction": {"Path": f"{job.code_uri.rstrip('/')}/emr_bootstrap.sh",
                                      "Args": [wheel_uri, extras]},
        }],
        "Configurations": [
            {"Classification": "yarn-site", "Properties": YARN_GPU_SITE},
            {"Classification": "container-executor", "Properties": {}, "Configurations": CONTAINER_EXECUTOR},
            {"Classification": "spark-defaults", "Properties": {
                "spark.executor.resource.gpu.discoveryScript": GPU_DISCOVERY_SCRIPT}},
            {"Classification": "delta-defaults", "Properties": {"delta.enabled": "true"}},
        ],
        "JobFlowRole": "EMR_EC2_DefaultRole",
        "ServiceRole": "EMR_DefaultRole",
        "Steps": ec2_step(job, "unused")["Steps"],
    }
    if log_uri:
        cluster["LogUri"] = log_uri
    return cluster


def check_serverless(backend: str) -> None:
    """EMR Serverless has no GPUs: a GPU-only backend is refused with the way out."""
    if backend in GPU_ONLY_BACKENDS:
        raise ValueError(f"the {backend!r} backend needs GPUs, which EMR Serverless does not have: "
                         "use rules (or hf on the CPU), or EMR on EC2 with GPU core nodes (--target ec2)")


def without_gpu(conf: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in conf.items() if ".resource.gpu." not in key}


def serverless_run(job: EmrJob, application_id: str, role_arn: str, client_token: str,
                   venv_archive: str) -> dict:
    """The ``StartJobRun`` input: the job on CPU executors, Python from a packed venv."""
    conf = {**without_gpu(job.spark_conf),
            "spark.jars": SERVERLESS_DELTA_JARS,
            "spark.archives": f"{venv_archive}#environment",
            "spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON": SERVERLESS_PYTHON,
            "spark.emr-serverless.driverEnv.PYSPARK_PYTHON": SERVERLESS_PYTHON,
            "spark.executorEnv.PYSPARK_PYTHON": SERVERLESS_PYTHON}
    return {"applicationId": application_id, "executionRoleArn": role_arn, "clientToken": client_token,
            "name": job.name,
            "jobDriver": {"sparkSubmit": {"entryPoint": job.entry_point, "entryPointArguments": job.command,
                                          "sparkSubmitParameters": " ".join(conf_args(conf))}}}
