import math

from lakerefine.udfs.classifier.site_keys import (
    KEY_KINDS,
    MIN_EDGE_WORDS,
    MIN_SITE_DOCUMENTS,
    document_keys,
    line_keys,
    site_shares,
    url_host,
)
from lakerefine.udfs.program.lines import split_lines


def test_keys_casefold_collapse_whitespace_and_zero_digits():
    assert line_keys("Page 3  of\t12\n\n   \nÄB  Straße \n") == [
        "page 0 of 00", "\n<page 0", "\n>of 00", None, None, None, None, None, None, "äb strasse", None, None]


def test_key_kinds_per_line_as_lines_py_numbers_them():
    for text in ["", "\n", "a\nb", "a\nb\n", "a\rb\u2028c\x85d\n\n"]:
        assert len(line_keys(text)) == len(KEY_KINDS) * len(split_lines(text))


def test_templated_lines_share_their_edge_keys_and_short_lines_have_none():
    first = line_keys("Next: Installation, Previous: Overview [ Contents ][ Index ]")
    second = line_keys("Next: Tutorial, Previous: Installation [ Contents ][ Index ]")
    assert first[0] != second[0]
    assert first[2] == second[2] == "\n>index ]" and first[1] != second[1]
    short = " ".join(["word"] * (MIN_EDGE_WORDS - 1))
    assert line_keys(short) == [short, None, None]


def test_edge_keys_never_equal_a_line_key():
    keys = line_keys("home page\nhome page of the site")
    assert keys[0] == "home page" and keys[4] == "\n<home page" and keys[0] not in keys[3:]


def test_document_keys_count_a_repeated_line_once():
    assert document_keys("Menu\nmenu\nText 1\nText 2\n\n") == {"menu", "text 0"}


def test_shares_are_the_fraction_of_site_documents_with_the_key():
    keys = line_keys("Home\nStory\n\n")
    shares = site_shares(keys, {"home": 3, "story": 1}, 4)
    assert shares[0] == 0.75 and shares[3] == 0.25 and all(math.isnan(s) for s in shares[6:])


def test_small_sites_have_no_shares():
    assert site_shares(["home"], {"home": 1}, MIN_SITE_DOCUMENTS - 1) is None


def test_a_url_host_is_lower_cased_without_port_or_user_and_none_where_there_is_none():
    assert url_host("https://User:pw@WWW.Example.COM:8080/a?b#c") == "www.example.com"
    assert url_host("http://my_blog.libsigc++.example.org/x") == "my_blog.libsigc++.example.org"  # java.net.URI: null
    assert url_host("http://[::1]:80/") == "::1"
    for no_host in [None, "", "not a url", "/relative/path", "mailto:someone@example.com", "http://[::1/"]:
        assert url_host(no_host) is None, no_host
