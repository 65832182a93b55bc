"""The socioeconomic typology: method, limits, order independence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lagesbild.analysis.typology import LIMITS, WEIGHTS, area_typology, classify, typology


def test_types_and_limits(repo) -> None:
    t = area_typology(repo)
    assert set(t["type"].dropna().unique()) == {1, 2, 3, 4, 5}
    assert t.loc["0581C1100", "type"] == 1  # Hageby: among the lowest on every indicator
    assert ((t["index"] >= 0) & (t["index"] <= 100)).all()
    edges = pd.Series([0.0, LIMITS[0] - 0.01, LIMITS[0], LIMITS[1], LIMITS[2], LIMITS[3] - 0.01, LIMITS[3], 100.0])
    assert list(classify(edges)) == [1, 1, 2, 3, 4, 4, 5, 5]


def test_index_is_weighted_mean_of_oriented_ranks(repo) -> None:
    codes = list(repo.areas("deso")["code"])
    values, _ = repo.latest_values(codes, list(WEIGHTS))
    t = typology(values)
    code = "0580C1010" if "0580C1010" in t.index else t.index[0]
    by_hand = 0.0
    for ind, w in WEIGHTS.items():
        col = values[ind]
        worse_higher = ind in ("low_econ", "unemp")
        better = (col < values.at[code, ind]).sum() if worse_higher else (col > values.at[code, ind]).sum()
        ties = (col == values.at[code, ind]).sum()
        rank_pct = (len(col) - better - (ties - 1) / 2) / len(col) * 100
        by_hand += w * rank_pct
    assert abs(t.at[code, "index"] - by_hand / sum(WEIGHTS.values())) < 1e-9


def test_stable_under_row_reordering(repo) -> None:
    codes = list(repo.areas("deso")["code"])
    values, _ = repo.latest_values(codes, list(WEIGHTS))
    shuffled = values.sample(frac=1.0, random_state=7)
    a, b = typology(values), typology(shuffled).reindex(values.index)
    assert np.allclose(a["index"], b["index"], equal_nan=True)
    assert (a["type"].fillna(0) == b["type"].fillna(0)).all()


def test_regso_typology(repo) -> None:
    t = area_typology(repo, "regso")
    assert len(t) == len(repo.areas("regso")) and t["type"].notna().mean() > 0.95
    assert t.loc["0581R019", "type"] == 1  # the RegSO of Hageby
