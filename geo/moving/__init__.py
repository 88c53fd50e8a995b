"""The moving layer: indicator tables validated and moved between levels.

Input validation (:mod:`geo.moving.inputs`, :mod:`geo.moving.values`, area weights in
:mod:`geo.moving.weights`), aggregation up, disaggregation down, conversion between
vintages, assignment of points and shapes to areas, and ONS Explore Local Statistics files
(:mod:`geo.moving.ess`). It builds on :mod:`geo.geography` and :mod:`geo.data`.
"""


def __getattr__(name: str) -> object:
    """Import a module of this layer on first use (PEP 562): ``geo.<layer>.<module>`` works
    after a plain ``import geo``, which imports none of them."""
    from importlib import import_module, util

    if not name.startswith("__") and util.find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
