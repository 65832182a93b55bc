"""Everything the web app serves, read once from the store when the app starts.

The data change only with `lagesbild data build`, so pages and API answers are computed from frames
held in memory (and the heavier kommun and län pages cached after their first rendering). A rebuild
is picked up by restarting the server.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd
from shapely.geometry.base import BaseGeometry

from lagesbild.analysis.early_warning import early_warning
from lagesbild.analysis.typology import area_typology
from lagesbild.geo.neighbours import contiguity, neighbour_lists
from lagesbild.indicators.registry import ALL_INDICATORS, DESO_INDICATORS, OTHER_INDICATORS
from lagesbild.store.build import RIKET
from lagesbild.store.queries import Repository

AREA_INDICATORS = [i.id for i in DESO_INDICATORS + OTHER_INDICATORS]


@dataclass
class WebData:
    repo: Repository

    def __post_init__(self) -> None:
        repo = self.repo
        self.meta = repo.meta()
        self.etag_seed = hashlib.sha256(f"{self.meta.get('fingerprint')}|{self.meta.get('retrieved')}".encode()
                                        ).hexdigest()[:16]
        frames = [repo.areas(level, with_geometry=True).assign(level=level)
                  for level in ("deso", "regso", "kommun", "lan", "riket")]
        self.areas = pd.concat(frames).set_index("code")
        deso = self.areas[self.areas["level"] == "deso"]
        self.deso_codes = list(deso.index)
        series = repo.observations(self.deso_codes, AREA_INDICATORS)
        self.values, self.periods = repo.latest_values(self.deso_codes, AREA_INDICATORS, obs=series)
        ref_codes = list(self.areas[self.areas["level"].isin(["kommun", "lan", "riket"])
                                    & (self.areas["n_deso"] > 0)].index)
        # Kommun, län and dataset values of the same periods as the DeSO values they are compared with.
        self.ref_values, _ = repo.latest_values(ref_codes, AREA_INDICATORS, periods=self.periods)
        self.series = {code: frame for code, frame in series.groupby("area", sort=False)}
        # Share of DeSOs with a lower value, per indicator (what the area page calls its percentile).
        lower = self.values.rank(method="min") - 1
        self.percentiles = lower / self.values.notna().sum() * 100
        self.shares = repo.deso_shares(self.deso_codes)
        ew = early_warning(repo)
        self.risk, self.model = ew.table, ew.model
        self.typology_deso = area_typology(repo, "deso")
        self.typology_regso = area_typology(repo, "regso")
        self.designations = repo.designations(with_geometry=True)
        self.members = repo.designation_members(0.25)
        self.neighbours = neighbour_lists(contiguity(deso["geometry"]))
        self.indicators = pd.DataFrame([i.__dict__ for i in ALL_INDICATORS]).set_index("id")
        self.police_regions = repo.police_regions()

    # -- lookups ------------------------------------------------------------------------------------
    def name(self, code: str) -> str:
        return str(self.areas.at[code, "name"]) if code in self.areas.index else code

    def geometry(self, code: str) -> BaseGeometry | None:
        g = self.areas.at[code, "geometry"] if code in self.areas.index else None
        return g if isinstance(g, BaseGeometry) else None

    def with_data(self, level: str) -> pd.DataFrame:
        a = self.areas[self.areas["level"] == level]
        return a[a["n_deso"] > 0]

    @cached_property
    def candidates(self) -> dict[str, dict[str, str]]:
        """level -> code -> name, for code resolution and suggestions."""
        out: dict[str, dict[str, str]] = {}
        for level in ("deso", "regso", "kommun", "lan"):
            out[level] = {c: str(n) for c, n in self.with_data(level)["name"].items()}
        return out

    def area_record(self, code: str) -> dict[str, Any]:
        a = self.areas.loc[code]
        rec: dict[str, Any] = dict(code=code, level=a["level"], name=a["name"], parent=a["parent"],
                                   kommun=a["kommun"], lan=a["lan"], regso=a["regso"],
                                   population=_num(a["population"]), area_km2=_num(a["area_km2"]),
                                   n_deso=int(a["n_deso"]))
        if a["level"] == "deso":
            sh = self.shares.loc[code]
            r = self.risk.loc[code]
            rec.update(designated_share=float(sh["share_any"]), designated_category=_str(sh["category"]),
                       designated_areas=[n for n in str(sh["designation_names"]).split(", ") if n],
                       type=_int(r["type"]), risk=float(r["risk"]), risk_low=float(r["risk_low"]),
                       risk_high=float(r["risk_high"]), neighbours=self.neighbours.get(code, []))
        return rec

    def reference_codes(self, code: str) -> list[str]:
        """The kommun, the län and the dataset of an area (those that exist)."""
        a = self.areas.loc[code]
        out = [c for c in (a["kommun"], a["lan"]) if isinstance(c, str) and c != code]
        return [*out, RIKET] if code != RIKET else out


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _int(v: Any) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None
