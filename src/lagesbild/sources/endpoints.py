"""Where the live sources are, and how patiently to ask them.

The defaults are the public services. A TOML file (``--sources FILE`` or ``LAGESBILD_SOURCES``) can
point any of them elsewhere, e.g. at a mirror or at the local test server the tests use:

    scb_api = "http://127.0.0.1:8765/scb/api/v2"
    polisen_events = "http://127.0.0.1:8765/polisen/api/events"
    [http]
    timeout = 5
    retries = 2
    backoff = 0.05
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from lagesbild.errors import SourceDataError
from lagesbild.sources.http import HttpSettings

SOURCES_ENV = "LAGESBILD_SOURCES"


@dataclass
class Endpoints:
    scb_api: str = "https://statistikdatabasen.scb.se/api/v2"
    scb_wfs: str = "https://geodata.scb.se/geoserver/stat/wfs"
    deso_layer: str = "stat:DeSO_2025"
    deso2018_layer: str = "stat:DeSO_2018"
    # SCB's correspondence table DeSO 2018 -> 2025 (CSV or Excel). Empty: interpolate by area instead.
    crosswalk: str = ""
    polisen_areas: str = ("https://polisen.se/33a4eb398c9ca7879ac47049931a252f/contentassets/"
                          "1f86e17354294629b5b66559eef35972/uso_2025_geojson.zip")
    polisen_events: str = "https://polisen.se/api/events"
    # Brå publishes no stable download URL; an export from Brå's statistics database (file or URL).
    bra: str = ""
    http: HttpSettings = field(default_factory=HttpSettings)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Endpoints:
        path = path or os.environ.get(SOURCES_ENV)
        if not path:
            return cls()
        p = Path(path)
        try:
            doc = tomllib.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SourceDataError(str(p), "no such file") from None
        except tomllib.TOMLDecodeError as exc:
            raise SourceDataError(str(p), f"not valid TOML: {exc}") from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(doc) - known)
        if unknown:
            raise SourceDataError(str(p), f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        http = doc.pop("http", {})
        http_known = {f.name for f in fields(HttpSettings)}
        if bad := sorted(set(http) - http_known):
            raise SourceDataError(str(p), f"unknown [http] setting(s) {', '.join(bad)}")
        return cls(**{k: str(v) for k, v in doc.items()}, http=HttpSettings(**http))
