"""Geometry helpers: WGS84 source coordinates to SWEREF 99 TM (EPSG:3006) shapely geometries."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

SWEREF99TM = "EPSG:3006"
WGS84 = "EPSG:4326"


@lru_cache(maxsize=2)
def _transformer(inverse: bool = False) -> Transformer:
    if inverse:
        return Transformer.from_crs(SWEREF99TM, WGS84, always_xy=True)
    return Transformer.from_crs(WGS84, SWEREF99TM, always_xy=True)


def project_lonlat(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat arrays to SWEREF 99 TM easting/northing (metres)."""
    x, y = _transformer().transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """A SWEREF 99 TM geometry back to WGS84 lon/lat (for GeoJSON output)."""
    t = _transformer(inverse=True)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def _clean(geom: BaseGeometry) -> BaseGeometry:
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        # make_valid may return a collection with stray lines; keep the polygonal part.
        geom = shapely.union_all([g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")])
    return geom


def rings_latlon_to_geometry(rings: list[list[tuple[float, float]]]) -> BaseGeometry:
    """DeSO rings ([lat, lon] pairs, each ring a separate part, none a hole) to a valid (Multi)Polygon in 3006."""
    parts = []
    for ring in rings:
        arr = np.asarray(ring, dtype=float)
        x, y = project_lonlat(arr[:, 1], arr[:, 0])
        parts.append(_clean(shapely.Polygon(np.column_stack([x, y]))))
    return _clean(shapely.union_all(parts)) if len(parts) > 1 else parts[0]


# SWEREF 99 TM bounds of Sweden, with a margin: easting (x) and northing (y) in metres.
X_RANGE = (200_000.0, 1_000_000.0)
Y_RANGE = (6_100_000.0, 7_700_000.0)


def in_sweden_sweref(x: float, y: float) -> bool:
    return X_RANGE[0] <= x <= X_RANGE[1] and Y_RANGE[0] <= y <= Y_RANGE[1]


def sweref_polygon(geom: Any) -> BaseGeometry:
    """A GeoJSON Polygon/MultiPolygon already in SWEREF 99 TM, as a valid geometry.

    Raises ValueError with the reason when it is not a polygon, unreadable, or not in Sweden in
    EPSG:3006 (coordinates in degrees end up here too).
    """
    if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon") or not geom.get("coordinates"):
        raise ValueError("geometry must be a Polygon or MultiPolygon")
    try:
        shape = shapely.geometry.shape(geom)
    except (ValueError, TypeError, IndexError) as exc:
        raise ValueError(f"unreadable geometry ({exc})") from None
    minx, miny, maxx, maxy = shape.bounds
    if not (in_sweden_sweref(minx, miny) and in_sweden_sweref(maxx, maxy)):
        raise ValueError(f"coordinates ({minx:.0f}, {miny:.0f}) are not SWEREF 99 TM (EPSG:3006) in Sweden")
    return _clean(shape)


def geojson_to_geometry(geom: dict[str, Any]) -> BaseGeometry:
    """A GeoJSON Polygon/MultiPolygon in WGS84 [lon, lat] to a valid geometry in 3006."""
    shape = shapely.geometry.shape(geom)
    t = _transformer()
    projected = shapely.transform(shape, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return _clean(projected)


def to_wkb(geom: BaseGeometry) -> bytes:
    return shapely.to_wkb(geom)


def from_wkb(data: bytes) -> BaseGeometry:
    return shapely.from_wkb(data)
