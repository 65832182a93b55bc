"""The Norrköping report: content from the real data, self-contained, missing shown as missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lagesbild.config import BUNDLED_SNAPSHOT
from lagesbild.report.lagesbild import LABEL_SHARE, write_report
from lagesbild.sources.snapshot import Snapshot


@pytest.fixture(scope="module")
def norrkoping(repo, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "0581.html"
    write_report(repo, "0581", "kommun", out)
    return out.read_text(encoding="utf-8")


def _section(html: str, section_id: str) -> str:
    start = html.index(f'<section id="{section_id}">')
    return html[start:html.index("</section>", start)]


def test_lists_every_designated_deso_and_names_the_areas(repo, norrkoping) -> None:
    codes = list(repo.areas("deso", kommun="0581")["code"])
    shares = repo.deso_shares(codes)
    inside = sorted(shares.index[shares["share_any"] >= LABEL_SHARE])
    # The same DeSOs as the independent reference overlay for Norrköping.
    reference = Snapshot(BUNDLED_SNAPSHOT).reference_overlap()
    assert inside == sorted(c for c, s in reference.items() if c.startswith("0581") and s >= LABEL_SHARE)
    assert len(inside) == 6
    section = _section(norrkoping, "utsatta")
    for code in inside:
        assert code in section
    for name in ("Hageby", "Navestad"):
        assert f"<strong>{name}</strong>" in section
    summary = _section(norrkoping, "sammanfattning")
    assert "2018-10-01" in summary and "2023-12-01" in summary  # since-dates of Navestad and Hageby
    assert "Skäggetorp" not in section, "Linköping's area is not Norrköping's"


def test_map_has_one_shape_per_deso_and_outlines(norrkoping) -> None:
    svg = norrkoping[norrkoping.index('<svg id="map-all"'):]
    svg = svg[:svg.index("</svg>")]
    assert len(re.findall(r'<path class="area" data-code="0581[ABC]\d{4}"', svg)) == 79
    assert len(re.findall(r'<path class="designation"', svg)) >= 2
    for ind in ("low_econ", "employment", "unemp", "higher_ed", "income_med"):
        assert svg.count(f"data-fill-{ind}=") == 79


def test_table_has_every_deso_with_references(norrkoping) -> None:
    table = _section(norrkoping, "omraden")
    assert len(re.findall(r'<tr id="deso-0581[ABC]\d{4}" class="[^"]*" data-code="0581', table)) == 79
    assert "Östergötlands län" in table and "Alla DeSO i datamängden" in table
    assert not re.search(r">\s*Riket\s*<", norrkoping), "the dataset is not all of Sweden"


def test_self_contained(norrkoping) -> None:
    assert not re.search(r'(src|href)="(https?:)?//', norrkoping)
    assert "@import" not in norrkoping and "url(http" not in norrkoping
    assert "<script src" not in norrkoping and "<link" not in norrkoping


def test_crime_section(norrkoping) -> None:
    crime = _section(norrkoping, "brott")
    assert "1996–2025" in crime
    assert crime.count('class="chart"') == 1
    # Six offence groups × three series (Norrköping, Östergötland, the dataset), a point tooltip per year.
    assert crime.count("<polyline") == 18
    assert crime.count("<title>Norrköping 2025:") == 6
    for label in ("Samtliga anmälda brott", "Brott mot person", "Narkotika- och vapenbrott"):
        assert label in crime
    assert "Källa: Brå" in crime


def test_sources_and_periods(norrkoping) -> None:
    assert "SCB TAB6685" in norrkoping and "(2024)" in norrkoping
    assert "Polismyndigheten" in norrkoping and "Brå" in norrkoping


def test_lan_report(repo, tmp_path: Path) -> None:
    out = write_report(repo, "05", "lan", tmp_path / "05.html")
    html = out.read_text(encoding="utf-8")
    n = len(repo.areas("deso", lan="05"))
    svg = html[html.index('<svg id="map-all"'):]
    assert len(re.findall(r'<path class="area"', svg[:svg.index("</svg>")])) == n
    assert all(name in html for name in ("Skäggetorp", "Hageby", "Navestad"))


def test_early_warning_sections(repo, ew, norrkoping) -> None:
    warn = _section(norrkoping, "tidig-varning")
    listed = re.findall(r'<tr><td><a href="#deso-(0581[ABC]\d{4})">', warn)
    expected = list(ew.table[(ew.table["kommun"] == "0581") & ~ew.table["designated"]]
                    .sort_values("risk", ascending=False).index[:10])
    assert listed == expected, "the watchlist is the ten highest-risk DeSOs not designated today"
    assert warn.count("↑ höjer") + warn.count("↓ sänker") == 30
    assert "inte Polisens bedömning" in warn and "enskilda människor" in warn
    svg = warn[warn.index('<svg id="map-risk"'):]
    assert svg[:svg.index("</svg>")].count("data-fill-risk=") >= 40
    typer = _section(norrkoping, "typer")
    assert "Stora socioekonomiska utmaningar" in typer and "Mycket goda" in typer
    crime = _section(norrkoping, "brott")
    assert "Mann-Kendall" in crime and "De senaste tio åren (2016–2025)" in crime
