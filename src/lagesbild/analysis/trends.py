"""Trend tests: Mann-Kendall (via Kendall's tau against time) and Sen's slope (Theil–Sen), with scipy.

Kendall's tau between the values and their time order is the Mann-Kendall statistic; scipy's p-value
for it accounts for ties. No correction for autocorrelation is made: with yearly crime counts the
test says whether a monotone trend is likely, not how large it is; Sen's slope says that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from lagesbild.errors import LagesbildError
from lagesbild.indicators.registry import CRIME_GROUPS, crime_indicator_id
from lagesbild.store.queries import Repository

MIN_PERIODS = 4
ALPHA = 0.05
RECENT_YEARS = 10


@dataclass(frozen=True)
class Trend:
    n: int
    first: int
    last: int
    tau: float
    p: float
    slope: float  # Sen's slope, units per period
    start_value: float  # Theil–Sen line at the first period
    significant: bool

    @property
    def direction(self) -> str:
        if not self.significant:
            return "ingen säker trend"
        return "ökar" if self.slope > 0 else "minskar"

    @property
    def relative_slope(self) -> float:
        """Sen's slope as a share of the fitted level at the start (per period)."""
        return self.slope / self.start_value if self.start_value else float("nan")


def mann_kendall(periods: list[int], values: list[float], alpha: float = ALPHA) -> Trend:
    x = np.asarray(periods, dtype=float)
    y = np.asarray(values, dtype=float)
    ok = np.isfinite(y)
    x, y = x[ok], y[ok]
    if len(y) < MIN_PERIODS:
        raise LagesbildError(f"en trend kräver minst {MIN_PERIODS} perioder med värden (har {len(y)})")
    tau, p = stats.kendalltau(x, y)
    slope, intercept, *_ = stats.theilslopes(y, x)
    tau = 0.0 if np.isnan(tau) else float(tau)
    p = 1.0 if np.isnan(p) else float(p)
    return Trend(len(y), int(x.min()), int(x.max()), tau, p, float(slope), float(intercept + slope * x.min()),
                 p < alpha)


def crime_trends(repo: Repository, area: str, recent: int = RECENT_YEARS) -> pd.DataFrame:
    """Per offence group: the trend of the rate per 100 000 over the whole series and the last ``recent`` years."""
    ids = [crime_indicator_id(g, True) for g in CRIME_GROUPS]
    obs = repo.observations([area], ids)
    obs = obs[obs["period"].str.fullmatch(r"\d{4}") & obs["value"].notna()]
    rows = []
    for g, (label, _en) in CRIME_GROUPS.items():
        sub = obs[obs["indicator"] == crime_indicator_id(g, True)]
        years = [int(p) for p in sub["period"]]
        vals = list(sub["value"])
        if len(years) < MIN_PERIODS:
            continue
        last = max(years)
        for window, keep in (("hela", [True] * len(years)), ("senaste", [y > last - recent for y in years])):
            yy = [y for y, k in zip(years, keep, strict=True) if k]
            vv = [v for v, k in zip(vals, keep, strict=True) if k]
            if len(yy) < MIN_PERIODS:
                continue
            t = mann_kendall(yy, vv)
            rows.append(dict(group=g, label=label, window=window, first=t.first, last=t.last, n=t.n, tau=t.tau,
                             p=t.p, sen_slope=t.slope, relative_slope=t.relative_slope, significant=t.significant,
                             direction=t.direction))
    return pd.DataFrame(rows)


def describe_trends(trends: pd.DataFrame, name: str) -> list[str]:
    """Swedish sentences on the significant trends, whole series and recent years."""
    from lagesbild.report.fmt import number

    out = []
    for window, intro in (("hela", "Över hela perioden"), ("senaste", "De senaste tio åren")):
        sub = trends[trends["window"] == window]
        if sub.empty:
            continue
        span = f"{int(sub['first'].min())}–{int(sub['last'].max())}"
        up = [f"{r.label.lower()} ({'+' if r.sen_slope > 0 else ''}{number(r.sen_slope, 0)} per 100 000 och år)"
              for r in sub.itertuples() if r.significant and r.sen_slope > 0]
        down = [f"{r.label.lower()} ({number(r.sen_slope, 0)} per 100 000 och år)"
                for r in sub.itertuples() if r.significant and r.sen_slope < 0]
        flat = [r.label.lower() for r in sub.itertuples() if not r.significant]
        parts = []
        if up:
            parts.append("ökar " + _join(up))
        if down:
            parts.append("minskar " + _join(down))
        text = f"{intro} ({span}) " + ("; ".join(parts) if parts else "finns ingen statistiskt säker trend")
        if flat and parts:
            text += f". Ingen säker trend för {_join(flat)}"
        out.append(text + f" i {name} (Mann-Kendall, p < {number(ALPHA, 2)}; lutning enligt Sen).")
    return out


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]
