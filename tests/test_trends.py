"""Mann-Kendall and Sen's slope, on constructed series and on Brå's real series."""

from __future__ import annotations

import numpy as np
import pytest

from lagesbild.analysis.trends import crime_trends, describe_trends, mann_kendall
from lagesbild.errors import LagesbildError


def test_constructed_series() -> None:
    years = list(range(2000, 2020))
    noise = np.tile([0.5, -0.5, 0.3, -0.3], 5)
    up = mann_kendall(years, list(3 * np.arange(20) + 100 + noise))
    assert up.significant and up.direction == "ökar" and abs(up.slope - 3) < 0.2
    flat = mann_kendall(years, list(100 + noise))
    assert not flat.significant and flat.direction == "ingen säker trend"
    down = mann_kendall(years[:6], [10, 9, 8, 7, 6, 5])
    assert down.direction == "minskar" and down.slope == -1


def test_needs_four_periods() -> None:
    with pytest.raises(LagesbildError, match="minst 4"):
        mann_kendall([2020, 2021, 2022], [1.0, 2.0, 3.0])
    assert mann_kendall([1, 2, 3, 4], [1.0, 2.0, 3.0, 5.0]).n == 4


def test_norrkoping_crime_trends(repo) -> None:
    t = crime_trends(repo, "0581")
    assert set(t["window"]) == {"hela", "senaste"}
    whole = t[t["window"] == "hela"].set_index("group")
    assert whole.loc["theft", "first"] == 1996 and whole.loc["theft", "last"] == 2025
    assert whole.loc["theft", "direction"] == "minskar"
    recent = t[t["window"] == "senaste"]
    assert (recent["n"] == 10).all()
    text = " ".join(describe_trends(t, "Norrköping"))
    assert "stöld- och tillgreppsbrott" in text and "Mann-Kendall" in text
