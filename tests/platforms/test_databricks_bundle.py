"""The Databricks bundle (databricks.yml + resources/*.job.yml), checked offline: every job through
databricks-bundles' typed models (``Job.from_dict`` rejects an unknown field or enum value),
every variable declared, and every task's parameters through lakerefine's own CLI parser and
config loader, with the bundle's variables and the jobs' parameter defaults filled in."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from databricks.bundles.jobs import Job

from lakerefine.conf.loader import load_settings
from lakerefine.jobs.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\$\{var\.([A-Za-z0-9_]+)\}")
JOB_PARAMETER = re.compile(r"\{\{job\.parameters\.([A-Za-z0-9_]+)\}\}")
UC_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$")


def load_bundle() -> tuple[dict, dict[str, dict]]:
    """databricks.yml and its jobs (name -> job dict) from the files it includes."""
    bundle = yaml.safe_load((REPO / "databricks.yml").read_text())
    jobs: dict[str, dict] = {}
    for pattern in bundle["include"]:
        for path in sorted(REPO.glob(pattern)):
            jobs.update(yaml.safe_load(path.read_text())["resources"]["jobs"])
    return bundle, jobs


def check_job(job: dict, variables: dict) -> Job:
    """The typed job; raises on an unknown field, a bad enum value or an undeclared variable."""
    undeclared = set(VARIABLE.findall(yaml.safe_dump(job))) - set(variables)
    if undeclared:
        raise ValueError(f"undeclared bundle variables: {sorted(undeclared)}")
    return Job.from_dict(copy.deepcopy(job))


def filled(value: str, variables: dict, job: dict) -> str:
    defaults = {p["name"]: p["default"] for p in job.get("parameters", [])}
    value = VARIABLE.sub(lambda m: str(variables[m.group(1)]["default"]), value)
    return JOB_PARAMETER.sub(lambda m: str(defaults[m.group(1)]), value)


@pytest.fixture(scope="module")
def bundle():
    return load_bundle()


def test_every_job_passes_the_typed_models(bundle):
    config, jobs = bundle
    assert sorted(jobs) == ["ingest", "refine", "token_clean"]
    for job in jobs.values():
        typed = check_job(job, config["variables"])
        assert typed.tasks and all(task.python_wheel_task for task in typed.tasks)


@pytest.mark.parametrize("break_it, message", [
    (lambda job: job["tasks"][0]["python_wheel_task"].update(package="lakerefine"), "Unexpected field 'package'"),
    (lambda job: job.update(max_concurent_runs=1), "Unexpected field 'max_concurent_runs'"),
    (lambda job: job["job_clusters"][0]["new_cluster"].update(data_security_mode="SINGLE"), "DataSecurityMode"),
    (lambda job: job["tasks"][0]["python_wheel_task"]["parameters"].append("${var.catalgo}"), "catalgo"),
])
def test_a_wrong_field_fails_the_check(bundle, break_it, message):
    config, jobs = bundle
    broken = copy.deepcopy(jobs["refine"])
    break_it(broken)
    with pytest.raises(ValueError, match=message):
        check_job(broken, config["variables"])


def test_the_wheel_is_built_and_installed_on_every_task(bundle):
    config, jobs = bundle
    artifact = config["artifacts"]["lakerefine_wheel"]
    assert artifact["type"] == "whl" and "--wheel-dir dist" in artifact["build"]
    scripts = _pyproject()["project"]["scripts"]
    for job in jobs.values():
        for task in job["tasks"]:
            assert {"whl": "../dist/*.whl"} in task["libraries"]
            wheel_task = task["python_wheel_task"]
            assert (wheel_task["package_name"], wheel_task["entry_point"]) == ("lakerefine", "lakerefine")
            assert wheel_task["entry_point"] in scripts


def test_gpu_jobs_run_on_the_spark_4_ml_gpu_runtime_one_task_per_gpu(bundle):
    config, jobs = bundle
    for name in ("refine", "token_clean"):
        cluster = jobs[name]["job_clusters"][0]["new_cluster"]
        runtime = filled(cluster["spark_version"], config["variables"], jobs[name])
        assert re.fullmatch(r"17\.\d+\.x-gpu-ml-scala2\.13", runtime), runtime
        assert cluster["spark_conf"]["spark.task.resource.gpu.amount"] == "1"
        assert all(task["job_cluster_key"] == "gpu" for task in jobs[name]["tasks"])


def test_every_task_is_a_valid_lakerefine_command_on_unity_catalog_tables(bundle):
    config, jobs = bundle
    for job in jobs.values():
        for task in job["tasks"]:
            argv = [filled(arg, config["variables"], job) for arg in task["python_wheel_task"]["parameters"]]
            args = build_parser().parse_args(argv)
            settings = load_settings(args.config, args.set)
            assert args.config == "databricks" and settings.spark.delta_jars == "provided"
            assert UC_NAME.match(settings.tables.runs)
            if args.command != "ingest-sft" and args.command != "ingest":
                assert UC_NAME.match(args.input), args.input
            assert UC_NAME.match(args.output), args.output


def _pyproject() -> dict:
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11+")

    return tomllib.loads((REPO / "pyproject.toml").read_text())
