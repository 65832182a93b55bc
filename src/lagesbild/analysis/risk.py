"""The risk model: how likely a DeSO is to lie in a police-designated area, from open indicators.

Two model families compete: a regularised logistic regression (scikit-learn) and gradient-boosted
trees (LightGBM). The candidate is chosen by grouped cross-validation (whole kommuner held out) on
average precision, never by hand. Its raw score (log-odds) is calibrated to a probability by Platt
scaling fitted on the same out-of-fold scores, so the calibration never sees in-sample scores.

Explanations use the model's own attribution on the log-odds scale: for the logistic regression the
coefficient times the standardised value, for LightGBM its tree SHAP contributions (``pred_contrib``).
Both sum exactly, with the base value, to the model's raw score; the calibration is a monotone map on
top of it.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lagesbild import __version__
from lagesbild.analysis import cache

# scikit-learn and LightGBM are imported where they are used: reading cached results (the report,
# the web app) then costs no second of imports.

MODEL_VERSION = 2
INNER_FOLDS = 5


@dataclass(frozen=True)
class Candidate:
    name: str
    kind: str  # "logit" | "lgbm" | "blend" (the mean log-odds of one of each)
    params: tuple[tuple[str, Any], ...]

    def build(self) -> Any:
        p = dict(self.params)
        if self.kind == "blend":
            return Blend(Candidate("", "logit", p["logit"]).build(), Candidate("", "lgbm", p["lgbm"]).build())
        if self.kind == "logit":
            from sklearn.impute import SimpleImputer
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import Pipeline
            from sklearn.preprocessing import StandardScaler

            return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                             ("model", LogisticRegression(C=p["C"], max_iter=5000))])
        import lightgbm as lgb

        return lgb.LGBMClassifier(n_estimators=p["n_estimators"], learning_rate=p["learning_rate"],
                                  num_leaves=p["num_leaves"], min_child_samples=p["min_child_samples"],
                                  reg_lambda=p["reg_lambda"], subsample=0.8, subsample_freq=1,
                                  colsample_bytree=0.8, random_state=0, n_jobs=2, deterministic=True,
                                  force_row_wise=True, verbose=-1)


_LR = (("C", 0.1),)
_GB_SHALLOW = (("n_estimators", 300), ("learning_rate", 0.03), ("num_leaves", 7), ("min_child_samples", 20),
               ("reg_lambda", 1.0))
_GB_DEEP = (("n_estimators", 300), ("learning_rate", 0.03), ("num_leaves", 15), ("min_child_samples", 10),
            ("reg_lambda", 1.0))
CANDIDATES: tuple[Candidate, ...] = (
    Candidate("logistisk regression, C=0,1", "logit", _LR),
    Candidate("logistisk regression, C=1", "logit", (("C", 1.0),)),
    Candidate("gradient boosting (LightGBM), grund", "lgbm", _GB_SHALLOW),
    Candidate("gradient boosting (LightGBM), djupare", "lgbm", _GB_DEEP),
    Candidate("medel av logistisk regression och gradient boosting", "blend", (("logit", _LR), ("lgbm", _GB_SHALLOW))),
)


class Blend:
    """Equal-weight mean of a logistic regression's and a LightGBM model's log-odds.

    Averaging log-odds (not probabilities) keeps the attribution exact: the blend's contributions are
    the mean of the two models' contributions.
    """

    def __init__(self, logit: Any, lgbm: Any) -> None:
        self.logit, self.lgbm = logit, lgbm

    def fit(self, X: pd.DataFrame, y: pd.Series) -> Blend:
        self.logit.fit(X, y)
        self.lgbm.fit(X, y)
        return self


CANDIDATE_NAMES_EN = {
    "logistisk regression, C=0,1": "logistic regression, C=0.1",
    "logistisk regression, C=1": "logistic regression, C=1",
    "gradient boosting (LightGBM), grund": "gradient boosting (LightGBM), shallow",
    "gradient boosting (LightGBM), djupare": "gradient boosting (LightGBM), deeper",
    "medel av logistisk regression och gradient boosting": "mean of logistic regression and gradient boosting",
}


def margin(kind: str, est: Any, X: pd.DataFrame) -> np.ndarray:
    """The raw score (log-odds) of a fitted estimator."""
    if kind == "blend":
        return 0.5 * (margin("logit", est.logit, X) + margin("lgbm", est.lgbm, X))
    if kind == "logit":
        return est.decision_function(X)
    return est.predict(X, raw_score=True)


def attributions(kind: str, est: Any, X: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Per-feature contributions to the raw score and the base value; they sum to ``margin``."""
    if kind == "blend":
        (c1, b1), (c2, b2) = attributions("logit", est.logit, X), attributions("lgbm", est.lgbm, X)
        return 0.5 * (c1 + c2), 0.5 * (b1 + b2)
    if kind == "logit":
        z = est[:-1].transform(X)
        lr = est[-1]
        contrib = z * lr.coef_[0]
        base = np.full(len(X), lr.intercept_[0])
    else:
        full = est.predict(X, pred_contrib=True)
        contrib, base = full[:, :-1], full[:, -1]
    return pd.DataFrame(contrib, index=X.index, columns=X.columns), base


