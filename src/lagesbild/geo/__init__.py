"""Areas, boundaries and overlays. All areas and shares are computed in SWEREF 99 TM (EPSG:3006)."""
