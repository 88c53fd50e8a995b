"""Catalogue entries (indicators): one TOML file per product, read by geo.catalogue."""
