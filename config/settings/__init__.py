"""Settings package: base (shared, env-driven), test and production."""
