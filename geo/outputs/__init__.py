"""The outputs layer: what the package hands to people.

Map classes (:mod:`geo.outputs.classes`), interactive maps and static plots, file export
(:mod:`geo.outputs.export`) and the area report with its pages, indicator and batch runs
(:mod:`geo.outputs.report`). It builds on every layer below; only :mod:`geo.cli` and
:mod:`geo.fetch` sit above it.
"""


def __getattr__(name: str) -> object:
    """Import a module of this layer on first use (PEP 562): ``geo.<layer>.<module>`` works
    after a plain ``import geo``, which imports none of them."""
    from importlib import import_module, util

    if not name.startswith("__") and util.find_spec(f"{__name__}.{name}") is not None:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
