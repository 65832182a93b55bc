"""External sources, one module per source. Data flows sources → store → analysis → report/web."""
