"""SVG choropleth maps of areas in SWEREF 99 TM, written by hand rather than with matplotlib.

Each area is one ``<path>`` carrying its code, a ``<title>`` tooltip, and a precomputed fill per
indicator in ``data-fill-<indicator>`` attributes, so a few lines of JavaScript can switch the shown
indicator and a link can lead to the area; matplotlib's SVG output has neither per-shape hooks nor
links. Classes are quintiles of all DeSOs in the dataset, so colours mean the same in every kommun.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from lagesbild.report.fmt import NO_VALUE, current_lang, number

MISSING_FILL = "#d9d9d9"
N_CLASSES = 5


# Five light-to-dark steps of cividis (matplotlib's colour map made to read the same with colour-vision
# deficiency), sampled at 0.95 … 0.05 once and written down, so that drawing a map imports no matplotlib.
CIVIDIS_5 = ("#f3da42", "#b4a76f", "#7c7b78", "#49526b", "#002a62")


def palette() -> list[str]:
    return list(CIVIDIS_5)


@dataclass
class Classes:
    """Class limits of one indicator and the direction in which it gets darker."""

    indicator: str
    label: str
    unit: str
    period: str | None
    breaks: list[float]  # N_CLASSES - 1 inner limits
    darker_when: str  # "higher" or "lower"
    decimals: int = 1
    colours: list[str] = field(default_factory=palette)
    labels: list[str] | None = None  # legend text per class (light to dark), instead of value ranges
    missing_label: str = "uppgift saknas"

    @classmethod
    def quantiles(cls, indicator: str, label: str, unit: str, period: str | None, reference: Sequence[float],
                  worse: str | None, decimals: int = 1) -> Classes:
        ref = np.asarray([v for v in reference if v is not None and np.isfinite(v)], dtype=float)
        qs = np.quantile(ref, np.linspace(0, 1, N_CLASSES + 1)[1:-1]).tolist() if ref.size else []
        return cls(indicator, label, unit, period, qs, "lower" if worse == "lower" else "higher", decimals)

    def fill(self, value: float | None) -> str:
        if value is None or not np.isfinite(value) or not self.breaks:
            return MISSING_FILL
        k = int(np.searchsorted(self.breaks, value, side="right"))
        return self.colours[k] if self.darker_when == "higher" else self.colours[N_CLASSES - 1 - k]

    def legend_items(self) -> list[tuple[str, str]]:
        """(colour, range label) from light to dark, then the missing-value swatch."""
        if self.labels:
            return [*zip(self.colours, self.labels, strict=True), (MISSING_FILL, self.missing_label)]
        edges = [None, *self.breaks, None]
        items = []
        for k in range(N_CLASSES):
            lo, hi = edges[k], edges[k + 1]
            if lo is None:
                text = f"{'below' if current_lang() == 'en' else 'under'} {number(hi, self.decimals)}"
            elif hi is None:
                text = f"{number(lo, self.decimals)} {'and above' if current_lang() == 'en' else 'och över'}"
            else:
                text = f"{number(lo, self.decimals)}–{number(hi, self.decimals)}"
            items.append((self.colours[k] if self.darker_when == "higher" else self.colours[N_CLASSES - 1 - k],
                          text))
        if self.darker_when == "lower":
            items.reverse()
        items.append((MISSING_FILL, self.missing_label))
        return items


@dataclass
class MapArea:
    code: str
    geometry: BaseGeometry
    values: dict[str, float | None]
    title: str
    href: str | None = None
    selected: bool = False  # drawn with a heavy outline (the area a page is about)


class Frame:
    """Maps SWEREF 99 TM metres to SVG pixels (north up) for a bounding box."""

    def __init__(self, bounds: tuple[float, float, float, float], width: float = 640.0, pad: float = 8.0,
                 max_height: float = 720.0) -> None:
        minx, miny, maxx, maxy = bounds
        span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
        self.scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
        self.minx, self.maxy, self.pad = minx, maxy, pad
        self.width = span_x * self.scale + 2 * pad
        self.height = span_y * self.scale + 2 * pad

    def path(self, geom: BaseGeometry) -> str:
        parts = []
        polys = getattr(geom, "geoms", [geom])
        for poly in polys:
            if poly.geom_type != "Polygon" or poly.is_empty:
                continue
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)
                px = (xy[:, 0] - self.minx) * self.scale + self.pad
                py = (self.maxy - xy[:, 1]) * self.scale + self.pad
                pts = np.round(np.column_stack([px, py]), 1)
                # Drop consecutive duplicates after rounding: smaller files, same picture.
                keep = np.ones(len(pts), dtype=bool)
                keep[1:] = np.any(pts[1:] != pts[:-1], axis=1)
                pts = pts[keep]
                if len(pts) < 3:
                    continue
                parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in pts) + "Z")
        return "".join(parts)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return ((x - self.minx) * self.scale + self.pad, (self.maxy - y) * self.scale + self.pad)


def choropleth(map_id: str, areas: list[MapArea], classes: list[Classes], outlines: list[tuple[str, BaseGeometry]],
               bounds: tuple[float, float, float, float] | None = None, caption: str = "",
               width: float = 540.0, labels: bool = True) -> str:
    """An accessible SVG map: one path per area, the first indicator's fill shown, outlines on top."""
    if bounds is None:
        xs = np.array([a.geometry.bounds for a in areas])
        bounds = (xs[:, 0].min(), xs[:, 1].min(), xs[:, 2].max(), xs[:, 3].max())
    frame = Frame(bounds, width=width)
    view = shapely.box(*bounds)
    outlines = [(name, geom) for name, geom in outlines if geom.intersects(view)]
    first = classes[0]
    out = [f'<svg id="{map_id}" class="map" viewBox="0 0 {frame.width:.0f} {frame.height:.0f}" '
           f'width="{frame.width:.0f}" height="{frame.height:.0f}" role="img" '
           f'aria-labelledby="{map_id}-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{map_id}-title">{html.escape(caption)}</title>',
           f'<defs><clipPath id="{map_id}-clip"><rect width="{frame.width:.0f}" height="{frame.height:.0f}"/>'
           '</clipPath></defs>', f'<g clip-path="url(#{map_id}-clip)">', '<g class="areas">']
    for a in areas:
        d = frame.path(a.geometry)
        if not d:
            continue
        fills = " ".join(f'data-fill-{c.indicator}="{c.fill(a.values.get(c.indicator))}"' for c in classes)
        vals = " ".join(f'data-value-{c.indicator}="{_attr(a.values.get(c.indicator), c.decimals)}"'
                        for c in classes)
        cls = "area selected" if a.selected else "area"
        path = (f'<path class="{cls}" data-code="{a.code}" d="{d}" fill="{first.fill(a.values.get(first.indicator))}" '
                f'{fills} {vals} tabindex="0"><title>{html.escape(a.title)}</title></path>')
        out.append(f'<a href="{html.escape(a.href)}">{path}</a>' if a.href else path)
    out.append("</g>")
    if outlines:
        out.append('<g class="outlines">')
        for name, geom in outlines:
            d = frame.path(geom)
            if d:
                out.append(f'<path class="designation" d="{d}"><title>{html.escape(name)}</title></path>')
        for name, geom in outlines if labels else []:
            p = geom.representative_point()
            x, y = frame.point(p.x, p.y)
            if 0 <= x <= frame.width and 0 <= y <= frame.height:
                out.append(f'<text class="designation-label" x="{x:.0f}" y="{y - 8:.0f}">{html.escape(name)}</text>')
        out.append("</g>")
    out.append("</g></svg>")
    return "".join(out)


def _attr(value: float | None, decimals: int) -> str:
    return number(value, decimals) if value is not None and np.isfinite(value) else NO_VALUE
