"""The rules program generator: deterministic heuristics that write deletion programs.

No model and no weights: each line is judged by string and regex tests (linear
in the document), and the lines and junk strings judged boilerplate become
``remove_lines``/``remove_str`` calls in the language of
``lakerefine.udfs.program`` (one call per line; ``keep_all()`` when nothing is
removed).

Which rules run depends on the document's kind:

- web rules, always: navigation bars, one-item-per-line menus, lines with
  cookie/consent/subscribe/share/"follow us"/copyright phrases, UI labels
  ("Read more", "Advertisement"), link lists, lines repeated many times,
  divider lines, junk-only lines, and junk strings inside kept lines;
- mail rules, when ``source`` names mail ("mail", "email", "newsgroup",
  "usenet") or, for any other source, when the document starts with a mail
  header block (From:/Subject:/Newsgroups:/... up to the first blank line):
  the header block, reply attributions ("In article <id> who writes:"),
  quoted signatures, and the trailing signature;
- wikitext rules, when ``source`` names wikitext ("enwiki", "wiki",
  "wikipedia", "wikitext") or the text is auto-detected as wikitext:
  category and interlanguage lines, template-only lines, infobox/navbox blocks,
  comment lines, magic words, and appendix sections (References, External
  links, See also, ...). Table rows and headings are then shielded from the web
  rules.

Blank lines are kept unless they touch a removed block, where they go with it
(so removing a paragraph does not leave a double gap).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lakerefine.conf.rules import RulesConfig
from lakerefine.udfs.program.calls import Call, KeepAll, RemoveLines, RemoveStr, format_program
from lakerefine.udfs.program.lines import split_lines
from lakerefine.udfs.rules import junk, mail, web, wiki
from lakerefine.udfs.rules.text import is_blank

__all__ = ["RulesConfig", "RulesGenerator", "RulesPlan", "document_kind"]

WEB, MAIL, WIKI = "web", "mail", "wiki"
MAIL_SOURCES = frozenset(("mail", "email", "e-mail", "newsgroup", "newsgroups", "usenet"))
WIKI_SOURCES = frozenset(("enwiki", "wiki", "wikipedia", "wikitext", "mediawiki"))
BLANK_NEXT_TO_REMOVED = "blank_next_to_removed"


def document_kind(lines: list[str], text: str, source: str | None) -> str:
    """'mail', 'wiki' or 'web': from the source hint when it names one, else detected."""
    hint = (source or "").strip().lower()
    if hint in MAIL_SOURCES:
        return MAIL
    if hint in WIKI_SOURCES:
        return WIKI
    if mail.looks_like_mail(lines):
        return MAIL
    if wiki.looks_like_wikitext(text):
        return WIKI
    return WEB


@dataclass
class RulesPlan:
    """What the rules decided for one document, with reasons (for audits and tests)."""

    kind: str
    line_count: int
    removed_lines: dict[int, str] = field(default_factory=dict)  # 1-based line -> reason
    removed_strings: list[tuple[int, str, str]] = field(default_factory=list)  # (line, string, reason)

    def calls(self) -> list[Call]:
        calls: list[Call] = [RemoveLines(start, end) for start, end in _ranges(sorted(self.removed_lines))]
        calls += [RemoveStr(line, string) for line, string, _ in self.removed_strings]
        calls.sort(key=lambda call: call.start if isinstance(call, RemoveLines) else call.line)
        return calls or [KeepAll()]

    def program(self) -> str:
        return format_program(self.calls())


class RulesGenerator:
    """Writes a deletion program for a document from heuristics alone."""

    def __init__(self, config: RulesConfig | None = None):
        self.config = config or RulesConfig()

    def generate(self, text: str, source: str | None = None) -> str:
        return self.plan(text, source).program()

    def plan(self, text: str, source: str | None = None) -> RulesPlan:
        lines = split_lines(text)
        kind = document_kind(lines, text, source)
        removed = self._removed_lines(lines, kind)
        removed.update(_blanks_next_to(removed, lines))
        plan = RulesPlan(kind, len(lines), {i + 1: reason for i, reason in sorted(removed.items())})
        for i, line in enumerate(lines):
            if i in removed:
                continue
            pieces = junk.junk_strings(line, self.config, kind == WIKI)
            if pieces and not _has_text_left(line, pieces):
                plan.removed_lines[i + 1] = junk.JUNK
            else:
                plan.removed_strings += [(i + 1, piece, junk.JUNK) for piece in pieces]
        plan.removed_lines = dict(sorted(plan.removed_lines.items()))
        return plan

    def _removed_lines(self, lines: list[str], kind: str) -> dict[int, str]:
        config = self.config
        removed: dict[int, str] = {}

        def add(verdicts: dict[int, str]) -> None:
            for i, reason in verdicts.items():
                removed.setdefault(i, reason)

        web_view = lines
        if kind == MAIL:
            add(mail.header_lines(lines))
            add(mail.attribution_lines(lines))
            add(mail.quoted_signature_lines(lines))
            add(mail.signature_lines(lines, config))
        elif kind == WIKI:
            add(wiki.wiki_lines(lines, config))
            web_view = ["" if wiki.is_markup_line(line) else line for line in lines]
        add(web.divider_lines(web_view, config))
        add(junk.junk_only_lines(web_view, config))
        add(web.nav_lines(web_view, config))
        add(web.ui_label_lines(web_view))
        add(web.phrase_lines(web_view, config, hard_wrapped=kind == MAIL))
        add(web.menu_runs(web_view, config))
        add(web.related_lists(web_view))
        add(web.link_list_lines(web_view, config))
        add(web.repeated_lines(web_view, config))
        return removed


def _has_text_left(line: str, pieces: list[str]) -> bool:
    for piece in pieces:
        line = line.replace(piece, "", 1)
    return any(c.isalnum() for c in line)


def _blanks_next_to(removed: dict[int, str], lines: list[str]) -> dict[int, str]:
    """Blank lines that go with a removed block: those right after a block that
    starts the document or follows a blank line, and those right before a block
    that ends the document."""
    blanks: dict[int, str] = {}
    count = len(lines)
    for start, end in _ranges(sorted(removed)):
        if start == 0 or is_blank(lines[start - 1]) or (start - 1) in blanks:
            k = end + 1
            while k < count and is_blank(lines[k]) and k not in removed:
                blanks[k] = BLANK_NEXT_TO_REMOVED
                k += 1
            end = k - 1
        if end == count - 1:
            k = start - 1
            while k >= 0 and is_blank(lines[k]) and k not in removed:
                blanks[k] = BLANK_NEXT_TO_REMOVED
                k -= 1
    return blanks


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs of sorted integers as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs
