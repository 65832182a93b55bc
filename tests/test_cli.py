"""The command line: outputs and error paths, in-process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from lagesbild.cli import app

runner = CliRunner()


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), *args])


def test_areas_formats(db_path: Path) -> None:
    res = run(db_path, "areas", "--kommun", "0581", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 79
    hageby = next(r for r in rows if r["code"] == "0581C1120")
    assert hageby["designated_share"] == 1.0 and hageby["category"] == "utsatt"
    assert hageby["designated_areas"] == "Hageby"
    res = run(db_path, "areas", "--kommun", "Norrköping", "--format", "csv")
    assert res.exit_code == 0
    parsed = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(parsed) == 79 and {"code", "regso", "population", "low_econ"} <= set(parsed[0])
    res = run(db_path, "areas", "--kommun", "0581")
    assert res.exit_code == 0 and "0581C1100" in res.stdout


def test_area_profile(db_path: Path) -> None:
    res = run(db_path, "area", "0581C1100")
    assert res.exit_code == 0, res.output
    assert "Hageby" in res.stdout and "Norrköping" in res.stdout and "Östergötlands län" in res.stdout
    res = run(db_path, "area", "0581C1100", "--format", "json")
    rows = {r["indicator"]: r for r in json.loads(res.stdout)}
    assert rows["low_econ"]["value"] == 52.0 and rows["low_econ"]["percentile"] > 95


def test_unknown_codes_exit_2_with_suggestions(db_path: Path) -> None:
    res = run(db_path, "areas", "--kommun", "0518")
    assert res.exit_code == 2
    assert "0518" in res.stderr and "0581" in res.stderr
    res = run(db_path, "area", "0581C11000")
    assert res.exit_code == 2 and "0581C11000" in res.stderr and "DeSO-kod" in res.stderr
    res = run(db_path, "report", "--lan", "99", "--out", "x.html")
    assert res.exit_code == 2 and "99" in res.stderr
    res = run(db_path, "report", "--out", "x.html")
    assert res.exit_code == 2


def test_report_command_writes_file(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "r.html"
    res = run(db_path, "report", "--kommun", "0581", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert out.exists() and "Lägesbild Norrköping" in out.read_text(encoding="utf-8")


def test_build_error_exit_code_and_message(tmp_path: Path) -> None:
    src = tmp_path / "empty"
    src.mkdir()
    res = runner.invoke(app, ["--db", str(tmp_path / "x.sqlite"), "data", "build", "--source", str(src)])
    assert res.exit_code == 3
    assert "reference/lan.csv" in res.stderr and "file missing" in res.stderr
    assert not (tmp_path / "x.sqlite").exists()


def test_missing_database_is_built_on_first_use(tmp_path: Path) -> None:
    db = tmp_path / "fresh.sqlite"
    res = runner.invoke(app, ["--db", str(db), "areas", "--kommun", "0580", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert db.exists() and res.stdout.count("\n0580") == 98


def test_risk_watchlist_typology_trends(db_path: Path) -> None:
    res = run(db_path, "risk", "--kommun", "0581", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 79 and [r["rank_in_kommun"] for r in rows][:3] == [1, 2, 3]
    assert {"code", "risk", "risk_low", "risk_high", "designated_share", "category", "type", "factors"} <= set(rows[0])
    res = run(db_path, "watchlist", "--lan", "05", "--top", "5", "--format", "json")
    rows = json.loads(res.stdout)
    assert len(rows) == 5 and all(r["designated_share"] < 0.25 for r in rows)
    assert all(r["kommun"].startswith("05") for r in rows)
    assert rows == sorted(rows, key=lambda r: -r["risk"])
    res = run(db_path, "watchlist", "--kommun", "0581", "--top", "3")
    assert res.exit_code == 0 and "Bevakningslista, Norrköping" in res.stdout
    res = run(db_path, "typology", "--kommun", "0581", "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(parsed) == 79 and {r["type"] for r in parsed} <= {"1", "2", "3", "4", "5", ""}
    res = run(db_path, "trends", "--kommun", "0581", "--format", "json")
    assert res.exit_code == 0 and len(json.loads(res.stdout)) == 12
