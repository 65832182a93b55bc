"""Read and validate a data snapshot laid out like ``shared/data`` (a folder, or the bundled zip).

Every record is checked at this boundary; a bad one raises :class:`SourceDataError` naming the file
and the record, before anything is written to a database.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from lagesbild.errors import SourceDataError
from lagesbild.indicators.registry import (
    CRIME_GROUPS,
    DESO_INDICATORS,
    OTHER_INDICATORS,
    SCHOOL_COUNT_SUFFIX,
)

DESO_RE = re.compile(r"^(\d{4})([ABC])(\d{4})$")
REGSO_RE = re.compile(r"^(\d{4})R(\d{3})$")
KOMMUN_RE = re.compile(r"^\d{4}$")
LAN_RE = re.compile(r"^\d{2}$")
PERIOD_RE = re.compile(r"^(\d{4})(K[1-4])?$")
SWEDEN_LAT = (55.0, 69.5)
SWEDEN_LON = (10.5, 24.5)

CATEGORY_BY_CLASS = {"utsatt": "utsatt", "sarskilt": "sarskilt", "risk": "risk"}
_INDICATOR_KEYS = {i.id for i in DESO_INDICATORS} | {i.id for i in OTHER_INDICATORS}
# Fields of the DeSO files that are not indicators: identifiers, geometry, distributions, and the source
# repository's own designation share (we compute that ourselves from the polygons).
_NON_INDICATOR_KEYS = {"code", "name", "kommun", "regso", "lan", "rings", "hist", "dist",
                       "vulnerable_area_share", "vulnerable_area_share_class"}
UNDATED = "senaste"


@dataclass
class DesoRecord:
    code: str
    kommun: str
    regso: str
    lan: str
    rings: list[list[tuple[float, float]]]  # each ring [(lat, lon), ...], each a separate part
    # indicator -> period -> value
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # school indicator -> number of schools
    source_file: str = ""
    geometry: Any = None  # a shapely geometry in EPSG:3006, when the source has one (then ``rings`` is empty)
    value_sources: dict[str, str] = field(default_factory=dict)  # indicator -> source id, when not the default


@dataclass
class DesignationRecord:
    name: str
    category: str  # utsatt | sarskilt | risk
    ort: str
    police_region: str
    since: date | None
    geometry: dict[str, Any] | None  # GeoJSON geometry, WGS84 [lon, lat]
    list_year: int
    shape: Any = None  # a shapely geometry in EPSG:3006, when the source has one
    source: str = "polisen_uso"


@dataclass
class CrimeRecord:
    kommun: str
    period: str
    group: str
    count: int
    per100k: float | None
    preliminary: bool
    source: str = "bra"


def _strip_suffix(code: str) -> str:
    return code.split("_", 1)[0]


class Snapshot:
    """A folder or zip laid out like ``shared/data``."""

    def __init__(self, location: Path) -> None:
        self.location = Path(location)
        if not self.location.exists():
            raise SourceDataError(str(self.location), "no such file or folder")
        self._zip: zipfile.ZipFile | None = None
        if self.location.is_file():
            try:
                self._zip = zipfile.ZipFile(self.location)
            except zipfile.BadZipFile as exc:
                raise SourceDataError(str(self.location), f"not a readable zip file ({exc})") from exc

    # -- file access -------------------------------------------------------------------------------
    def names(self, folder: str, suffix: str) -> list[str]:
        if self._zip is not None:
            return sorted(n for n in self._zip.namelist() if n.startswith(folder + "/") and n.endswith(suffix))
        base = self.location / folder
        if not base.is_dir():
            return []
        return sorted(f"{folder}/{p.name}" for p in base.iterdir() if p.name.endswith(suffix))

    def label(self, name: str) -> str:
        return f"{self.location}:{name}" if self._zip is not None else str(self.location / name)

    def read_bytes(self, name: str) -> bytes:
        try:
            if self._zip is not None:
                return self._zip.read(name)
            return (self.location / name).read_bytes()
        except (KeyError, FileNotFoundError):
            raise SourceDataError(self.label(name), "file missing from the source") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SourceDataError(self.label(name), f"cannot be read ({exc})") from exc

    def read_json(self, name: str) -> Any:
        raw = self.read_bytes(name)
        try:
            return json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise SourceDataError(self.label(name), f"not UTF-8 (byte {exc.start})") from exc
        except json.JSONDecodeError as exc:
            raise SourceDataError(self.label(name), f"invalid JSON: {exc.msg}",
                                  f"line {exc.lineno}, column {exc.colno}") from exc

    def read_csv(self, name: str, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line number, row) of a semicolon-separated file, checking its header."""
        raw = self.read_bytes(name)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceDataError(self.label(name), f"not UTF-8 (byte {exc.start})") from exc
        reader = csv.DictReader(io.StringIO(text), delimiter=";")
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise SourceDataError(self.label(name), f"header lacks column(s) {', '.join(missing)}", "line 1")
        for row in reader:
            if None in row or any(v is None for v in row.values()):
                raise SourceDataError(self.label(name), "wrong number of fields", f"line {reader.line_num}")
            yield reader.line_num, row

    def fingerprint(self) -> str:
        import hashlib

        h = hashlib.sha256()
        names = (self._zip.namelist() if self._zip is not None
                 else [p.relative_to(self.location).as_posix() for p in sorted(self.location.rglob("*"))
                       if p.is_file()])
        for name in sorted(names):
            if name.endswith("MANIFEST.json") or name.startswith("fixtures/"):
                continue
            h.update(name.encode())
            h.update(self.read_bytes(name))
        return h.hexdigest()[:16]

    # -- parsed content ----------------------------------------------------------------------------
    def kommuner(self) -> dict[str, tuple[str, str]]:
        """kommun code -> (name, län code), all 290."""
        name = "reference/kommuner.csv"
        out: dict[str, tuple[str, str]] = {}
        for line, row in self.read_csv(name, ["kommun_code", "kommun_name", "lan_code"]):
            code, kname, lan = row["kommun_code"].strip(), row["kommun_name"].strip(), row["lan_code"].strip()
            if not KOMMUN_RE.match(code) or not LAN_RE.match(lan) or not code.startswith(lan) or not kname:
                raise SourceDataError(self.label(name), f"bad kommun row {row!r}", f"line {line}")
            out[code] = (kname, lan)
        if not out:
            raise SourceDataError(self.label(name), "no rows")
        return out

    def lan(self) -> dict[str, tuple[str, str, str]]:
        """län code -> (Swedish name, English name, police region)."""
        name = "reference/lan.csv"
        out: dict[str, tuple[str, str, str]] = {}
        for line, row in self.read_csv(name, ["lan_code", "lan_name", "lan_name_en", "polisregion"]):
            code = row["lan_code"].strip()
            if not LAN_RE.match(code) or not row["lan_name"].strip() or not row["polisregion"].strip():
                raise SourceDataError(self.label(name), f"bad län row {row!r}", f"line {line}")
            out[code] = (row["lan_name"].strip(), row["lan_name_en"].strip(), row["polisregion"].strip())
        return out

    def deso_files(self) -> list[str]:
        return self.names("deso", ".json")

    def deso_records(self, name: str) -> list[DesoRecord]:
        doc = self.read_json(name)
        label = self.label(name)
        if not isinstance(doc, dict) or not isinstance(doc.get("areas"), list):
            raise SourceDataError(label, "expected an object with a list 'areas'")
        file_kommun = str(doc.get("kommun", ""))
        out = []
        for i, area in enumerate(doc["areas"]):
            out.append(_parse_deso(area, label, f"area {i + 1}", file_kommun))
        return out

    def designations(self, name: str = "polisen/uso_2025.geojson", list_year: int = 2025) -> list[DesignationRecord]:
        doc = self.read_json(name)
        label = self.label(name)
        feats = doc.get("features") if isinstance(doc, dict) else None
        if not isinstance(feats, list) or not feats:
            raise SourceDataError(label, "expected a GeoJSON FeatureCollection with features")
        out = []
        for i, feat in enumerate(feats):
            rec = f"feature {i + 1}"
            props = feat.get("properties") or {}
            geom = feat.get("geometry") or {}
            name_ = str(props.get("name") or "").strip()
            cls = props.get("class")
            if not name_:
                raise SourceDataError(label, "missing 'name'", rec)
            if cls not in CATEGORY_BY_CLASS:
                raise SourceDataError(label, f"unknown category {cls!r} (expected utsatt, sarskilt or risk)",
                                      f"{rec} ({name_})")
            if geom.get("type") not in ("Polygon", "MultiPolygon") or not geom.get("coordinates"):
                raise SourceDataError(label, "geometry must be a Polygon or MultiPolygon", f"{rec} ({name_})")
            since = None
            if props.get("since"):
                try:
                    since = date.fromisoformat(str(props["since"]))
                except ValueError:
                    raise SourceDataError(label, f"bad date {props['since']!r} in 'since'", f"{rec} ({name_})") \
                        from None
            _check_lonlat(geom, label, f"{rec} ({name_})")
            out.append(DesignationRecord(name_, CATEGORY_BY_CLASS[cls], str(props.get("ort") or ""),
                                         str(props.get("region") or ""), since, geom, list_year))
        return out

    def crime(self, name: str) -> list[CrimeRecord]:
        label = self.label(name)
        out = []
        for line, row in self.read_csv(name, ["kommun", "period", "key", "count", "per100k", "preliminary"]):
            rec = f"line {line}"
            kommun, period, group = row["kommun"].strip(), row["period"].strip(), row["key"].strip()
            if not KOMMUN_RE.match(kommun):
                raise SourceDataError(label, f"bad kommun code {kommun!r}", rec)
            if not PERIOD_RE.match(period):
                raise SourceDataError(label, f"bad period {period!r} (expected YYYY or YYYYKn)", rec)
            if group not in CRIME_GROUPS:
                raise SourceDataError(label, f"unknown offence group {group!r}", rec)
            try:
                count = int(row["count"])
                per100k = float(row["per100k"]) if row["per100k"].strip() else None
            except ValueError:
                raise SourceDataError(label, f"count/per100k not numeric: {row['count']!r}, {row['per100k']!r}",
                                      rec) from None
            if count < 0 or (per100k is not None and (per100k < 0 or not math.isfinite(per100k))):
                raise SourceDataError(label, "negative or infinite value", rec)
            out.append(CrimeRecord(kommun, period, group, count, per100k, row["preliminary"].strip() == "1"))
        return out

    def reference_overlap(self, name: str = "polisen/uso_2025_deso_overlap.csv") -> dict[str, float]:
        """DeSO code -> share (0–1) inside any designated area, per the independent reference overlay."""
        out = {}
        for _, row in self.read_csv(name, ["code", "level", "share_pct"]):
            if row["level"] == "deso":
                out[_strip_suffix(row["code"])] = float(row["share_pct"]) / 100.0
        return out


