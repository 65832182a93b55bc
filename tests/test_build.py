"""`data build`: validation at the boundary, clear errors, and nothing half-written."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from lagesbild.config import BUNDLED_SNAPSHOT
from lagesbild.errors import SourceDataError
from lagesbild.store.build import build


@pytest.fixture()
def source_dir(tmp_path: Path) -> Path:
    """A copy of the bundled snapshot unpacked as a folder laid out like shared/data."""
    out = tmp_path / "data"
    with zipfile.ZipFile(BUNDLED_SNAPSHOT) as zf:
        zf.extractall(out)
    return out


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_from_folder_equals_bundled(source_dir: Path, tmp_path: Path, repo) -> None:
    summary = build(source=source_dir, db=str(tmp_path / "x.sqlite"))
    assert summary.counts["area"] == len(repo.areas("deso")) + len(repo.areas("regso")) + 290 + 21 + 1
    assert summary.counts["designation"] == 65
    assert summary.fingerprint == repo.meta()["fingerprint"], "a folder and the zip of it are the same data"


def test_rebuild_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    first = build(db=str(db))
    second = build(db=str(db))
    assert first.counts == second.counts and first.fingerprint == second.fingerprint


def _corrupt_and_build(source_dir: Path, db: Path, rel: str, mutate) -> SourceDataError:
    path = source_dir / rel
    mutate(path)
    before = _sha(db)
    with pytest.raises(SourceDataError) as info:
        build(source=source_dir, db=str(db))
    assert _sha(db) == before, "the previous database must be untouched"
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".lagesbild-build-")], "no temp file left"
    return info.value


def test_truncated_json_names_file_and_line(source_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    build(db=str(db))
    exc = _corrupt_and_build(source_dir, db, "deso/0581.json",
                             lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]))
    assert "deso/0581.json" in str(exc) and "invalid JSON" in str(exc) and "line 1" in str(exc)


def test_bad_record_names_the_area(source_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    build(db=str(db))

    def swap(p: Path) -> None:
        doc = json.loads(p.read_text())
        ring = doc["areas"][4]["rings"][0]
        doc["areas"][4]["rings"][0] = [[lon, lat] for lat, lon in ring]  # [lon, lat]: the classic mistake
        p.write_text(json.dumps(doc))

    exc = _corrupt_and_build(source_dir, db, "deso/0580.json", swap)
    assert "deso/0580.json" in str(exc) and "area 5" in str(exc) and "outside Sweden" in str(exc)


def test_unknown_designation_category_fails_loudly(source_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    build(db=str(db))

    def recategorise(p: Path) -> None:
        doc = json.loads(p.read_text())
        doc["features"][3]["properties"]["class"] = "hotspot"
        p.write_text(json.dumps(doc))

    exc = _corrupt_and_build(source_dir, db, "polisen/uso_2025.geojson", recategorise)
    assert "feature 4" in str(exc) and "'hotspot'" in str(exc)


def test_bad_crime_row_names_the_line(source_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite"
    build(db=str(db))

    def break_row(p: Path) -> None:
        lines = p.read_text().splitlines()
        lines[10] = lines[10].replace(";", ";x", 1)
        p.write_text("\n".join(lines) + "\n")

    exc = _corrupt_and_build(source_dir, db, "bra/bra_crime_selected.csv", break_row)
    assert "bra_crime_selected.csv" in str(exc) and "line 11" in str(exc)


def test_missing_file_is_named(source_dir: Path, tmp_path: Path) -> None:
    (source_dir / "reference" / "lan.csv").unlink()
    with pytest.raises(SourceDataError, match=r"reference/lan\.csv: file missing"):
        build(source=source_dir, db=str(tmp_path / "db.sqlite"))
    assert not (tmp_path / "db.sqlite").exists()


def test_build_on_shared_data_folder_when_present(tmp_path: Path) -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not shared.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    copy = tmp_path / "data"
    shutil.copytree(shared, copy)
    summary = build(source=copy, db=str(tmp_path / "s.sqlite"))
    assert summary.counts["designation"] == 65
