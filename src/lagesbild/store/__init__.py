"""The database: schema, building it from a snapshot, and the read queries the analysis uses."""
