"""Trend tests: Mann-Kendall (via Kendall's tau against time) and Sen's slope (Theil–Sen), with scipy.

Kendall's tau between the values and their time order is the Mann-Kendall statistic; scipy's p-value
for it accounts for ties. No correction for autocorrelation is made: with yearly crime counts the
test says whether a monotone trend is likely, not how large it is; Sen's slope says that.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lagesbild.analysis import cache
from lagesbild.errors import LagesbildError
from lagesbild.i18n import t
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
    # Imported here: scipy.stats takes about 0.8 s to import, and the results are cached (crime_trends).
    from scipy import stats

    tau, p = stats.kendalltau(x, y)
    slope, intercept, *_ = stats.theilslopes(y, x)
    tau = 0.0 if np.isnan(tau) else float(tau)
    p = 1.0 if np.isnan(p) else float(p)
    return Trend(len(y), int(x.min()), int(x.max()), tau, p, float(slope), float(intercept + slope * x.min()),
                 p < alpha)


TRENDS_VERSION = 1


def crime_trends(repo: Repository, area: str, recent: int = RECENT_YEARS) -> pd.DataFrame:
    """Per offence group: the trend of the rate per 100 000 over the whole series and the last ``recent`` years.

    Cached per area until the data change (the series only change with `data build`)."""
    key = f"{repo.meta().get('fingerprint', '')}-{area}-{recent}-{TRENDS_VERSION}"
    path = cache.cache_dir() / f"trends-{key}.joblib"
    cached = cache.load(path, pd.DataFrame)
    if cached is not None:
        return cached
    result = _crime_trends(repo, area, recent)
    cache.save(path, result)
    return result


def _crime_trends(repo: Repository, area: str, recent: int) -> pd.DataFrame:
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
            tr = mann_kendall(yy, vv)
            rows.append(dict(group=g, label=label, window=window, first=tr.first, last=tr.last, n=tr.n, tau=tr.tau,
                             p=tr.p, sen_slope=tr.slope, relative_slope=tr.relative_slope,
                             significant=tr.significant, direction=tr.direction))
    return pd.DataFrame(rows)




def describe_trends(trends: pd.DataFrame, name: str, lang: str = "sv") -> list[str]:
    """Sentences on the significant trends, whole series and recent years (Swedish or English)."""
    from lagesbild.indicators.registry import CRIME_GROUPS
    from lagesbild.report.fmt import number

    out = []
    for window in ("hela", "senaste"):
        sub = trends[trends["window"] == window]
        if sub.empty:
            continue
        span = f"{int(sub['first'].min())}–{int(sub['last'].max())}"

        def lbl(r: object) -> str:
            sv, en = CRIME_GROUPS[r.group]  # type: ignore[attr-defined]
            return (en if lang == "en" else sv).lower()

        up = [f"{lbl(r)} (+{number(r.sen_slope, 0)} {t('trend.per', lang)})" for r in sub.itertuples()
              if r.significant and r.sen_slope > 0]
        down = [f"{lbl(r)} ({number(r.sen_slope, 0)} {t('trend.per', lang)})" for r in sub.itertuples()
                if r.significant and r.sen_slope < 0]
        flat = [lbl(r) for r in sub.itertuples() if not r.significant]
        parts = []
        if up:
            parts.append(f"{t('trend.up', lang)} {_join(up, t('trend.and_', lang))}")
        if down:
            parts.append(f"{t('trend.down', lang)} {_join(down, t('trend.and_', lang))}")
        text = f"{t(f'trend.{window}', lang)} ({span}) " + ("; ".join(parts) if parts else t('trend.none', lang))
        if flat and parts:
            text += f". {t('trend.flat', lang)} {_join(flat, t('trend.and_', lang))}"
        out.append(f"{text} {t('trend.in_', lang)} {name} {t('trend.method', lang).format(alpha=number(ALPHA, 2))}.")
    return out


def _join(items: list[str], and_: str = "och") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {and_} " + items[-1]
