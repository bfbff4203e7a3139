import gzip
import json
from pathlib import Path

import pytest

from lakerefine.udfs.quality.splits import TEST, TRAIN, split_of

WEBPAGES = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "webpages" / "webpages.jsonl.gz"


def test_split_depends_on_the_id_only():
    assert split_of("readability/001") == split_of("readability/001")
    assert {split_of(f"set/{i}") for i in range(50)} == {TRAIN, TEST}


@pytest.mark.skipif(not WEBPAGES.exists(), reason="../shared/data/webpages is not beside the checkout")
def test_every_set_has_a_held_out_share_near_three_tenths():
    by_set: dict[str, list[str]] = {}
    with gzip.open(WEBPAGES, "rt") as f:
        for line in f:
            page = json.loads(line)
            by_set.setdefault(page["set"], []).append(split_of(page["id"]))
    for name, sides in by_set.items():
        share = sides.count(TEST) / len(sides)
        n = len(sides)
        # binomial(n, 0.3): 4 standard deviations either side
        margin = 4 * (0.3 * 0.7 / n) ** 0.5
        assert abs(share - 0.3) <= margin, (name, share, n)