def _num(value: Any, label: str, rec: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SourceDataError(label, f"field {key!r} is not a finite number: {value!r}", rec)
    return float(value)


def _check_lonlat(geom: dict[str, Any], label: str, rec: str) -> None:
    def walk(c: Any) -> Iterator[list[float]]:
        if c and isinstance(c[0], int | float):
            yield c
        else:
            for x in c:
                yield from walk(x)

    for lon, lat, *_ in walk(geom["coordinates"]):
        if not (SWEDEN_LON[0] <= lon <= SWEDEN_LON[1] and SWEDEN_LAT[0] <= lat <= SWEDEN_LAT[1]):
            raise SourceDataError(label, f"coordinate ({lon}, {lat}) is outside Sweden (expected [lon, lat])", rec)


def _parse_deso(area: Any, label: str, rec: str, file_kommun: str) -> DesoRecord:
    if not isinstance(area, dict):
        raise SourceDataError(label, "expected an object", rec)
    code = _strip_suffix(str(area.get("code", "")))
    rec = f"{rec} ({code or 'no code'})"
    m = DESO_RE.match(code)
    if not m:
        raise SourceDataError(label, f"malformed DeSO code {area.get('code')!r}", rec)
    kommun = str(area.get("kommun", ""))
    if kommun != m.group(1) or (file_kommun and kommun != file_kommun):
        raise SourceDataError(label, f"kommun {kommun!r} does not match the code or the file", rec)
    regso = _strip_suffix(str(area.get("regso", "")))
    if not REGSO_RE.match(regso) or regso[:4] != kommun:
        raise SourceDataError(label, f"malformed RegSO code {area.get('regso')!r}", rec)
    lan = str(area.get("lan", ""))
    if not LAN_RE.match(lan) or not kommun.startswith(lan):
        raise SourceDataError(label, f"län {lan!r} does not match the kommun", rec)
    rings_raw = area.get("rings")
    if not isinstance(rings_raw, list) or not rings_raw:
        raise SourceDataError(label, "missing 'rings'", rec)
    rings = []
    for j, ring in enumerate(rings_raw):
        if not isinstance(ring, list) or len(ring) < 3:
            raise SourceDataError(label, f"ring {j + 1} has fewer than 3 points", rec)
        pts = []
        for pt in ring:
            if not isinstance(pt, list) or len(pt) != 2:
                raise SourceDataError(label, f"ring {j + 1}: point {pt!r} is not [lat, lon]", rec)
            lat, lon = _num(pt[0], label, rec, "rings"), _num(pt[1], label, rec, "rings")
            if not (SWEDEN_LAT[0] <= lat <= SWEDEN_LAT[1] and SWEDEN_LON[0] <= lon <= SWEDEN_LON[1]):
                raise SourceDataError(label, f"ring {j + 1}: point ({lat}, {lon}) is outside Sweden "
                                             "(expected [lat, lon])", rec)
            pts.append((lat, lon))
        rings.append(pts)
    out = DesoRecord(code, kommun, regso, lan, rings, source_file=label)
    hist = area.get("hist") or {}
    if not isinstance(hist, dict):
        raise SourceDataError(label, "'hist' must be an object", rec)
    for key, series in hist.items():
        if key not in _INDICATOR_KEYS:
            raise SourceDataError(label, f"unknown indicator {key!r} in 'hist'", rec)
        if not isinstance(series, dict):
            raise SourceDataError(label, f"hist {key!r} must map years to values", rec)
        for period, value in series.items():
            if not PERIOD_RE.match(str(period)):
                raise SourceDataError(label, f"hist {key!r}: bad period {period!r}", rec)
            if value is not None:
                out.values.setdefault(key, {})[str(period)] = _num(value, label, rec, f"hist.{key}.{period}")
    pop_period = max(hist.get("growth", {}) or {"": None}) or UNDATED
    for key, value in area.items():
        if key in _NON_INDICATOR_KEYS or value is None:
            continue
        if key.endswith(SCHOOL_COUNT_SUFFIX) and key[: -len(SCHOOL_COUNT_SUFFIX)] in _INDICATOR_KEYS:
            out.counts[key[: -len(SCHOOL_COUNT_SUFFIX)]] = int(_num(value, label, rec, key))
            continue
        if key not in _INDICATOR_KEYS:
            raise SourceDataError(label, f"unknown field {key!r}", rec)
        number = _num(value, label, rec, key)
        series = out.values.get(key)
        if series:
            latest = max(series)
            if abs(series[latest] - number) > 1e-9:
                raise SourceDataError(label, f"field {key!r} = {number} disagrees with hist {latest} = "
                                             f"{series[latest]}", rec)
            continue
        period = pop_period if key == "pop" else UNDATED
        out.values[key] = {period: number}
    if "pop" not in out.values:
        raise SourceDataError(label, "missing population 'pop'", rec)
    if out.values["pop"][max(out.values["pop"])] < 0:
        raise SourceDataError(label, "negative population", rec)
    return out
