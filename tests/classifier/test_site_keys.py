import math

from lakerefine.udfs.classifier.site_keys import MIN_SITE_DOCUMENTS, document_keys, line_keys, site_shares
from lakerefine.udfs.program.lines import split_lines


def test_keys_casefold_collapse_whitespace_and_zero_digits():
    assert line_keys("Page 3  of\t12\n\n   \nÄB  Straße \n") == ["page 0 of 00", None, None, "äb strasse"]


def test_one_key_per_line_as_lines_py_numbers_them():
    for text in ["", "\n", "a\nb", "a\nb\n", "a\rb\u2028c\x85d\n\n"]:
        assert len(line_keys(text)) == len(split_lines(text))


def test_document_keys_count_a_repeated_line_once():
    assert document_keys("Menu\nmenu\nText 1\nText 2\n\n") == {"menu", "text 0"}


def test_shares_are_the_fraction_of_site_documents_with_the_key():
    keys = line_keys("Home\nStory\n\n")
    shares = site_shares(keys, {"home": 3, "story": 1}, 4)
    assert shares[:2] == [0.75, 0.25] and math.isnan(shares[2])


def test_small_sites_have_no_shares():
    assert site_shares(["home"], {"home": 1}, MIN_SITE_DOCUMENTS - 1) is None
