"""Action plans (åtgärdsplaner) and their follow-up: not built yet."""
