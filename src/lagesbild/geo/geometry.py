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
