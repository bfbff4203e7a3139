"""A plain-Python reference for features.floor_words."""
import re

from lakerefine.udfs.program.lines import split_lines

# Kana, CJK ideographs and half-width katakana: each word character of theirs is a word for the page floor.
UNSPACED_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U000323af"
FLOOR_WORD = re.compile(f"(?=\\w)[{UNSPACED_CLASS}]|(?:(?![{UNSPACED_CLASS}])\\w)+")


def plain_floor_words(text: str) -> list[int]:
    return [len(FLOOR_WORD.findall(line)) for line in split_lines(text)]
