"""The designated-area overlap against the independent reference overlay, and on constructed shapes."""

from __future__ import annotations

import numpy as np
import shapely

from lagesbild.config import BUNDLED_SNAPSHOT
from lagesbild.geo.overlay import overlaps
from lagesbild.sources.snapshot import Snapshot


def test_overlap_agrees_with_reference_overlay(repo) -> None:
    reference = Snapshot(BUNDLED_SNAPSHOT).reference_overlap()
    deso_codes = set(repo.areas("deso")["code"])
    shares = repo.deso_shares(sorted(deso_codes))["share_any"]
    both = sorted(c for c in reference if c in deso_codes)
    assert len(both) > 200, "the reference should cover most designated DeSOs in the data"
    ours = np.array([shares[c] for c in both])
    ref = np.array([reference[c] for c in both])
    diff_pp = np.abs(ours - ref) * 100
    agree = np.mean((ours >= 0.25) == (ref >= 0.25))
    q = np.percentile(diff_pp, [50, 75, 90, 95, 99, 100])
    print(f"\nDeSO in both: {len(both)}; agreement on ≥25 %: {agree:.4f}; |difference| in percentage points "
          f"p50={q[0]:.3f} p75={q[1]:.3f} p90={q[2]:.3f} p95={q[3]:.3f} p99={q[4]:.3f} max={q[5]:.3f}")
    assert agree >= 0.98
    assert np.median(diff_pp) < 0.1
    # DeSOs the reference does not list must not be (substantially) inside a designated area for us either.
    others = [c for c in deso_codes if c not in reference]
    assert sum(shares[c] >= 0.25 for c in others) <= 0.01 * len(others)


def test_overlap_of_constructed_squares() -> None:
    deso = {"A": shapely.box(0, 0, 1000, 1000), "B": shapely.box(1000, 0, 2000, 1000),
            "C": shapely.box(5000, 5000, 6000, 6000)}
    designations = [("utsatt", shapely.box(500, 0, 1500, 1000)), ("sarskilt", shapely.box(1500, 0, 1600, 1000)),
                    ("utsatt", shapely.box(5999.5, 5000, 6100, 6000))]  # a 500 m² sliver on C
    pairs, shares = overlaps(deso, designations)
    by = {s.deso: s for s in shares}
    assert set(by) == {"A", "B"}, "the sliver under one hectare is ignored"
    assert abs(by["A"].share_any - 0.5) < 1e-9 and by["A"].category == "utsatt"
    assert abs(by["B"].share_any - 0.6) < 1e-9
    assert abs(by["B"].share_by_category["utsatt"] - 0.5) < 1e-9
    assert by["B"].category == "sarskilt", "the most severe category wins"
    assert {(p.deso, p.designation) for p in pairs} == {("A", 0), ("B", 0), ("B", 1)}
