from lakerefine.udfs.quality.splits import TEST, TRAIN, split_of
from tests.support.webpages import all_pages, needs_webpages


def test_split_depends_on_the_id_only():
    assert split_of("readability/001") == split_of("readability/001")
    assert {split_of(f"set/{i}") for i in range(50)} == {TRAIN, TEST}


@needs_webpages
def test_every_set_has_a_held_out_share_near_three_tenths():
    by_set: dict[str, list[str]] = {}
    for page in all_pages():
        by_set.setdefault(page["set"], []).append(split_of(page["id"]))
    for name, sides in by_set.items():
        share = sides.count(TEST) / len(sides)
        n = len(sides)
        # binomial(n, 0.3): 4 standard deviations either side
        margin = 4 * (0.3 * 0.7 / n) ** 0.5
        assert abs(share - 0.3) <= margin, (name, share, n)
