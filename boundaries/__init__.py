"""Catalogue entries (boundaries): one TOML file per product, read by geo.catalogue."""
