"""Overlap of DeSO areas with the Police's designated areas, computed in SWEREF 99 TM.

The share of a DeSO inside designated areas is area(DeSO ∩ union of designations) / area(DeSO), per
category and for any category. Intersections smaller than ``min_area_m2`` (default one hectare) are
ignored: the boundaries of both sources are simplified for display, and slivers along shared edges
are artefacts of that, not real overlap (the independent reference overlay applies the same rule).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

MIN_OVERLAP_M2 = 10_000.0
# Most severe first: the category a DeSO is given when it touches more than one.
CATEGORY_ORDER = ("sarskilt", "risk", "utsatt")


@dataclass(frozen=True)
class PairOverlap:
    deso: str
    designation: int  # index into the designation list
    area_m2: float
    share: float


@dataclass(frozen=True)
class DesoShare:
    deso: str
    share_any: float
    share_by_category: dict[str, float]

    @property
    def category(self) -> str | None:
        """The most severe category with any (non-sliver) overlap."""
        for cat in CATEGORY_ORDER:
            if self.share_by_category.get(cat, 0.0) > 0:
                return cat
        return None


def overlaps(deso: dict[str, BaseGeometry], designations: list[tuple[str, BaseGeometry]],
             min_area_m2: float = MIN_OVERLAP_M2) -> tuple[list[PairOverlap], list[DesoShare]]:
    """Pairwise overlaps and per-DeSO shares.

    ``deso``: code -> geometry; ``designations``: (category, geometry) in list order. An STRtree finds
    the candidate pairs, so the cost grows with the overlaps, not with DeSO × designation.
    """
    codes = list(deso)
    geoms = np.array([deso[c] for c in codes], dtype=object)
    tree = shapely.STRtree(geoms)
    pairs: list[PairOverlap] = []
    areas = shapely.area(geoms)
    touched: dict[int, list[int]] = {}
    for j, (_cat, dgeom) in enumerate(designations):
        for i in tree.query(dgeom, predicate="intersects"):
            inter = shapely.intersection(geoms[i], dgeom).area
            if inter >= min_area_m2:
                pairs.append(PairOverlap(codes[i], j, inter, inter / areas[i]))
                touched.setdefault(int(i), []).append(j)
    shares = []
    for i, js in sorted(touched.items()):
        by_cat: dict[str, float] = {}
        for cat in {designations[j][0] for j in js}:
            union = shapely.union_all([designations[j][1] for j in js if designations[j][0] == cat])
            by_cat[cat] = _share(geoms[i], union, areas[i], min_area_m2)
        union_all = shapely.union_all([designations[j][1] for j in js])
        shares.append(DesoShare(codes[i], _share(geoms[i], union_all, areas[i], min_area_m2), by_cat))
    return pairs, shares


def _share(geom: BaseGeometry, other: BaseGeometry, area: float, min_area_m2: float) -> float:
    inter = shapely.intersection(geom, other).area
    return min(1.0, inter / area) if inter >= min_area_m2 else 0.0
