"""Config is data: packaged configs validate, overrides are typed, bad keys name themselves."""
from __future__ import annotations

import pytest

from lakerefine.conf.identifiers import check_table_name
from lakerefine.conf.loader import ConfigError, load_settings
from lakerefine.conf.settings import TableSettings
from lakerefine.jobs.cli import main
from lakerefine.udfs.lake.tables import TableRef


@pytest.mark.parametrize("name", ["local", "databricks", "emr"])
def test_packaged_configs_validate(name):
    assert load_settings(name).env == name


def test_overrides_are_parsed_as_yaml_values():
    settings = load_settings("local", ["spark.arrow_max_records_per_batch=32", "spark.python_worker_reuse=false",
                                       "spark.conf.spark.sql.shuffle.partitions=8"])
    assert settings.spark.arrow_max_records_per_batch == 32 and settings.spark.python_worker_reuse is False
    assert settings.spark.conf["spark.sql.shuffle.partitions"] == "8"


@pytest.mark.parametrize("override, message", [
    ("spark=3", "'spark'"),
    ("spark.master.x=1", "'master' is not a section"),
    ("nokey", "expected key=value"),
    ("spark.gpu.task_amount=2", "'spark.gpu.task_amount'"),
    ("refine.classifier.threshold=1.5", "'refine.classifier.threshold'"),
    ("refine.classifier.page_floor=-0.1", "'refine.classifier.page_floor'"),
])
def test_bad_overrides_name_the_key(override, message):
    with pytest.raises(ConfigError, match=message):
        load_settings("local", [override])


def test_a_config_file_that_is_missing_or_not_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(str(tmp_path / "nope.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("- a list\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(str(bad))


@pytest.mark.parametrize("table", ["corpus", "main.lake.corpus", "./lake/corpus", "s3://bucket/lake/corpus"])
def test_valid_table_names(table):
    assert check_table_name(table) == table


@pytest.mark.parametrize("table", ["a b", "x;drop table y", "a.b.c.d", "`x`", "", "1abc", "lake/`x`"])
def test_table_names_that_could_inject_sql_are_refused(table):
    with pytest.raises(ValueError):
        check_table_name(table)


def test_bare_names_are_paths_with_a_base_path_else_catalog_names(tmp_path):
    as_path = TableRef.resolve("corpus", TableSettings(base_path=str(tmp_path)))
    assert as_path.path == str(tmp_path / "corpus") and as_path.sql == f"delta.`{tmp_path / 'corpus'}`"
    as_name = TableRef.resolve("main.lake.corpus", TableSettings(base_path=None))
    assert as_name.path is None and as_name.sql == "main.lake.corpus"


def test_spark_conf_prints_gpu_settings_for_emr(capsys):
    assert main(["spark-conf", "--config", "emr"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "--conf spark.executor.resource.gpu.amount=1" in printed
    assert "--conf spark.python.worker.reuse=true" in printed
    assert not any("DeltaSparkSessionExtension" in line for line in printed)   # EMR provides Delta
