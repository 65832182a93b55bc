"""The risk model: features without leakage, attributions that add up, caching, label threshold."""

from __future__ import annotations

import re

import numpy as np
import pytest

from lagesbild.analysis.features import build_features, describe
from lagesbild.analysis.risk import CANDIDATES, attributions, load_or_fit, margin, select_and_fit
from lagesbild.indicators.registry import BY_ID


def test_features_are_open_indicators_only(features) -> None:
    kinds = {describe(c)[0] for c in features.X.columns}
    assert kinds == {"level", "change", "rel", "lag", "lag2", "r1000", "r2500"}
    indicators = {describe(c)[1] for c in features.X.columns}
    assert indicators <= set(BY_ID) | {"density"}
    assert "foreign" not in indicators, "background is not a feature by default"
    assert not any("designat" in c or "share" in c or "border" in c for c in features.X.columns)
    # The neighbour context is computed, but kept out of X.
    assert features.borders_designated.sum() > 0
    assert len(features.X) == 1869 and int(features.y.sum()) == 173


def test_research_option_adds_background(repo) -> None:
    fs = build_features(repo, research_background=True)
    assert "level__foreign" in fs.X.columns and fs.research_background


@pytest.mark.parametrize("candidate", [c for c in CANDIDATES if c.name.endswith(("C=0,1", "grund"))],
                         ids=lambda c: c.kind)
def test_attributions_sum_to_raw_score(features, candidate) -> None:
    model = select_and_fit(features.X, features.y, features.kommun, candidates=(candidate,))
    contrib, base = attributions(candidate.kind, model.estimator, features.X)
    raw = margin(candidate.kind, model.estimator, features.X)
    assert np.allclose(contrib.sum(axis=1).to_numpy() + base, raw, atol=1e-6)
    # The calibrated probability is a monotone map of the raw score.
    p = model.predict(features.X)
    order = np.argsort(raw)
    assert np.all(np.diff(p[order]) >= -1e-12)


def test_threshold_changes_label_counts_as_expected(repo) -> None:
    shares = repo.deso_shares(list(repo.areas("deso")["code"]))["share_any"]
    counts = {}
    for t in (0.1, 0.25, 0.5, 0.9):
        fs = build_features(repo, threshold=t)
        counts[t] = int(fs.y.sum())
        assert counts[t] == int((shares >= t).sum())
    assert counts[0.1] > counts[0.25] > counts[0.5] > counts[0.9] > 0


def test_model_is_cached_until_data_change(features, tmp_path) -> None:
    first = load_or_fit(features, "data-a", bootstrap=0, directory=tmp_path)
    again = load_or_fit(features, "data-a", bootstrap=0, directory=tmp_path)
    assert again.fingerprint == first.fingerprint
    assert len(list(tmp_path.glob("risk-*.joblib"))) == 1
    other = load_or_fit(features, "data-b", bootstrap=0, directory=tmp_path)
    assert other.fingerprint != first.fingerprint
    assert len(list(tmp_path.glob("risk-*.joblib"))) == 2
    assert first.candidate.name in first.cv_scores, "the candidate was chosen by cross-validation"


def test_early_warning_table(ew) -> None:
    t = ew.table
    assert ((t["risk"] >= 0) & (t["risk"] <= 1)).all()
    assert (t["risk_low"] <= t["risk_high"]).all()
    assert all(len(f) == 3 for f in t["factors"])
    hageby = t.loc["0581C1120"]
    assert hageby["designated"] and hageby["risk"] > 0.5
    # Designated areas score higher than the rest on the whole.
    assert t[t["designated"]]["risk"].median() > 10 * t[~t["designated"]]["risk"].median()
    for f in hageby["factors"]:
        # Plain Swedish with the value and where it stands, e.g. "… 49,0 %, är bland de lägsta 6 % …".
        assert re.search(r"\d,\d", f["text"]) and re.search(r"bland de|över|under|högre|lägre|ökade|minskade",
                                                             f["text"]), f["text"]
        assert f["direction"] == ("höjer" if f["contribution"] > 0 else "sänker")
