"""Area codes: levels, suggestions for typos."""

from __future__ import annotations

import pytest

from lagesbild.errors import UnknownCodeError
from lagesbild.geo import codes


def test_levels() -> None:
    assert codes.level_of("05") == "lan"
    assert codes.level_of("0581") == "kommun"
    assert codes.level_of("0581R019") == "regso"
    assert codes.level_of("0581C1100") == "deso"
    assert codes.level_of("0581X1100") is None
    assert codes.normalise(" 0581c1100_DeSO2025 ") == "0581C1100"


def test_resolve_by_code_and_name(repo) -> None:
    assert repo.resolve("0581", "kommun") == "0581"
    assert repo.resolve("Norrkoping", "kommun") == "0581"
    assert repo.resolve("östergötlands län", "lan") == "05"
    assert repo.resolve("0581c1100", "deso") == "0581C1100"


@pytest.mark.parametrize("value,level,expected", [
    ("0518", "kommun", "0581"), ("05810", "kommun", "0581"), ("0581C1101", "deso", "0581C1100"),
    ("50", "lan", "05"), ("Norrköpin", "kommun", "0581"),
])
def test_suggestions_contain_the_intended_code(repo, value, level, expected) -> None:
    with pytest.raises(UnknownCodeError) as info:
        repo.resolve(value, level)
    assert info.value.exit_code == 2
    assert value in str(info.value)
    assert any(s.startswith(expected) for s in info.value.suggestions), info.value.suggestions


def test_kommun_without_data_is_named(repo) -> None:
    with pytest.raises(UnknownCodeError, match=r"Upplands Väsby \(0114\) finns inte i datamängden"):
        repo.resolve("0114", "kommun")
