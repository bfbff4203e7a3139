"""The report as one self-contained HTML file: Jinja2 templates, Plotly figures with plotly.js inlined once."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
from plotly.offline import get_plotlyjs

from lakerefine.udfs.report.figures import refine_figures, token_figures
from lakerefine.udfs.report.model import RefineReport, TokenReport, TokenSample

TEMPLATES = Path(__file__).parent / "templates"
SHOWN_CHARS = 30_000      # a longer document is shown up to here (its spans clipped)
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


@dataclass(frozen=True)
class Segment:
    text: str
    deleted: bool


@dataclass(frozen=True)
class TokenCell:
    text: str
    score: float | None
    kind: str        # kept | masked | unscored
    color: str


def diff_segments(text: str | None, spans: list[tuple[int, int]], limit: int = SHOWN_CHARS) -> list[Segment]:
    """``text`` cut into kept and deleted pieces by its sorted, disjoint ``spans`` (up to ``limit`` chars)."""
    text = (text or "")[:limit]
    segments, at = [], 0
    for start, end in spans:
        start, end = min(start, len(text)), min(end, len(text))
        if start > at:
            segments.append(Segment(text[at:start], False))
        if end > start:
            segments.append(Segment(text[start:end], True))
        at = max(at, end)
    if at < len(text):
        segments.append(Segment(text[at:], False))
    return segments


def token_cells(sample: TokenSample) -> list[TokenCell]:
    """Each token with its score's color (green kept-worthy, red not) and whether it was kept or masked."""
    top = max((abs(s) for s in sample.scores if s is not None), default=0.0) or 1.0
    cells = []
    for token, label, score in zip(sample.tokens, sample.labels, sample.scores, strict=True):
        if score is None:
            cells.append(TokenCell(token, None, "kept" if label != -100 else "unscored", "transparent"))
            continue
        alpha = round(min(abs(score) / top, 1.0) * 0.7 + 0.1, 3)
        color = f"rgba(39,174,96,{alpha})" if score >= 0 else f"rgba(192,57,43,{alpha})"
        cells.append(TokenCell(token, score, "kept" if label != -100 else "masked", color))
    return cells


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["thousands"] = lambda n: f"{n:,}" if n is not None else "-"
    return env


def figure_html(figures: dict) -> dict[str, str]:
    return {name: fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG, div_id=f"plot-{name}")
            for name, fig in figures.items()}


def render_refine(report: RefineReport) -> str:
    documents = [(doc, diff_segments(doc.text, doc.spans)) for doc in report.sample]
    return environment().get_template("refine.html.j2").render(
        report=report, run=report.run, plots=figure_html(refine_figures(report)), documents=documents,
        statuses=sorted({d.status for d in report.sample}), sources=sorted({d.source for d in report.sample}),
        truncated=lambda doc: len(doc.text or "") > SHOWN_CHARS, plotly_js=get_plotlyjs(), shown_chars=SHOWN_CHARS)


def render_token_clean(report: TokenReport) -> str:
    samples = [(sample, token_cells(sample)) for sample in report.samples]
    return environment().get_template("token_clean.html.j2").render(
        report=report, run=report.run, plots=figure_html(token_figures(report)), samples=samples,
        plotly_js=get_plotlyjs())

