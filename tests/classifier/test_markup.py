import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lakerefine.udfs.classifier.features import line_features
from lakerefine.udfs.classifier.markup import link_text
from lakerefine.udfs.program.lines import count_lines

MENU = "* [Home](https://example.org/) | [News](/news \"Latest\") ![logo](/img/logo.png)\n"


def test_links_read_as_their_text_and_images_as_nothing():
    assert link_text(MENU) == "* Home | News \n"
    assert link_text("[![badge](https://ci/badge.svg)](https://ci/job) passing") == " passing"
    assert link_text("a\n![image](/a.png)") == "a\n\n" and link_text("![image](/a.png)") == "\n"
    assert link_text("see [the spec](https://en.wikipedia.org/wiki/Markdown_(syntax)).") == "see the spec."


def test_text_without_link_syntax_reads_as_itself():
    for text in ("a[0](1)\n", "f(x)[i] = [1, 2]\n", "[note] (see below)\n", "", "plain\n\nprose"):
        assert link_text(text) == text or "](" in text
    assert link_text("f(x)[i] = [1, 2]\n") == "f(x)[i] = [1, 2]\n"
    for code in ("emitter[Symbol.for('x')](err, eventName[, ...args])", "handlers[name](event)", "f[x]()"):
        assert link_text(code) == code
    assert link_text("[note] (see below)\n") == "[note] (see below)\n"


def test_a_markdown_line_has_the_features_of_its_plain_text():
    markdown = "# Title\n" + MENU + "Some [linked words](http://example.org/a/long/path) in prose.\n"
    plain = "# Title\n* Home | News \nSome linked words in prose.\n"
    assert np.array_equal(line_features(markdown), line_features(plain), equal_nan=True)


pieces = st.sampled_from(["[a](/b)", "![i](u.png)", "[![i](u.png)](#b)", "[a](b)", "a", " ", "[", "](", ")", "(", "!",
                          "\n"])
texts = st.lists(pieces, max_size=12).map("".join)


@settings(max_examples=500, deadline=None)
@given(texts | st.text(alphabet="ab[]()!\n \"", max_size=60))
def test_lines_are_never_joined_or_split(text):
    assert count_lines(link_text(text)) == count_lines(text)
