"""The Police's designated areas (utsatta områden): the published zip, from a URL or a local file.

The Police publish each list as a zip with a GeoJSON or a shapefile in SWEREF 99 TM (EPSG:3006) and
the fields NAMN, KATEGORI, REGION, LOKALPOLISOMRADE, ORT and AKTUALITET_START. Every feature is
validated (an unknown category, a missing name or coordinates that are not EPSG:3006 fail with the
feature named). Every list version is kept; :func:`diff` says what changed against the previous one.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from lagesbild.errors import SourceDataError
from lagesbild.geo.codes import place_key
from lagesbild.geo.geometry import sweref_polygon
from lagesbild.sources.snapshot import DesignationRecord

SOURCE = "Polismyndigheten, utsatta områden"
CATEGORIES = {
    "utsatt område": "utsatt",
    "särskilt utsatt område": "sarskilt",
    "riskområde": "risk",
    # short forms seen in older files
    "utsatt": "utsatt",
    "särskilt utsatt": "sarskilt",
}
# A shapefile's field names are cut to 10 characters.
SHAPEFILE_NAMES = {"AKTUALITET": "AKTUALITET_START", "LOKALPOLIS": "LOKALPOLISOMRADE"}
MIN_SHARE = 0.10  # an overlap this large (of either polygon) links an old and a new area


def list_year_from(label: str) -> int | None:
    m = re.search(r"(20\d\d)", Path(label).name)
    return int(m.group(1)) if m else None


def read_zip(data: bytes, label: str, list_year: int) -> list[DesignationRecord]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SourceDataError(label, "not a zip file (cut off, or an error page?)") from None
    names = zf.namelist()
    geojson = [n for n in names if n.lower().endswith((".geojson", ".json"))]
    shp = [n for n in names if n.lower().endswith(".shp")]
    if geojson:
        member = geojson[0]
        try:
            doc = json.loads(zf.read(member))
        except (json.JSONDecodeError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
            raise SourceDataError(f"{label}!{member}", f"not valid JSON: {exc}") from None
        return parse_features(doc, f"{label}!{member}", list_year)
    if shp:
        return _read_shapefile(data, shp[0], label, list_year)
    raise SourceDataError(label, f"no .geojson or .shp file in the zip (found: {', '.join(names) or 'nothing'})")


def _read_shapefile(data: bytes, member: str, label: str, list_year: int) -> list[DesignationRecord]:
    import geopandas as gpd  # only for shapefiles: GeoJSON is read without it

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "areas.zip"
        path.write_bytes(data)
        frame = gpd.read_file(f"zip://{path}!{member}")
    if frame.crs is not None and frame.crs.to_epsg() != 3006:
        frame = frame.to_crs(3006)
    doc = json.loads(frame.to_json(drop_id=True))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
    return parse_features(doc, f"{label}!{member}", list_year)


def _crs_ok(doc: dict[str, Any]) -> bool:
    name = str(((doc.get("crs") or {}).get("properties") or {}).get("name", ""))
    return not name or name.endswith(("3006", "EPSG::3006"))


def _date(value: Any, label: str, rec: str) -> date | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.strptime(text[:19], fmt).date()
        except ValueError:
            continue
    raise SourceDataError(label, f"AKTUALITET_START {text!r} is not a date", rec)


def parse_features(doc: Any, label: str, list_year: int) -> list[DesignationRecord]:
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list) or not doc["features"]:
        raise SourceDataError(label, "expected a GeoJSON FeatureCollection with features")
    if not _crs_ok(doc):
        raise SourceDataError(label, f"coordinate system {doc['crs']} is not SWEREF 99 TM (EPSG:3006)")
    out = []
    for i, feat in enumerate(doc["features"]):
        rec = f"feature {i + 1}"
        props = {SHAPEFILE_NAMES.get(str(k).upper(), str(k).upper()): v
                 for k, v in (feat.get("properties") or {}).items()}
        name = str(props.get("NAMN") or "").strip()
        if not name:
            raise SourceDataError(label, "field NAMN is missing or empty", rec)
        rec = f"{rec} ({name})"
        kategori = str(props.get("KATEGORI") or "").strip()
        category = CATEGORIES.get(kategori.lower())
        if category is None:
            raise SourceDataError(label, f"unknown KATEGORI {kategori!r} (expected Utsatt område, Särskilt utsatt "
                                         "område or Riskområde)", rec)
        try:
            shape = sweref_polygon(feat.get("geometry"))
        except ValueError as exc:
            raise SourceDataError(label, str(exc), rec) from None
        out.append(DesignationRecord(name, category, str(props.get("ORT") or "").strip(),
                                     str(props.get("REGION") or "").strip(),
                                     _date(props.get("AKTUALITET_START"), label, rec), None, list_year,
                                     shape=shape, source="polisen_uso"))
    return out


# -- what changed between two list versions -----------------------------------------------------------

@dataclass
class Change:
    kind: str  # added, removed, recategorised, renamed, split, merged, reshaped
    old: list[str]
    new: list[str]
    detail: str = ""


@dataclass
class ListDiff:
    old_year: int | None
    new_year: int
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def _key(d: DesignationRecord) -> str:
    return f"{place_key(d.name)}|{place_key(d.ort)}"


def _label(d: DesignationRecord) -> str:
    return f"{d.name} ({d.ort})" if d.ort else d.name


def diff(old: list[DesignationRecord], new: list[DesignationRecord], old_year: int | None,
         new_year: int) -> ListDiff:
    """Match areas of two lists by overlap (≥ 10 % of either polygon) or by the same name and place.

    Linked groups then read as: one old and one new = the same area (recategorised or renamed if so);
    one old and several new = split; several old and one new = merged; none = added or removed.
    """
    out = ListDiff(old_year, new_year)
    parent = list(range(len(old) + len(new)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    old_shapes: list[BaseGeometry] = [d.shape for d in old]
    new_shapes: list[BaseGeometry] = [d.shape for d in new]
    if old_shapes and new_shapes:
        tree = shapely.STRtree(new_shapes)
        left, right = tree.query(old_shapes, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            inter = old_shapes[i].intersection(new_shapes[j]).area
            if inter >= MIN_SHARE * min(old_shapes[i].area, new_shapes[j].area):
                union(i, len(old) + j)
    by_key = {_key(d): i for i, d in enumerate(old)}
    for j, d in enumerate(new):
        if (i := by_key.get(_key(d))) is not None:
            union(i, len(old) + j)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(len(old)):
        groups.setdefault(find(i), ([], []))[0].append(i)
    for j in range(len(new)):
        groups.setdefault(find(len(old) + j), ([], []))[1].append(j)
    for olds, news in sorted(groups.values(), key=lambda g: (sorted(new[j].name for j in g[1]),
                                                              sorted(old[i].name for i in g[0]))):
        o = sorted(_label(old[i]) for i in olds)
        n = sorted(_label(new[j]) for j in news)
        if not olds:
            out.changes.append(Change("added", [], n, new[news[0]].category))
        elif not news:
            out.changes.append(Change("removed", o, [], old[olds[0]].category))
        elif len(olds) == 1 and len(news) == 1:
            a, b = old[olds[0]], new[news[0]]
            if a.category != b.category:
                out.changes.append(Change("recategorised", o, n, f"{a.category} → {b.category}"))
            elif _key(a) != _key(b):
                out.changes.append(Change("renamed", o, n))
            else:
                out.unchanged += 1
        elif len(olds) == 1:
            out.changes.append(Change("split", o, n))
        elif len(news) == 1:
            out.changes.append(Change("merged", o, n))
        else:
            out.changes.append(Change("reshaped", o, n))
    return out
