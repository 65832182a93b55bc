"""The feature matrix of the risk model: open indicators of each DeSO and of its neighbours.

No feature is derived from the Police's designations, directly or through neighbours: the label is
the designation, so any such feature would leak the answer into the question. Whether an area
borders a designated area is computed here too, but only as context shown beside the score.
Country of birth or background ("foreign") is not a feature unless ``research_background`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lagesbild.indicators.registry import BY_ID, MAIN_INDICATORS

if TYPE_CHECKING:
    from libpysal.weights import W
from lagesbild.store.queries import Repository

LEVEL_FEATURES = ("low_econ", "employment", "unemp", "higher_ed", "income_med", "income", "capital_inc",
                  "renters", "flats", "young", "single", "growth")
REL_FEATURES = MAIN_INDICATORS  # the five key socioeconomic indicators
RESEARCH_FEATURES = ("foreign",)
RADII_M = (1000, 2500)
LABEL_THRESHOLD = 0.25


@dataclass
class FeatureSet:
    X: pd.DataFrame  # area × feature
    y: pd.Series  # 1 when designated (share ≥ threshold)
    share: pd.Series
    category: pd.Series
    kommun: pd.Series
    lan: pd.Series
    police_region: pd.Series
    borders_designated: pd.Series
    neighbours: W  # libpysal weights
    periods: dict[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> periods used
    threshold: float = LABEL_THRESHOLD
    research_background: bool = False

    def groups(self, by: str) -> pd.Series:
        return {"polisregion": self.police_region, "lan": self.lan, "kommun": self.kommun}[by]


def describe(feature: str) -> tuple[str, str, str]:
    """(kind, indicator id, Swedish label) of a feature name."""
    kind, _, ind = feature.partition("__")
    return kind, ind, "befolkningstäthet" if ind == "density" else BY_ID[ind].label_sv


def _series_by_period(repo: Repository, codes: list[str], ind: str) -> pd.DataFrame:
    obs = repo.observations(codes, [ind])
    obs = obs[obs["period"].str.fullmatch(r"\d{4}")]
    return obs.pivot_table(index="area", columns="period", values="value", aggfunc="first").reindex(codes)


def build_features(repo: Repository, threshold: float = LABEL_THRESHOLD,
                   research_background: bool = False) -> FeatureSet:
    from lagesbild.geo.neighbours import borders, contiguity, radius_mean, spatial_lag

    areas = repo.areas("deso", with_geometry=True).set_index("code")
    codes = list(areas.index)
    levels = LEVEL_FEATURES + (RESEARCH_FEATURES if research_background else ())
    cols: dict[str, pd.Series] = {}
    periods: dict[str, tuple[str, ...]] = {}
    for ind in levels:
        wide = _series_by_period(repo, codes, ind)
        if wide.empty:
            continue
        ordered = sorted(wide.columns)
        periods[ind] = tuple(ordered)
        # The latest value; where an area lacks it, the previous period's (for the model only).
        cols[f"level__{ind}"] = wide[ordered].ffill(axis=1).iloc[:, -1]
        if len(ordered) >= 2:
            cols[f"change__{ind}"] = wide[ordered[-1]] - wide[ordered[-2]]
    X = pd.DataFrame(cols, index=codes)
    pop = areas["population"].astype(float)
    X["level__density"] = np.log10((pop / areas["area_km2"].astype(float)).clip(lower=0.01))
    # Relative position in the own kommun: the Police's assessment is local, so "poor for this town"
    # carries information beyond "poor for the dataset". Kommun values are the store's aggregates.
    kommun_values, _ = repo.latest_values(sorted(areas["kommun"].unique()), list(REL_FEATURES), level="kommun")
    for ind in REL_FEATURES:
        X[f"rel__{ind}"] = X[f"level__{ind}"] - areas["kommun"].map(kommun_values[ind])
    # The surroundings of every level feature: the neighbours' mean (queen contiguity, see
    # geo.neighbours), the mean over the neighbours' neighbours, and population-weighted means within
    # 1 km and 2.5 km. The Police's areas are estates that span several DeSOs, so an area's
    # surroundings carry much of the signal (measured in `lagesbild evaluate`).
    w = contiguity(areas["geometry"])
    levels_frame = X[[c for c in X.columns if c.startswith("level__")]]
    lag = spatial_lag(w, levels_frame)
    lag2 = spatial_lag(w, lag)
    centroids = np.array([[g.centroid.x, g.centroid.y] for g in areas["geometry"]])
    rings = {f"r{r}": radius_mean(centroids, pop.to_numpy(), levels_frame, r) for r in RADII_M}
    for prefix, frame in {"lag": lag, "lag2": lag2, **rings}.items():
        for col in frame.columns:
            X[f"{prefix}__" + col.split("__", 1)[1]] = frame[col]

    shares = repo.deso_shares(codes)
    y = (shares["share_any"] >= threshold).astype(int)
    region = areas["lan"].map(repo.police_regions())
    return FeatureSet(X=X, y=y, share=shares["share_any"], category=shares["category"], kommun=areas["kommun"],
                      lan=areas["lan"], police_region=region, borders_designated=borders(w, y.astype(bool)),
                      neighbours=w, periods=periods, threshold=threshold, research_background=research_background)

