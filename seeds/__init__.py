"""Seed files: one TOML file per watched source. Shipped with the package: `samples`, the sample
documents the offline demo site is built from (read with importlib.resources)."""
