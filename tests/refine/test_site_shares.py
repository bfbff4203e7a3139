"""The site-share pass on local Spark equals a plain Python count of the same table."""
from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import pytest

from lakerefine.conf.settings import SiteSettings
from lakerefine.udfs.classifier.site_keys import KEY_KINDS, MIN_SITE_DOCUMENTS, line_keys
from lakerefine.udfs.refine.site_shares import SITE_SHARES, site_shares

MENU = ["Home | News | Sport", "Subscribe to our newsletter", "© 2024 Example Media", "Page 3 of 12"]
PROSE = ["The council voted on the new budget.", "Critics said the plan was rushed.",
         "Residents will see the changes in May.", "The mayor defended the decision."]


def small_table(seed: int = 0) -> list[tuple[str, str | None, str | None, str | None]]:
    """(doc_id, text, url, domain): four sites of different sizes (one too small for shares; one whose host
    java.net.URI refuses: "_" and "+"), pages without a URL, a URL without a host, blank lines, a line twice in
    one document, a null and an empty text."""
    rng = random.Random(seed)
    rows = []
    hosts = {"news.example.org": 5, "WWW.Blog.example.com": 3, "tiny.example.net": MIN_SITE_DOCUMENTS - 1,
             "my_blog.libsigc++.example.org": 3}
    for host, pages in hosts.items():
        for k in range(pages):
            lines = rng.sample(MENU, rng.randint(0, len(MENU))) + rng.sample(PROSE, 2) + ["", "  "]
            lines.append(f"Next: {rng.choice(['Sport', 'Weather', 'Local politics'])}, Up: News Index")  # templated
            rng.shuffle(lines)
            lines[0] = lines[0].replace("3", str(k))   # digits are one key ("Page 0 of 12" ~ "Page 3 of 12")
            if k == 0:  # a line twice in one document counts that document once
                lines[1:1] = ["Back to top"]
                lines.append("Back to top")
            rows.append((f"{host}-{k}", "\n".join(lines) + "\n", f"https://{host}/a/{k}?q=1", host.split(".")[-2]))
    rows += [("no-url", "Home | News | Sport\nA line.\n", None, "example"),
             ("no-host", "Home | News | Sport\n", "not a url", None),
             ("null-text", None, "https://news.example.org/null", "example"),
             ("empty-text", "", "https://news.example.org/empty", "example")]
    return rows


def python_shares(rows: list[tuple], site_of) -> dict[str, list[float | None] | None]:
    """The same feature by plain counting: per site, in how many documents each key occurs."""
    sites: dict[str, list[tuple[str, list[str | None]]]] = defaultdict(list)
    for doc_id, text, *_ in rows:
        site = site_of(rows, doc_id)
        if site:
            sites[site].append((doc_id, line_keys(text) if text else []))
    shares: dict[str, list[float | None] | None] = {row[0]: None for row in rows}
    for docs in sites.values():
        if len(docs) < MIN_SITE_DOCUMENTS:
            continue
        counts = Counter(key for _, keys in docs for key in {k for k in keys if k is not None})
        for doc_id, keys in docs:
            shares[doc_id] = [None if key is None else counts[key] / len(docs) for key in keys]
    return shares


def url_host(rows, doc_id):
    url = next(row[2] for row in rows if row[0] == doc_id)
    return (urlsplit(url).hostname or None) if url else None


def domain(rows, doc_id):
    return next(row[3] for row in rows if row[0] == doc_id)


@pytest.mark.parametrize(("settings", "site_of"), [(SiteSettings(), url_host),
                                                   (SiteSettings(site_column="domain"), domain)])
def test_spark_site_shares_equal_a_plain_python_count(spark, settings, site_of):
    rows = small_table()
    frame = spark.createDataFrame(rows, "doc_id string, text string, url string, domain string")
    shares = site_shares(frame, settings)
    try:
        got = {row.doc_id: row[SITE_SHARES] for row in shares.collect()}
    finally:
        shares.unpersist()
    expected = python_shares(rows, site_of)
    assert set(got) == {doc_id for doc_id, value in expected.items() if value is not None}
    for doc_id, value in expected.items():
        if value is None:
            continue
        assert len(got[doc_id]) == len(value), doc_id
        for share, want in zip(got[doc_id], value, strict=True):
            assert (share is None and want is None) or math.isclose(share, want, rel_tol=1e-12), doc_id
    values = [s for v in expected.values() if v for s in v if s is not None]
    assert min(values) < 0.5 < max(values)   # the table has rare and common lines
    kinds = len(KEY_KINDS)
    templated = [(v[i], v[i + 2]) for v in expected.values() if v for i in range(0, len(v), kinds)
                 if v[i + 2] is not None]
    assert any(last_words > line for line, last_words in templated)   # a templated line's edges are commoner


def test_a_missing_site_column_is_an_error(spark):
    frame = spark.createDataFrame([("a", "x\n")], "doc_id string, text string")
    with pytest.raises(ValueError, match="site_column 'domain'"):
        site_shares(frame, SiteSettings(site_column="domain"))


def test_a_table_without_url_has_no_shares(spark):
    frame = spark.createDataFrame([(str(i), "Home\nText\n") for i in range(4)], "doc_id string, text string")
    shares = site_shares(frame, SiteSettings())
    try:
        assert shares.count() == 0
    finally:
        shares.unpersist()
