"""Build helpers for the documentation (not part of the package).

``geo.plot`` draws with :class:`matplotlib.figure.Figure` directly, never through ``pyplot``
(so that it leaves a user's backend alone), which means sphinx-gallery's own matplotlib scraper,
which reads pyplot's list of figures, does not see its maps. :func:`figures` shows every Figure
an example made instead: figures are remembered when they are created (in the docs build only)
and drawn under the code block that made them.
"""

from __future__ import annotations

import weakref
from typing import Any

from matplotlib.figure import Figure

_made: list[Figure] = []
_shown: weakref.WeakSet[Figure] = weakref.WeakSet()
_original_init = Figure.__init__


def _remembering_init(self: Figure, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    _made.append(self)


Figure.__init__ = _remembering_init  # type: ignore[method-assign]


def figures(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """sphinx-gallery image scraper: save the figures made since the last block, return their rST."""
    from sphinx_gallery.scrapers import figure_rst

    paths = []
    made = [fig for fig in _made if fig not in _shown]
    _made.clear()
    for fig, path in zip(made, block_vars["image_path_iterator"], strict=False):
        fig.savefig(path, dpi=110)
        _shown.add(fig)
        paths.append(path)
    import matplotlib.pyplot as plt

    plt.close("all")
    return figure_rst(paths, gallery_conf["src_dir"])


def reset(gallery_conf: dict[str, Any], fname: str) -> None:
    """Before each example: forget figures of earlier ones."""
    _made.clear()
