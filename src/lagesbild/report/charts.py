"""Line charts as inline SVG, written by hand.

matplotlib was measured first: importing it and drawing the six crime panels cost about 0.85 s of the
2.7 s that `lagesbild report` took, against a goal of 2 s for the whole command. These charts need only
lines, axes, ticks and a legend, and hand-written SVG also gives each point its own tooltip and keeps
text as text. Series differ in dash pattern as well as colour, so they read without colour.
"""

from __future__ import annotations

import html
import math

from lagesbild.report.fmt import number

STYLES = [("#1b4f8a", "", 2.4), ("#b2182b", "6 3", 1.8), ("#555555", "2 3", 1.8)]
PANEL_W, PANEL_H = 330.0, 200.0
MARGIN = dict(left=52.0, right=12.0, top=26.0, bottom=26.0)


def nice_ticks(upper: float, n: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``upper`` (1, 2, 2.5 or 5 times a power of ten)."""
    if upper <= 0 or not math.isfinite(upper):
        return [0.0, 1.0]
    raw = upper / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    return [i * step for i in range(int(math.ceil(upper / step)) + 1)]


def _panel(title: str, series: dict[str, list[tuple[int, float]]], x0: float, y0: float, ylabel: str) -> list[str]:
    points = [p for pts in series.values() for p in pts]
    if not points:
        return []
    years = [p[0] for p in points]
    xmin, xmax = min(years), max(years)
    ticks = nice_ticks(max(p[1] for p in points))
    ymax = ticks[-1]
    left, top = x0 + MARGIN["left"], y0 + MARGIN["top"]
    w = PANEL_W - MARGIN["left"] - MARGIN["right"]
    h = PANEL_H - MARGIN["top"] - MARGIN["bottom"]

    def sx(x: float) -> float:
        return left + (x - xmin) / max(xmax - xmin, 1) * w

    def sy(y: float) -> float:
        return top + h - y / ymax * h

    out = [f'<text class="ct" x="{x0 + PANEL_W / 2:.1f}" y="{y0 + 16:.1f}">{html.escape(title)}</text>']
    for t in ticks:
        y = sy(t)
        out.append(f'<line class="grid" x1="{left:.1f}" x2="{left + w:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="yt" x="{left - 4:.1f}" y="{y + 3:.1f}">{number(t, 0)}</text>')
    step = 5 if xmax - xmin > 12 else 2
    for year in range(xmin + (-xmin) % step, xmax + 1, step):
        out.append(f'<text class="xt" x="{sx(year):.1f}" y="{top + h + 14:.1f}">{year}</text>')
    out.append(f'<line class="axis" x1="{left:.1f}" x2="{left + w:.1f}" y1="{top + h:.1f}" y2="{top + h:.1f}"/>')
    for k, (name, pts) in enumerate(series.items()):
        if not pts:
            continue
        colour, dash, width = STYLES[k % len(STYLES)]
        d = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="{width}"{dash_attr} points="{d}">'
                   f"<title>{html.escape(name)}</title></polyline>")
        for x, y in pts:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="{colour}" fill-opacity="0">'
                       f"<title>{html.escape(name)} {x}: {number(y, 0)} {html.escape(ylabel)}</title></circle>")
    return out


def line_panels(panels: list[tuple[str, dict[str, list[tuple[int, float]]]]], ylabel: str, label: str,
                ncols: int = 3) -> str:
    """Small multiples: one panel per (title, {series name: [(year, value)]}), a shared legend on top."""
    nrows = (len(panels) + ncols - 1) // ncols
    legend_h = 28.0
    width, height = ncols * PANEL_W, nrows * PANEL_H + legend_h
    out = [f'<svg class="chart" role="img" aria-label="{html.escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
           'xmlns="http://www.w3.org/2000/svg">',
           "<style>.ct{font:600 13px sans-serif;text-anchor:middle}.yt{font:10px sans-serif;text-anchor:end;"
           "fill:#52606d}.xt{font:10px sans-serif;text-anchor:middle;fill:#52606d}.grid{stroke:#e5e5e5}"
           ".axis{stroke:#999}.lg{font:12px sans-serif}</style>",
           f"<title>{html.escape(label)}</title>"]
    names = list(panels[0][1]) if panels else []
    x = 10.0
    for k, name in enumerate(names):
        colour, dash, width_ = STYLES[k % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x:.0f}" x2="{x + 28:.0f}" y1="14" y2="14" stroke="{colour}" '
                   f'stroke-width="{width_}"{dash_attr}/><text class="lg" x="{x + 34:.0f}" y="18">'
                   f"{html.escape(name)}</text>")
        x += 44 + 7.0 * len(name)
    for i, (title, series) in enumerate(panels):
        out.extend(_panel(title, series, (i % ncols) * PANEL_W, legend_h + (i // ncols) * PANEL_H, ylabel))
    out.append("</svg>")
    return "".join(out)
