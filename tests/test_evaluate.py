"""Grouped evaluation end to end on the real data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from lagesbild.analysis.evaluate import EvaluationError, evaluate, folds, precision_at_k
from lagesbild.analysis.typology import area_typology
from lagesbild.cli import app

KEYS = {"roc_auc", "average_precision", "precision_at_k", "k", "brier", "n"}


def test_folds_never_share_a_police_region(features) -> None:
    for f in folds(features, "polisregion"):
        test_regions = set(features.police_region.iloc[f.test_index])
        train_regions = set(features.police_region.iloc[f.train_index])
        assert len(test_regions) == 1 and not test_regions & train_regions
    assert sorted(f.name for f in folds(features, "polisregion")) == ["Bergslagen", "Mitt", "Stockholm", "Öst"]
    for f in folds(features, "kommun"):
        assert not set(features.kommun.iloc[f.test_index]) & set(features.kommun.iloc[f.train_index])


def test_too_few_positives_refuses(features) -> None:
    with pytest.raises(EvaluationError, match=r"04 \(2 utpekade.*20 \(1 utpekade"):
        folds(features, "lan")
    assert len(folds(features, "lan", min_positives=1)) == 8


def test_precision_at_k_with_ties() -> None:
    y = np.array([1, 0, 1, 0, 0])
    assert precision_at_k(y, np.array([5, 4, 3, 2, 1.0]), 2) == 0.5
    # Three tied at the top, two of them positive: expected precision at 2 is 2/3.
    assert abs(precision_at_k(np.array([1, 1, 0, 0]), np.array([1, 1, 1, 0.0]), 2) - 2 / 3) < 1e-12


@pytest.fixture(scope="module")
def cli_result(db_path: Path, tmp_path_factory) -> tuple[dict, Path]:
    card = tmp_path_factory.mktemp("card") / "MODEL_CARD.md"
    res = CliRunner().invoke(app, ["--db", str(db_path), "evaluate", "--group", "polisregion", "--format", "json",
                                   "--model-card", str(card)])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout), card


def test_evaluate_json(cli_result) -> None:
    result, card = cli_result
    methods = {m["method"]: m for m in result["methods"]}
    assert set(methods) == {"model", "low_econ", "typology", "denmark"}
    for m in methods.values():
        assert set(m["overall"]) >= KEYS
        assert set(m["groups"]) == {"Bergslagen", "Mitt", "Stockholm", "Öst"}
        assert all(set(g) >= KEYS for g in m["groups"].values())
        assert m["calibration"] and sum(b["n"] for b in m["calibration"]) == result["n_areas"]
    model = methods["model"]["overall"]
    print("\n" + "\n".join(f"{k}: " + ", ".join(f"{x}={v['overall'][x]:.3f}" for x in
                                                ("roc_auc", "average_precision", "precision_at_k", "brier"))
                           for k, v in methods.items()))
    for name in ("low_econ", "typology", "denmark"):
        assert model["average_precision"] > methods[name]["overall"]["average_precision"], name
        assert model["roc_auc"] > methods[name]["overall"]["roc_auc"], name
    text = card.read_text(encoding="utf-8")
    assert text.startswith("# Modellkort") and "Kända begränsningar" in text and "Etik" in text
    assert "Stockholm" in text and "Platt" in text


def test_evaluate_research_mode_says_so_first(repo, tmp_path) -> None:
    from lagesbild.analysis import model_card
    from lagesbild.analysis.features import build_features
    from lagesbild.analysis.risk import load_or_fit

    fs = build_features(repo, research_background=True)
    kommun_income = repo.latest_values(sorted(fs.kommun.unique()), ["income_med"], level="kommun")[0]["income_med"]
    result = evaluate(fs, area_typology(repo)["index"], kommun_income, by="polisregion")
    model = load_or_fit(fs, "research-test", bootstrap=0, directory=tmp_path)
    text = model_card.render(result, fs, model, repo.meta())
    assert text.splitlines()[0].startswith("**FORSKNINGSLÄGE")


def test_evaluate_lan_refuses_via_cli(db_path: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["--db", str(db_path), "evaluate", "--group", "lan", "--model-card",
                                   str(tmp_path / "c.md")])
    assert res.exit_code == 2 and "för få utpekade" in res.stderr
    assert not (tmp_path / "c.md").exists()
