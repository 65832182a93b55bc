"""The lägesbild report: one self-contained HTML file (inline CSS, SVG and a little JavaScript)."""
