"""One local Spark + Delta session for the whole test run, a fresh lake per test, the test models."""
from __future__ import annotations

from pathlib import Path

import pytest

from lakerefine.conf.loader import load_settings
from lakerefine.conf.settings import Settings
from tests.support.jvm import long_lived_jvm
from tests.support.lake import Lake


def pytest_collection_modifyitems(items):
    """Every test that uses the Spark session is a ``spark`` test: the fast lane
    (``-m "not slow and not spark"``) never starts a JVM."""
    for item in items:
        if "spark" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.spark)


@pytest.fixture(scope="session")
def lake_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lakehouse")


@pytest.fixture(scope="session")
def spark(lake_root):
    from lakerefine.udfs.lake.session import build_session

    # local[2,3]: two cores, and a failed task is retried (3 attempts), as on a cluster.
    settings = load_settings("local", [f"spark.warehouse_dir={lake_root / '_warehouse'}",
                                       "spark.master=local[2,3]", *long_lived_jvm()])
    session = build_session(settings.spark)
    yield session
    session.stop()


@pytest.fixture(scope="session")
def test_models(tmp_path_factory) -> dict[str, Path]:
    """SmolLM2-135M-Instruct (prepared by scripts/setup.sh, so a missing one fails the tests that
    need it) and two tiny random Llamas with its tokenizer (seeds 0 and 1), built for this session."""
    from tests.support.models import prepare_test_models

    return prepare_test_models(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def smollm2(test_models) -> str:
    return str(test_models["smollm2"])


@pytest.fixture(scope="session")
def tiny_model(test_models) -> str:
    """A tiny random Llama with SmolLM2's tokenizer: the real tokenizer, a model that loads in a blink."""
    return str(test_models["tiny0"])


@pytest.fixture(scope="session")
def token_models(test_models) -> dict[str, str]:
    """Token cleaning's model pairs: SmolLM2 (real) and the two tiny Llamas."""
    return {name: str(path) for name, path in test_models.items()}


@pytest.fixture
def lake(lake_root) -> Lake:
    """This test's own tables, so tests never see each other's."""
    return Lake.create(lake_root)


@pytest.fixture
def overrides(lake) -> list[str]:
    return lake.overrides


@pytest.fixture
def settings(lake) -> Settings:
    return lake.settings


@pytest.fixture
def cli(spark, lake, capsys):
    """cli("ingest", "--input", p) runs the real `lakerefine` command in this test's lake;
    returns (exit code, what it printed: stdout then stderr)."""

    def run(*argv: str) -> tuple[int, str]:
        code = lake.run(*argv)
        printed = capsys.readouterr()
        return code, printed.out + printed.err

    return run


@pytest.fixture
def table_path(lake) -> callable:
    """table_path("corpus") -> the absolute path a bare table name resolves to in this test."""
    return lambda name: lake.table(name).path
