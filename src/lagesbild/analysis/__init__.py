"""Analysis over the store: area tables and profiles (and, later, typology, risk, trends, hot spots)."""
