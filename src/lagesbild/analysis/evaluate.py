"""Honest evaluation of the risk model against simple baselines, with whole groups held out.

With ``--group polisregion`` every police region is held out in turn (leave-one-group-out): the model,
its choice among the candidates and its calibration are all fitted on the other regions only, so it
never sees a neighbour of the areas it is scored on. ``lan`` does the same per län; ``kommun`` holds out
whole kommuner in five folds. Baselines are turned into probabilities the same way (Platt scaling
fitted on the training part), so Brier scores compare like with like.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

from lagesbild.analysis.features import FeatureSet
from lagesbild.analysis.risk import Platt, select_and_fit
from lagesbild.errors import LagesbildError

MIN_POSITIVES = 3
GROUPINGS = ("polisregion", "lan", "kommun")
# The Denmark-style rule (almenboligloven §61a, adapted to the open Swedish indicators; no ethnic criterion).
DK_EMPLOYMENT_BELOW = 60.0  # % of 20–64 in work (Denmark: > 40 % outside work or education)
DK_HIGHER_ED_BELOW = 25.0  # % of 25–65 with post-secondary education (proxy for "only basic schooling")
DK_INCOME_SHARE_BELOW = 0.70  # DeSO median income below this share of its kommun's
METHODS = {
    "model": "Riskmodellen (vald genom korsvalidering)",
    "low_econ": "Baslinje: låg ekonomisk standard ensam",
    "typology": "Baslinje: typologins index ensamt",
    "denmark": (f"Baslinje: dansk regel, minst två av: förvärvsarbetande < {DK_EMPLOYMENT_BELOW:.0f} %, "
                f"eftergymnasial utbildning < {DK_HIGHER_ED_BELOW:.0f} %, medianinkomst < "
                f"{DK_INCOME_SHARE_BELOW * 100:.0f} % av kommunens"),
}


class EvaluationError(LagesbildError):
    exit_code = 2


@dataclass
class Fold:
    name: str
    test_groups: list[str]
    train_groups: list[str]
    test_index: np.ndarray
    train_index: np.ndarray


def folds(fs: FeatureSet, by: str, min_positives: int = MIN_POSITIVES) -> list[Fold]:
    if by not in GROUPINGS:
        raise EvaluationError(f"okänd gruppering '{by}' (välj {', '.join(GROUPINGS)})")
    groups = fs.groups(by)
    splitter = LeaveOneGroupOut() if by != "kommun" else GroupKFold(n_splits=5)
    out, bad = [], []
    for train, test in splitter.split(fs.X, fs.y, groups):
        test_groups = sorted(groups.iloc[test].unique())
        name = test_groups[0] if len(test_groups) == 1 else "kommuner " + ", ".join(test_groups)
        pos, neg = int(fs.y.iloc[test].sum()), int((1 - fs.y.iloc[test]).sum())
        if pos < min_positives or neg == 0 or fs.y.iloc[train].sum() < min_positives:
            bad.append(f"{name} ({pos} utpekade DeSO av {pos + neg})")
        out.append(Fold(name, test_groups, sorted(groups.iloc[train].unique()), test, train))
    if bad:
        raise EvaluationError(
            f"för få utpekade områden att utvärdera på i {len(bad)} grupp(er): {'; '.join(bad)}. Minst "
            f"{min_positives} krävs per utelämnad grupp – annars blir AUC och precision meningslösa. Välj en "
            "grövre gruppering (t.ex. --group polisregion) eller sänk --min-positives medvetet.")
    return out


def denmark_score(fs: FeatureSet, kommun_income: pd.Series) -> pd.Series:
    X = fs.X
    crit = pd.DataFrame({
        "employment": X["level__employment"] < DK_EMPLOYMENT_BELOW,
        "education": X["level__higher_ed"] < DK_HIGHER_ED_BELOW,
        "income": X["level__income_med"] < DK_INCOME_SHARE_BELOW * fs.kommun.map(kommun_income),
    })
    return crit.sum(axis=1).astype(float)


def precision_at_k(y: np.ndarray, score: np.ndarray, k: int) -> float:
    """Precision among the k highest scores, in expectation over random order within tied scores."""
    if k <= 0:
        return float("nan")
    order = np.sort(score)[::-1]
    cut = order[k - 1]
    above = score > cut
    tied = score == cut
    expected = y[above].sum() + (k - above.sum()) * y[tied].mean()
    return float(expected / k)


def metrics(y: np.ndarray, p: np.ndarray, rank_score: np.ndarray | None = None) -> dict[str, float]:
    """Ranking metrics on ``rank_score`` (default ``p``), Brier score on the probabilities ``p``."""
    y = np.asarray(y, dtype=int)
    p = np.asarray(p, dtype=float)
    s = p if rank_score is None else np.asarray(rank_score, dtype=float)
    k = int(y.sum())
    return dict(roc_auc=float(roc_auc_score(y, s)), average_precision=float(average_precision_score(y, s)),
                precision_at_k=precision_at_k(y, s, k), k=k, brier=float(brier_score_loss(y, p)), n=len(y))


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        sel = idx == b
        if sel.any():
            out.append(dict(low=float(edges[b]), high=float(edges[b + 1]), n=int(sel.sum()),
                            mean_predicted=float(p[sel].mean()), observed=float(np.asarray(y)[sel].mean())))
    return out


def evaluate(fs: FeatureSet, typology_index: pd.Series, kommun_income: pd.Series, by: str = "polisregion",
             min_positives: int = MIN_POSITIVES, progress: Any = None) -> dict[str, Any]:
    """Grouped cross-validation of the model and the baselines; one entry per method."""
    fold_list = folds(fs, by, min_positives)
    y = fs.y.to_numpy()
    raw = {"low_econ": fs.X["level__low_econ"].to_numpy(),
           "typology": -typology_index.reindex(fs.X.index).to_numpy(),
           "denmark": denmark_score(fs, kommun_income).to_numpy()}
    preds = {m: np.full(len(y), np.nan) for m in METHODS}
    chosen: dict[str, str] = {}
    for i, f in enumerate(fold_list):
        if progress:
            progress(f"Utvärderar ({f.name})", i, len(fold_list))
        tr, te = f.train_index, f.test_index
        model = select_and_fit(fs.X.iloc[tr], fs.y.iloc[tr], fs.kommun.iloc[tr])
        preds["model"][te] = model.predict(fs.X.iloc[te])
        chosen[f.name] = model.candidate.name
        for m, score in raw.items():
            s = np.nan_to_num(score, nan=np.nanmedian(score[tr]))
            preds[m][te] = Platt().fit(s[tr], y[tr])(s[te])
    if progress:
        progress("Utvärderar", len(fold_list), len(fold_list))
    results = []
    for m, label in METHODS.items():
        p = preds[m]
        # A baseline ranks by its raw score, which means the same in every region; only its Brier score
        # uses the probabilities calibrated on the training part. The model ranks by what users see.
        s = p if m == "model" else np.nan_to_num(raw[m], nan=np.nanmedian(raw[m]))
        per_group = {f.name: metrics(y[f.test_index], p[f.test_index], s[f.test_index]) for f in fold_list}
        spread = {key: dict(mean=float(np.mean([g[key] for g in per_group.values()])),
                            sd=float(np.std([g[key] for g in per_group.values()], ddof=1)) if len(per_group) > 1
                            else 0.0)
                  for key in ("roc_auc", "average_precision", "precision_at_k", "brier")}
        results.append(dict(method=m, label=label, overall=metrics(y, p, s), groups=per_group, fold_spread=spread,
                            calibration=calibration_table(y, p)))
    results[0]["chosen_per_fold"] = chosen
    return dict(group=by, threshold=fs.threshold, n_areas=len(y), n_positive=int(y.sum()),
                research_background=fs.research_background,
                folds=[dict(name=f.name, test_groups=f.test_groups, train_groups=f.train_groups,
                            n_test=len(f.test_index), positives=int(y[f.test_index].sum())) for f in fold_list],
                methods=results)
