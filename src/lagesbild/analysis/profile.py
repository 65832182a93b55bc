"""Tables of DeSO areas and the profile of one area against its kommun, län and the whole dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lagesbild.indicators.registry import BY_ID, DESO_INDICATORS, MAIN_INDICATORS, OTHER_INDICATORS
from lagesbild.store.build import RIKET
from lagesbild.store.queries import Repository


def deso_table(repo: Repository, kommun: str | None = None, lan: str | None = None,
               indicators: tuple[str, ...] = MAIN_INDICATORS) -> tuple[pd.DataFrame, dict[str, str | None]]:
    """One row per DeSO: code, RegSO, population, the indicators' latest values, designated share and category."""
    deso = repo.areas("deso", kommun=kommun, lan=lan)
    codes = list(deso["code"])
    values, periods = repo.latest_values(codes, list(indicators))
    shares = repo.deso_shares(codes)
    out = deso[["code", "regso", "population"]].set_index("code")
    out = out.join(values).join(shares[["share_any", "category", "designation_names"]])
    out = out.rename(columns={"share_any": "designated_share", "designation_names": "designated_areas"})
    return out.reset_index().rename(columns={"index": "code"}), periods


def area_profile(repo: Repository, code: str) -> dict[str, object]:
    """The DeSO's value of every indicator with data, beside its kommun, län and the dataset, and its rank.

    ``percentile`` is the share of all DeSOs in the dataset with a lower value (0–100).
    """
    info = repo.area(code)
    inds = [i.id for i in DESO_INDICATORS + OTHER_INDICATORS]
    refs = [c for c in (info.kommun, info.lan, RIKET) if c]
    all_codes = list(repo.areas("deso")["code"])
    values, periods = repo.latest_values(all_codes, inds)
    ref_values, _ = repo.latest_values(refs, inds)
    rows = []
    for ind in inds:
        v = values.at[code, ind]
        col = values[ind].dropna()
        if col.empty:
            continue
        pct = float((col < v).mean() * 100) if pd.notna(v) else np.nan
        rows.append(dict(indicator=ind, label=BY_ID[ind].label_sv, unit=BY_ID[ind].unit, period=periods[ind],
                         value=v, **{f"ref_{r}": ref_values.at[r, ind] for r in refs}, percentile=pct,
                         worse=BY_ID[ind].worse, source=BY_ID[ind].source))
    shares = repo.deso_shares([code]).iloc[0]
    return dict(area=info, refs=[repo.area(r) for r in refs], rows=pd.DataFrame(rows),
                designated_share=float(shares["share_any"]), category=shares["category"],
                designated_areas=shares["designation_names"])
