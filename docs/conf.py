"""Sphinx configuration of the levelup-geo documentation (``make docs``).

The build is offline (no intersphinx inventories are fetched) and runs the gallery examples
against the data mirror the Makefile passes in as ``LEVELUP_MIRROR``.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import version as _version
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # off-screen: the build has no display

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sphinxext"))

project = "levelup-geo"
author = "levelup-geo contributors"
copyright = "levelup-geo contributors; data © Crown copyright (Open Government Licence v3.0)"  # noqa: A001
release = _version("levelup-geo")
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinxarg.ext",
    "matplotlib.sphinxext.plot_directive",
]

exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip", "**.codeobj.json"]
templates_path = ["_templates"]
html_static_path = ["_static"]
nitpicky = True
smartquotes = False  # "--csv" stays two hyphens in the command-line reference

# -- API reference ---------------------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"  # the numpydoc Parameters sections give the types in words
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
# plain words in numpydoc type fields ("DataFrame", "str, optional") are not cross-references

# -- Code in the guide: ">>>" blocks run under `sphinx-build -b doctest` (make docs) ----------
doctest_global_setup = """
import geo
from geo.data import products
"""
doctest_default_flags = __import__("doctest").ELLIPSIS | __import__("doctest").NORMALIZE_WHITESPACE

# -- matplotlib plot directive (the nesting diagram) ------------------------------------------
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]

# -- Gallery ---------------------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(HERE.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # run every example
    "abort_on_example_error": True,  # an example that raises fails the build
    "only_warn_on_example_error": False,
    "image_scrapers": ("levelup_docs.figures",),
    "reset_modules": ("levelup_docs.reset",),
    "capture_repr": (),
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "show_signature": False,
    "min_reported_time": 10**6,
}

# -- HTML --------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"levelup-geo {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
html_show_sourcelink = False

if not os.environ.get("LEVELUP_MIRROR"):
    print("docs: LEVELUP_MIRROR is not set: the examples download from the publishers", file=sys.stderr)
