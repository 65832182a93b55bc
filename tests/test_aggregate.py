"""Aggregates checked by hand against the raw source files, and the honesty of reference labels."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from lagesbild.config import BUNDLED_SNAPSHOT


def _value(repo, area: str, indicator: str, period: str) -> tuple[float, int | None]:
    obs = repo.observations([area], [indicator], [period])
    assert len(obs) == 1, (area, indicator, period)
    return float(obs["value"].iloc[0]), obs["n"].iloc[0]


@pytest.mark.parametrize("indicator,period", [("low_econ", "2024"), ("employment", "2024"), ("higher_ed", "2025")])
def test_kommun_share_is_population_weighted_mean(repo, raw_deso, indicator, period) -> None:
    areas = [a for a in raw_deso.values() if a["kommun"] == "0581"]
    num = sum(a["pop"] * a["hist"][indicator][period] for a in areas)
    den = sum(a["pop"] for a in areas)
    value, n = _value(repo, "0581", indicator, period)
    assert value == pytest.approx(num / den, rel=1e-12)
    assert n == len(areas) == 79


def test_regso_and_population_sum(repo, raw_deso) -> None:
    members = [a for a in raw_deso.values() if a["regso"] == "0581R019_RegSO2025"]
    assert len(members) >= 2
    pop, n = _value(repo, "0581R019", "pop", "2025")
    assert pop == sum(a["pop"] for a in members) and n == len(members)
    num = sum(a["pop"] * a["hist"]["unemp"]["2024"] for a in members)
    unemp, _ = _value(repo, "0581R019", "unemp", "2024")
    assert unemp == pytest.approx(num / pop)


def test_lan_crime_rate_from_kommun_counts(repo) -> None:
    with zipfile.ZipFile(BUNDLED_SNAPSHOT) as zf:
        rows = list(csv.DictReader(io.StringIO(zf.read("bra/bra_crime_selected.csv").decode()), delimiter=";"))
    ost = [r for r in rows if r["kommun"].startswith("05") and r["period"] == "2025" and r["key"] == "total"]
    assert len(ost) == 13, "all 13 kommuner of Östergötland are in the data"
    count = sum(int(r["count"]) for r in ost)
    pop = sum(int(r["count"]) / float(r["per100k"]) * 1e5 for r in ost)
    rate, n = _value(repo, "05", "brott_total_100k", "2025")
    assert rate == pytest.approx(count / pop * 1e5)
    assert n == 13
    total, _ = _value(repo, "05", "brott_total", "2025")
    assert total == count


def test_reference_level_is_labelled_honestly(repo) -> None:
    riket = repo.area("00")
    assert not riket.complete
    assert riket.name == "Alla DeSO i datamängden"
    assert "32 av 290 kommuner" in riket.coverage
    stockholm = repo.area("01")
    assert not stockholm.complete and "av länets 26 kommuner" in stockholm.coverage
    ost = repo.area("05")
    assert ost.complete and ost.n_deso == sum(1 for _ in repo.areas("deso", lan="05").itertuples())


def test_missing_values_stay_missing(repo) -> None:
    # flats has no 2025 value for some DeSOs: the latest-value table must show them as missing, not 0 or 2024.
    codes = list(repo.areas("deso")["code"])
    values, periods = repo.latest_values(codes, ["flats"])
    assert periods["flats"] == "2025"
    missing = values["flats"].isna().sum()
    assert missing == 105
