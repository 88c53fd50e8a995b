"""Catalogue entries (lookups): one TOML file per product, read by geo.catalogue."""
