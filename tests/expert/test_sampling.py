"""The expert job's stratified, seeded corpus sample on Spark."""
from __future__ import annotations

from collections import Counter

import pytest

from lakerefine.conf.settings import ExpertSettings
from lakerefine.udfs.expert.sampling import stratified_sample

GROUPS = {"web": 60, "mail": 30, "wiki": 10, None: 5}


@pytest.fixture(scope="module")
def corpus(spark):
    rows = [(f"{group}-{i}", f"text {i}", group) for group, n in GROUPS.items() for i in range(n)]
    return spark.createDataFrame(rows, "doc_id string, text string, source string").cache()


def sample(corpus, **settings) -> list[tuple[str, str | None]]:
    rows = stratified_sample(corpus, ExpertSettings(**settings)).collect()
    return sorted((r.doc_id, r.stratum) for r in rows)


def test_proportional_quotas_per_group(corpus):
    picked = sample(corpus, sample_size=21)
    assert Counter(stratum for _, stratum in picked) == {"web": 12, "mail": 6, "wiki": 2, None: 1}
    assert all(doc_id.startswith(f"{stratum}-") for doc_id, stratum in picked)


def test_equal_quotas(corpus):
    picked = sample(corpus, sample_size=40, allocation="equal")
    assert Counter(stratum for _, stratum in picked) == {"web": 12, "mail": 13, "wiki": 10, None: 5}   # ties go by name


def test_the_seed_fixes_the_sample_and_a_bigger_sample_only_adds(corpus):
    first, again = sample(corpus, sample_size=21, seed=7), sample(corpus, sample_size=21, seed=7)
    assert first == again
    assert sample(corpus, sample_size=21, seed=8) != first
    assert set(first) <= set(sample(corpus, sample_size=42, seed=7))


def test_no_groups_and_oversized_samples(corpus):
    assert len(sample(corpus, sample_size=10, stratify_column=None)) == 10
    assert len(sample(corpus, sample_size=1000)) == sum(GROUPS.values())


def test_a_missing_stratify_column_names_the_key(corpus):
    with pytest.raises(ValueError, match="expert.stratify_column"):
        stratified_sample(corpus, ExpertSettings(stratify_column="language"))
