"""Aggregation of DeSO values to larger areas, as each indicator's registry entry says.

"pop_mean": the population-weighted mean over the DeSOs that have a value (their population as
weight); "sum": the sum over the DeSOs that have a value. Every aggregate carries ``n``, the number of
DeSOs behind it, so a reader can see what it covers.
"""

from __future__ import annotations

import pandas as pd

from lagesbild.indicators.registry import Indicator


def aggregate(values: pd.DataFrame, weights: pd.Series, group: pd.Series,
              indicator: Indicator) -> pd.DataFrame:
    """Aggregate one indicator.

    ``values``: columns ``area``, ``period``, ``value`` (DeSO rows); ``weights``: population per DeSO
    code; ``group``: the parent code per DeSO code. Returns ``area``, ``period``, ``value``, ``n``.
    """
    if indicator.aggregation == "none" or values.empty:
        return pd.DataFrame(columns=["area", "period", "value", "n"])
    df = values.dropna(subset=["value"]).copy()
    df["parent"] = df["area"].map(group)
    df = df.dropna(subset=["parent"])
    if indicator.aggregation == "sum":
        out = df.groupby(["parent", "period"], sort=True)["value"].agg(["sum", "count"])
        out = out.rename(columns={"sum": "value", "count": "n"})
    else:
        df["w"] = df["area"].map(weights).astype(float)
        df = df[df["w"].notna() & (df["w"] > 0)]
        df["wv"] = df["w"] * df["value"]
        g = df.groupby(["parent", "period"], sort=True)
        out = pd.DataFrame({"value": g["wv"].sum() / g["w"].sum(), "n": g["value"].count()})
    out = out.reset_index().rename(columns={"parent": "area"})
    out["n"] = out["n"].astype(int)
    out["value"] = out["value"].astype(float)
    return out[["area", "period", "value", "n"]]

