from lakerefine.udfs.quality.deletions import DeletionScore
from lakerefine.udfs.quality.scoring import ALL
from tests.support.bench import load_script

compared = load_script("cv_themes").compared


def scored(tp: int, fp: int, fn: int) -> dict:
    return {"deletions": DeletionScore(tp, fp, fn, 1).as_dict()}


def test_each_theme_and_the_pool_of_the_same_themes_are_printed_beside_the_baseline():
    results = {"texinfo": scored(30, 0, 70), ALL: scored(30, 0, 70)}
    baseline = {"texinfo": scored(60, 20, 40), "javadoc": scored(1000, 0, 0), ALL: scored(1060, 20, 40)}
    header, texinfo, pooled = compared(results, baseline)
    assert "baseline" in header
    assert texinfo.split() == ["texinfo", "1.000", "0.300", "0.750", "/", "0.600", "+0.250", "/", "-0.300"]
    # javadoc was not rerun, so the baseline's pool is over texinfo alone, not its own ALL row
    assert pooled.split() == [ALL, "1.000", "0.300", "0.750", "/", "0.600", "+0.250", "/", "-0.300"]
