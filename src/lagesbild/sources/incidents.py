"""A kommun's own incident data (EST, Effektiv samordning för trygghet) from CSV or Excel.

Each row needs a date (``2025-03-14``) or an ISO week (``2025-W11``, ``2025 v11``, ``2025-11``), a
category and a place: WGS84 ``lat``/``lon`` or SWEREF 99 TM ``x``/``y`` (see below).
Column names are recognised from common Swedish and English headers; ``--mapping FILE`` (JSON:
``{"date": "Datum", "category": "Händelse", "lat": "Lat", "lon": "Long"}``) names them explicitly.

SWEREF 99 TM in Swedish practice: ``N`` (northing, ~6.1–7.7 million) and ``E`` (easting,
~0.2–1.0 million). Columns named x/y are accepted in either order, recognised by their range.

Every row is validated; the result lists the bad rows (line, field, reason). Points are placed in
DeSO areas (shapely STRtree); only counts per DeSO, category and ISO week are kept.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from lagesbild.errors import SourceDataError
from lagesbild.geo.geometry import in_sweden_sweref, project_lonlat
from lagesbild.sources.snapshot import SWEDEN_LAT, SWEDEN_LON
from lagesbild.sources.tabular import read_rows

ALIASES = {
    "date": ("datum", "date", "händelsedatum", "tidpunkt", "rapportdatum"),
    "week": ("vecka", "week", "veckonummer"),
    "category": ("kategori", "category", "händelsetyp", "händelse", "typ", "brottstyp"),
    "lat": ("lat", "latitud", "latitude", "wgs84_lat"),
    "lon": ("lon", "long", "lng", "longitud", "longitude", "wgs84_lon"),
    "x": ("x", "e", "easting", "sweref_e", "sweref99_e", "ost"),
    "y": ("y", "n", "northing", "sweref_n", "sweref99_n", "nord"),
}
WEEK_RE = re.compile(r"^(\d{4})\s*(?:-?\s*w|\s*v|-)\s*(\d{1,2})$", re.I)
MAX_CATEGORY = 100


@dataclass
class Reject:
    line: int
    field: str
    reason: str
    raw: list[str] = field(default_factory=list)


@dataclass
class Parsed:
    file: str
    sha256: str
    total: int
    points: list[tuple[int, str, str, float, float]]  # (line, week, category, easting, northing)
    rejects: list[Reject]
    header: list[str] = field(default_factory=list)


def load_mapping(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceDataError(str(path), "no such file") from None
    except json.JSONDecodeError as exc:
        raise SourceDataError(str(path), f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or any(k not in ALIASES for k in doc) or \
            not all(isinstance(v, str) for v in doc.values()):
        raise SourceDataError(str(path), f"expected an object mapping some of {', '.join(ALIASES)} to column names")
    return doc


def _columns(header: list[str], mapping: dict[str, str], label: str) -> dict[str, int]:
    low = [h.strip().lower() for h in header]
    cols: dict[str, int] = {}
    for key, aliases in ALIASES.items():
        if key in mapping:
            name = mapping[key].strip().lower()
            if name not in low:
                raise SourceDataError(label, f"the mapping names column {mapping[key]!r} for {key}, which the file "
                                             f"does not have (columns: {', '.join(header)})")
            cols[key] = low.index(name)
        else:
            hit = next((low.index(a) for a in aliases if a in low), None)
            if hit is not None:
                cols[key] = hit
    if "category" not in cols:
        raise SourceDataError(label, "no category column (e.g. 'Kategori'); name it with --mapping")
    if "date" not in cols and "week" not in cols:
        raise SourceDataError(label, "no date or week column (e.g. 'Datum', 'Vecka'); name it with --mapping")
    if not ({"lat", "lon"} <= cols.keys() or {"x", "y"} <= cols.keys()):
        raise SourceDataError(label, "no coordinates: expected lat/lon (WGS84) or x/y (SWEREF 99 TM); "
                                     "name them with --mapping")
    return cols


def iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _week(row: list[str], cols: dict[str, int]) -> tuple[str | None, str, str]:
    """(ISO week, field, reason)."""
    if "date" in cols and row[cols["date"]].strip():
        text = row[cols["date"]].strip()
        for fmt in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y%m%d"):
            try:
                d = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            return None, "date", f"{text!r} is not a date (YYYY-MM-DD)"
        if not (2000 <= d.year <= date.today().year + 1):
            return None, "date", f"{text!r} is outside 2000–{date.today().year + 1}"
        return iso_week(d), "", ""
    if "week" in cols and row[cols["week"]].strip():
        text = row[cols["week"]].strip()
        m = WEEK_RE.match(text)
        if not m:
            return None, "week", f"{text!r} is not a week (YYYY-Www)"
        y, w = int(m.group(1)), int(m.group(2))
        try:
            date.fromisocalendar(y, w, 1)
        except ValueError:
            return None, "week", f"{text!r}: there is no week {w} in {y}"
        return f"{y}-W{w:02d}", "", ""
    return None, "date" if "date" in cols else "week", "empty"


def _float(text: str) -> float | None:
    try:
        v = float(text.strip().replace(",", ".").replace(" ", ""))
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _place(row: list[str], cols: dict[str, int]) -> tuple[tuple[float, float] | None, str, str]:
    """((E, N) in SWEREF 99 TM, field, reason)."""
    if {"lat", "lon"} <= cols.keys() and (row[cols["lat"]].strip() or row[cols["lon"]].strip()):
        lat, lon = _float(row[cols["lat"]]), _float(row[cols["lon"]])
        if lat is None:
            return None, "lat", f"{row[cols['lat']]!r} is not a number"
        if lon is None:
            return None, "lon", f"{row[cols['lon']]!r} is not a number"
        if not (SWEDEN_LAT[0] <= lat <= SWEDEN_LAT[1] and SWEDEN_LON[0] <= lon <= SWEDEN_LON[1]):
            return None, "lat/lon", f"({lat}, {lon}) is not in Sweden (WGS84 lat, lon)"
        x, y = project_lonlat(np.array([lon]), np.array([lat]))
        return (float(x[0]), float(y[0])), "", ""
    if {"x", "y"} <= cols.keys():
        a, b = _float(row[cols["x"]]), _float(row[cols["y"]])
        if a is None or b is None:
            return None, "x" if a is None else "y", "not a number"
        e, n = (a, b) if a < b else (b, a)  # easting < northing everywhere in Sweden
        if not in_sweden_sweref(e, n):
            return None, "x/y", f"({a}, {b}) is not SWEREF 99 TM in Sweden"
        return (e, n), "", ""
    return None, "lat/lon", "no coordinates"


def parse(data: bytes, label: str, mapping: dict[str, str] | None = None) -> Parsed:
    rows = read_rows(data, label)
    if not rows:
        raise SourceDataError(label, "the file is empty")
    header = [str(h) for h in rows[0]]
    cols = _columns(header, mapping or {}, label)
    points, rejects = [], []
    total = 0
    for i, row in enumerate(rows[1:]):
        line = i + 2
        if not any(str(c).strip() for c in row):
            continue
        total += 1
        row = [str(c) for c in row] + [""] * max(0, len(header) - len(row))
        if len(row) > len(header):
            rejects.append(Reject(line, "row", f"{len(row)} fields, the header has {len(header)}", row))
            continue
        week, fld, why = _week(row, cols)
        if week is None:
            rejects.append(Reject(line, fld, why, row))
            continue
        category = re.sub(r"\s+", " ", row[cols["category"]]).strip()
        if not category:
            rejects.append(Reject(line, "category", "empty", row))
            continue
        if len(category) > MAX_CATEGORY or any(ord(c) < 32 for c in category):
            rejects.append(Reject(line, "category", f"longer than {MAX_CATEGORY} characters or has control "
                                                    "characters", row))
            continue
        xy, fld, why = _place(row, cols)
        if xy is None:
            rejects.append(Reject(line, fld, why, row))
            continue
        points.append((line, week, category, xy[0], xy[1]))
    if total == 0:
        raise SourceDataError(label, "no data rows")
    return Parsed(label, hashlib.sha256(data).hexdigest(), total, points, rejects, header)


def place(parsed: Parsed, deso: dict[str, BaseGeometry]) -> tuple[Counter[tuple[str, str, str]], list[Reject]]:
    """Counts per (DeSO, category, week); points outside every DeSO become rejects."""
    codes = list(deso)
    tree = shapely.STRtree([deso[c] for c in codes])
    pts = shapely.points([(x, y) for _, _, _, x, y in parsed.points]) if parsed.points else []
    hit: dict[int, str] = {}
    if len(pts):
        src, dst = tree.query(pts, predicate="intersects")
        for i, j in zip(src.tolist(), dst.tolist(), strict=True):
            hit.setdefault(i, codes[j])  # a point on a shared border goes to the first area found
    counts: Counter[tuple[str, str, str]] = Counter()
    rejects = []
    for i, (line, week, category, x, y) in enumerate(parsed.points):
        if i in hit:
            counts[(hit[i], category, week)] += 1
        else:
            rejects.append(Reject(line, "place",
                                  f"the point ({x:.0f}, {y:.0f}) is not in any DeSO of the database"))
    return counts, rejects


def rejects_csv(rejects: list[Reject], header: list[str] | None = None) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow(["line", "field", "reason", *(header or [])])
    for r in sorted(rejects, key=lambda r: r.line):
        w.writerow([r.line, r.field, r.reason, *r.raw])
    return buf.getvalue()


def read(path: Path, mapping: dict[str, str] | None = None) -> Parsed:
    if not path.exists():
        raise SourceDataError(str(path), "no such file")
    return parse(path.read_bytes(), str(path), mapping)

