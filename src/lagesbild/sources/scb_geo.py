"""SCB's open geodata: DeSO boundaries (WFS, GeoJSON in SWEREF 99 TM), and the DeSO 2018 → 2025 crosswalk.

The WFS is read page by page (``count``/``startIndex``) and checked against ``numberMatched``. Each
feature must carry a DeSO code, its RegSO and kommun; geometries must be SWEREF 99 TM.

The crosswalk moves values on the 2018 division to today's areas. SCB's correspondence table is used
where it is given (``crosswalk`` in the sources file, CSV or Excel with columns for the 2018 and 2025
codes and, optional, a share); otherwise the shares are computed from the two boundary layers by area
(the part of each old area that lies in each new one). The method is stored with every pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from lagesbild.errors import SourceDataError, SourceFetchError
from lagesbild.geo.geometry import SWEREF99TM, sweref_polygon
from lagesbild.sources.http import SourceClient, require
from lagesbild.sources.snapshot import DESO_RE, REGSO_RE, DesoRecord
from lagesbild.sources.tabular import read_rows

SOURCE = "SCB geodata (WFS)"
PAGE = 1000
CODE_FIELDS = {"deso": ("desokod", "deso", "deso_kod"), "regso": ("regsokod", "regso", "regso_kod"),
               "kommun": ("kommunkod", "kommun", "kn_kod")}
Progress = Callable[[str, int, int], None]


def _noop(_t: str, _d: int, _n: int) -> None:
    pass


def _field(props: dict[str, Any], kind: str) -> str:
    lower = {str(k).lower(): v for k, v in props.items()}
    for name in CODE_FIELDS[kind]:
        if lower.get(name) not in (None, ""):
            return str(lower[name]).split("_", 1)[0].strip()
    return ""


def fetch_features(client: SourceClient, wfs: str, layer: str, kommuner: list[str] | None = None,
                   progress: Progress = _noop) -> list[dict[str, Any]]:
    """All features of a WFS layer (optionally only some kommuner), page by page."""
    params: dict[str, Any] = {"service": "WFS", "version": "2.0.0", "request": "GetFeature", "typeNames": layer,
                              "outputFormat": "application/json", "srsName": SWEREF99TM, "count": PAGE}
    if kommuner:
        params["CQL_FILTER"] = " OR ".join(f"kommunkod='{k}'" for k in kommuner)
    out: list[dict[str, Any]] = []
    start = 0
    matched: int | None = None
    while True:
        doc = client.json("GET", wfs, params=dict(params, startIndex=start))
        require(SOURCE, wfs, doc, ["features"])
        feats = doc["features"]
        if not isinstance(feats, list):
            raise SourceFetchError(SOURCE, wfs, "'features' is not a list (has the format changed?)")
        if isinstance(doc.get("numberMatched"), int):
            matched = doc["numberMatched"]
        out.extend(feats)
        progress(f"Gränser {layer}", len(out), matched or len(out))
        if len(feats) < PAGE or (matched is not None and len(out) >= matched):
            break
        start += PAGE
    if matched is not None and len(out) != matched:
        raise SourceFetchError(SOURCE, wfs, f"{len(out)} features received, the service says {matched}")
    if not out:
        raise SourceFetchError(SOURCE, wfs, f"no features in {layer}" + (f" for {', '.join(kommuner)}" if kommuner
                                                                          else ""))
    return out


def _geometry(feat: dict[str, Any], where: str, rec: str) -> BaseGeometry:
    try:
        return sweref_polygon(feat.get("geometry"))
    except ValueError as exc:
        raise SourceFetchError(SOURCE, where, f"{rec}: {exc}") from None


def deso_records(features: list[dict[str, Any]], where: str) -> list[DesoRecord]:
    """DeSO areas (geometry only; statistics come from the PxWeb tables)."""
    out = []
    seen: set[str] = set()
    for i, feat in enumerate(features):
        props = feat.get("properties") or {}
        code, regso, kommun = _field(props, "deso"), _field(props, "regso"), _field(props, "kommun")
        rec = f"feature {i + 1} ({code or 'no DeSO code'})"
        if not DESO_RE.match(code):
            raise SourceFetchError(SOURCE, where, f"{rec}: malformed or missing DeSO code (field desokod)")
        kommun = kommun or code[:4]
        if kommun != code[:4] or not REGSO_RE.match(regso) or regso[:4] != kommun:
            raise SourceFetchError(SOURCE, where, f"{rec}: RegSO {regso!r} or kommun {kommun!r} does not match")
        if code in seen:
            raise SourceFetchError(SOURCE, where, f"{rec}: the DeSO appears twice")
        seen.add(code)
        out.append(DesoRecord(code, kommun, regso, kommun[:2], [], source_file=where,
                              geometry=_geometry(feat, where, rec)))
    return out


def old_areas(features: list[dict[str, Any]], where: str) -> dict[str, BaseGeometry]:
    """DeSO 2018 code -> geometry."""
    out = {}
    for i, feat in enumerate(features):
        code = _field(feat.get("properties") or {}, "deso")
        if not DESO_RE.match(code):
            raise SourceFetchError(SOURCE, where, f"feature {i + 1}: malformed or missing DeSO code")
        out[code] = _geometry(feat, where, f"feature {i + 1} ({code})")
    return out


# -- crosswalk ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    old: str
    new: str
    weight: float  # share of the old area's counts that belongs to the new area
    method: str


def area_crosswalk(old: dict[str, BaseGeometry], new: dict[str, BaseGeometry], min_share: float = 0.01) -> list[Link]:
    """Area-weighted: weight = area(old ∩ new) / area(old), slivers under ``min_share`` dropped, renormalised."""
    new_codes = list(new)
    tree = shapely.STRtree([new[c] for c in new_codes])
    out = []
    for code, geom in old.items():
        idx = tree.query(geom, predicate="intersects")
        parts = [(new_codes[j], geom.intersection(new[new_codes[j]]).area / geom.area) for j in idx.tolist()]
        parts = [(c, w) for c, w in parts if w >= min_share]
        total = sum(w for _, w in parts)
        out.extend(Link(code, c, w / total, "area") for c, w in sorted(parts) if total > 0)
    return out


def parse_crosswalk(data: bytes, label: str) -> list[Link]:
    """SCB's correspondence table: one row per (DeSO 2018, DeSO 2025) pair, optional share column.

    Without a share, an old area that maps to several new ones is split equally (stated as "scb-equal").
    """
    rows = read_rows(data, label)
    for idx, row in enumerate(rows[:20]):
        header = [re.sub(r"[\s_-]", "", str(c).lower()) for c in row]
        old_col = next((header.index(h) for h in ("deso2018", "desokod2018", "deso2018kod") if h in header), None)
        new_col = next((header.index(h) for h in ("deso2025", "desokod2025", "deso2025kod") if h in header), None)
        if old_col is None or new_col is None:
            continue
        share_col = next((header.index(h) for h in ("andel", "share", "weight", "vikt") if h in header), None)
        pairs: list[tuple[str, str, float | None]] = []
        for i, r in enumerate(rows[idx + 1:]):
            line = idx + i + 2
            if not any(str(c).strip() for c in r):
                continue
            o, n = str(r[old_col]).split("_")[0].strip(), str(r[new_col]).split("_")[0].strip()
            if not DESO_RE.match(o) or not DESO_RE.match(n):
                raise SourceDataError(label, f"malformed DeSO code {o!r} or {n!r}", f"line {line}")
            w = None
            if share_col is not None and str(r[share_col]).strip():
                try:
                    w = float(str(r[share_col]).replace(",", "."))
                except ValueError:
                    raise SourceDataError(label, f"share {r[share_col]!r} is not a number", f"line {line}") from None
            pairs.append((o, n, w))
        by_old: dict[str, list[tuple[str, float | None]]] = {}
        for o, n, w in pairs:
            by_old.setdefault(o, []).append((n, w))
        out = []
        for o, links in by_old.items():
            if all(w is not None for _, w in links):
                total = sum(w for _, w in links)  # type: ignore[misc]
                out.extend(Link(o, n, w / total, "scb") for n, w in links)  # type: ignore[operator]
            else:
                out.extend(Link(o, n, 1.0 / len(links), "scb-equal") for n, _ in links)
        if not out:
            raise SourceDataError(label, "no rows")
        return out
    raise SourceDataError(label, "no header with DeSO 2018 and DeSO 2025 columns found")


def apply_crosswalk(parts: dict[str, tuple[float, float | None]], links: list[Link],
                    extensive: bool) -> dict[str, tuple[float, float | None]]:
    """Old-area (numerator, denominator) pairs to new areas.

    Counts (``extensive``, and every denominator) are split by weight and summed, so a share is
    recomputed from moved counts; a published mean or rate without counts becomes a weighted mean.
    """
    num: dict[str, float] = {}
    den: dict[str, float] = {}
    wsum: dict[str, float] = {}
    for link in links:
        if link.old not in parts:
            continue
        n, d = parts[link.old]
        num[link.new] = num.get(link.new, 0.0) + n * link.weight
        wsum[link.new] = wsum.get(link.new, 0.0) + link.weight
        if d is not None:
            den[link.new] = den.get(link.new, 0.0) + d * link.weight
    out: dict[str, tuple[float, float | None]] = {}
    for code, n in num.items():
        if not extensive and code not in den:
            out[code] = (n / wsum[code], None)
        else:
            out[code] = (n, den.get(code))
    return out
