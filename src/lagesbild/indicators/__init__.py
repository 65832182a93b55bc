"""Indicators: what each one means (the registry) and how areas are aggregated."""