def _fit(c: Candidate, X: pd.DataFrame, y: pd.Series) -> Any:
    est = c.build()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    return est


def oof_margins(c: Candidate, X: pd.DataFrame, y: pd.Series, groups: pd.Series,
                n_splits: int = INNER_FOLDS) -> np.ndarray:
    """Out-of-fold raw scores with whole groups (kommuner) held out."""
    from sklearn.model_selection import GroupKFold

    out = np.full(len(X), np.nan)
    n_splits = min(n_splits, groups.nunique())
    for train, test in GroupKFold(n_splits=n_splits).split(X, y, groups):
        if y.iloc[train].nunique() < 2:
            continue
        est = _fit(c, X.iloc[train], y.iloc[train])
        out[test] = margin(c.kind, est, X.iloc[test])
    return out


class Platt:
    """Platt scaling: a one-feature logistic regression from raw score to probability."""

    def __init__(self) -> None:
        from sklearn.linear_model import LogisticRegression

        self.model = LogisticRegression(C=1e6, max_iter=1000)

    def fit(self, score: np.ndarray, y: np.ndarray) -> Platt:
        ok = np.isfinite(score)
        self.model.fit(score[ok].reshape(-1, 1), np.asarray(y)[ok])
        return self

    def __call__(self, score: np.ndarray) -> np.ndarray:
        return self.model.predict_proba(np.asarray(score, dtype=float).reshape(-1, 1))[:, 1]


@dataclass
class RiskModel:
    candidate: Candidate
    estimator: Any
    calibrator: Platt
    features: list[str]
    cv_scores: dict[str, float]  # candidate name -> inner-CV average precision
    fingerprint: str = ""
    threshold: float = 0.25
    research_background: bool = False
    version: str = f"{__version__}/{MODEL_VERSION}"
    bootstrap: list[Any] = field(default_factory=list)

    def margin(self, X: pd.DataFrame) -> np.ndarray:
        return margin(self.candidate.kind, self.estimator, X[self.features])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.calibrator(self.margin(X))

    def explain(self, X: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        return attributions(self.candidate.kind, self.estimator, X[self.features])

    def interval(self, X: pd.DataFrame, lo: float = 10, hi: float = 90) -> tuple[np.ndarray, np.ndarray]:
        """An 80 % interval of the probability from the kommun-bootstrap refits (same calibration)."""
        if not self.bootstrap:
            p = self.predict(X)
            return p, p
        draws = np.array([self.calibrator(margin(self.candidate.kind, est, X[self.features]))
                          for est in self.bootstrap])
        return np.percentile(draws, lo, axis=0), np.percentile(draws, hi, axis=0)


def select_and_fit(X: pd.DataFrame, y: pd.Series, groups: pd.Series,
                   candidates: tuple[Candidate, ...] = CANDIDATES, bootstrap: int = 0,
                   seed: int = 0) -> RiskModel:
    """Choose the candidate with the best grouped-CV average precision, fit it on all rows, calibrate."""
    from sklearn.metrics import average_precision_score

    scores: dict[str, float] = {}
    oofs: dict[str, np.ndarray] = {}
    for c in candidates:
        oof = oof_margins(c, X, y, groups)
        ok = np.isfinite(oof)
        scores[c.name] = float(average_precision_score(y[ok], oof[ok])) if y[ok].nunique() == 2 else float("nan")
        oofs[c.name] = oof
    best = max(candidates, key=lambda c: (np.nan_to_num(scores[c.name], nan=-1.0), -candidates.index(c)))
    est = _fit(best, X, y)
    calibrator = Platt().fit(oofs[best.name], y.to_numpy())
    model = RiskModel(best, est, calibrator, list(X.columns), scores)
    rng = np.random.default_rng(seed)
    kommuner = groups.unique()
    for _ in range(bootstrap):
        pick = rng.choice(kommuner, size=len(kommuner), replace=True)
        idx = np.concatenate([np.flatnonzero(groups.to_numpy() == k) for k in pick])
        if y.iloc[idx].nunique() == 2:
            model.bootstrap.append(_fit(best, X.iloc[idx], y.iloc[idx]))
    return model


# -- cache ---------------------------------------------------------------------------------------

def fingerprint(data_fingerprint: str, threshold: float, research: bool, bootstrap: int) -> str:
    key = f"{data_fingerprint}|{threshold}|{research}|{bootstrap}|{__version__}|{MODEL_VERSION}|" + "|".join(
        f"{c.name}:{c.params}" for c in CANDIDATES)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def load_or_fit(features: Any, data_fingerprint: str, bootstrap: int = 20, use_cache: bool = True,
                directory: Path | None = None) -> RiskModel:
    """The fitted model for these data and settings, from the cache when the data have not changed."""
    fp = fingerprint(data_fingerprint, features.threshold, features.research_background, bootstrap)
    path = (directory or cache.cache_dir()) / f"risk-{fp}.joblib"
    cached = cache.load(path, RiskModel) if use_cache else None
    if cached is not None and cached.fingerprint == fp:
        return cached
    model = select_and_fit(features.X, features.y, features.kommun, bootstrap=bootstrap)
    model.fingerprint = fp
    model.threshold = features.threshold
    model.research_background = features.research_background
    if use_cache:
        cache.save(path, model)
    return model
