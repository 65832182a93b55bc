"""Socioeconomic area types, in the spirit of Segregationsbarometern's områdestyper.

Method (reproducible, socioeconomic indicators only):
1. For each indicator in ``WEIGHTS``, the percentile rank (0–100, ties averaged) of every area among all
   areas of the same level in the data, oriented so that 100 is the best position (for "worse when
   higher" indicators the rank of the negated value).
2. The index is the weighted mean of those ranks over the indicators the area has (at least
   ``MIN_INDICATORS`` of them; otherwise no type).
3. Fixed class limits on the index give the type: below 15 → 1, 15–35 → 2, 35–65 → 3, 65–85 → 4,
   85 and above → 5.
Ranks depend only on values, not on row order. The index is relative: it compares the areas in the
data with each other, not with a national standard.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lagesbild.indicators.registry import BY_ID

WEIGHTS: dict[str, float] = {
    "low_econ": 0.25,
    "employment": 0.20,
    "unemp": 0.15,
    "higher_ed": 0.20,
    "income_med": 0.20,
}
MIN_INDICATORS = 4
LIMITS = (15.0, 35.0, 65.0, 85.0)
TYPE_LABELS = {
    1: "Stora socioekonomiska utmaningar",
    2: "Socioekonomiska utmaningar",
    3: "Socioekonomiskt blandade",
    4: "Goda socioekonomiska förutsättningar",
    5: "Mycket goda socioekonomiska förutsättningar",
}
TYPE_LABELS_EN = {1: "Major socioeconomic challenges", 2: "Socioeconomic challenges", 3: "Socioeconomically mixed",
                  4: "Good socioeconomic conditions", 5: "Very good socioeconomic conditions"}


def oriented_ranks(values: pd.DataFrame) -> pd.DataFrame:
    """Percentile ranks 0–100 per column, 100 = best (values: area × indicator)."""
    out = pd.DataFrame(index=values.index)
    for ind in WEIGHTS:
        col = values[ind].astype(float)
        if BY_ID[ind].worse == "higher":
            col = -col
        out[ind] = col.rank(pct=True, method="average") * 100
    return out


def classify(index: pd.Series) -> pd.Series:
    types = pd.Series(np.searchsorted(LIMITS, index.to_numpy(), side="right") + 1, index=index.index, dtype="Int64")
    return types.where(index.notna())


def typology(values: pd.DataFrame) -> pd.DataFrame:
    """Index and type for every area (rows) from the indicator values (columns as in ``WEIGHTS``)."""
    ranks = oriented_ranks(values)
    weights = pd.Series(WEIGHTS)
    have = ranks.notna()
    weight_sum = have.mul(weights, axis=1).sum(axis=1)
    index = ranks.fillna(0).mul(weights, axis=1).sum(axis=1) / weight_sum.replace(0, np.nan)
    index = index.where(have.sum(axis=1) >= MIN_INDICATORS)
    out = pd.DataFrame({"index": index, "type": classify(index)})
    out["type_label"] = out["type"].map(TYPE_LABELS)
    for ind in WEIGHTS:
        out[f"rank_{ind}"] = ranks[ind]
    return out


def area_typology(repo, level: str = "deso") -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Typology of all areas of a level in the store (RegSO values are the store's aggregates)."""
    codes = list(repo.areas(level)["code"])
    values, _periods = repo.latest_values(codes, list(WEIGHTS), level=level)
    return typology(values)
