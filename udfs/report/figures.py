"""The report's plots as Plotly figures, from the small aggregates of model.py."""
from __future__ import annotations

import plotly.graph_objects as go

from lakerefine.udfs.report.model import RefineReport, TokenReport

LAYOUT = {"template": "plotly_white", "width": 640, "height": 320, "margin": {"l": 60, "r": 20, "t": 50, "b": 50}}


def refine_figures(report: RefineReport) -> dict[str, go.Figure]:
    ratio = go.Figure(go.Bar(x=[start for start, _ in report.ratio_bins], y=[n for _, n in report.ratio_bins],
                             width=[1 / len(report.ratio_bins)] * len(report.ratio_bins), offset=0,
                             marker_color="#c0392b"))
    ratio.update_layout(title="Deletion ratio per document (characters deleted / characters in)",
                        xaxis_title="deletion ratio", yaxis_title="documents", xaxis_range=[0, 1], **LAYOUT)
    sources = [row.source for row in report.by_source]
    by_source = go.Figure([
        go.Bar(name="characters kept", x=sources, y=[r.chars_in - r.chars_removed for r in report.by_source],
               marker_color="#95a5a6"),
        go.Bar(name="characters removed", x=sources, y=[r.chars_removed for r in report.by_source],
               marker_color="#c0392b")])
    by_source.update_layout(title="Characters removed per source", barmode="stack", yaxis_title="characters",
                            **LAYOUT)
    reasons = sorted(report.rejected_by_reason.items(), key=lambda item: -item[1])
    rejected = go.Figure(go.Bar(x=[r for r, _ in reasons], y=[n for _, n in reasons], marker_color="#8e44ad"))
    rejected.update_layout(title="Rejected program calls by reason", yaxis_title="calls", **LAYOUT)
    if not reasons:
        rejected.update_layout(xaxis_visible=False, yaxis_visible=False, annotations=[
            {"text": "no call was rejected", "showarrow": False, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}])
    return {"ratio": ratio, "by_source": by_source, "rejected": rejected}


def token_figures(report: TokenReport) -> dict[str, go.Figure]:
    starts = [start for start, _, _ in report.score_bins]
    width = [report.score_bin_width] * len(starts)
    scores = go.Figure([
        go.Bar(name="kept", x=starts, y=[k for _, k, _ in report.score_bins], width=width, offset=0,
               marker_color="#27ae60"),
        go.Bar(name="masked", x=starts, y=[m for _, _, m in report.score_bins], width=width, offset=0,
               marker_color="#c0392b")])
    scores.update_layout(title="Token scores (loss_base - loss_ref, nats)", barmode="stack",
                         xaxis_title="score", yaxis_title="scored tokens", **LAYOUT)
    if report.threshold is not None:
        scores.add_vline(x=report.threshold, line_dash="dash", line_color="black",
                         annotation_text=f"threshold {report.threshold:.4g}")
    ratio = go.Figure(go.Bar(x=[start for start, _ in report.ratio_bins], y=[n for _, n in report.ratio_bins],
                             width=[1 / max(len(report.ratio_bins), 1)] * len(report.ratio_bins), offset=0,
                             marker_color="#2980b9"))
    ratio.update_layout(title="Kept ratio per sample (kept / scored tokens)", xaxis_title="kept ratio",
                        yaxis_title="samples", xaxis_range=[0, 1], **LAYOUT)
    counts = report.counts
    target = go.Figure(go.Bar(x=["scored", "target kept", "kept"],
                              y=[counts.get("scored_tokens", 0), report.target_kept, counts.get("kept_tokens", 0)],
                              marker_color=["#95a5a6", "#f39c12", "#27ae60"]))
    target.update_layout(title=f"Kept tokens against the target (keep {report.keep})", yaxis_title="tokens",
                         **LAYOUT)
    return {"scores": scores, "ratio": ratio, "target": target}
