"""Package settings, in one place (the osmnx model).

Every setting is a plain module attribute that callers may assign::

    import geo
    geo.settings.mirror = "/data/ons-mirror"   # a folder or an http(s) base URL
    geo.settings.cache_dir = "/tmp/levelup-cache"

A value left as ``None`` falls back to an environment variable, read at the moment it is
needed (not at import), so tests and CI can point the package elsewhere:

``LEVELUP_MIRROR``
    A directory or http(s) base URL holding the ONS files named as distributed, in the
    sub-folders ``boundaries/``, ``lookups/`` and ``indicators/``.
``LEVELUP_CACHE``
    The cache directory (default: the platform user cache directory).
``LEVELUP_OFFLINE``
    ``1`` to never contact a publisher (the cache and the mirror are still used).

Examples
--------
>>> import geo
>>> geo.settings.page_size
2000
>>> geo.settings.get_mirror() is not None   # the tests point LEVELUP_MIRROR at the mirror
True
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Folder or http(s) base URL of a mirror of the ONS files (``None``: ``LEVELUP_MIRROR``).
mirror: str | os.PathLike[str] | None = None
#: Cache folder (``None``: ``LEVELUP_CACHE``, else the platform user cache directory).
cache_dir: str | os.PathLike[str] | None = None
#: Never contact publishers (``None``: ``LEVELUP_OFFLINE``).
offline: bool | None = None
#: Base URL of the ONS Open Geography Portal ArcGIS REST services.
arcgis_base: str = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
#: Seconds to wait for a server to answer one request.
timeout: float = 60.0
#: Attempts per request before giving up (5xx answers and time-outs are retried).
retries: int = 4
#: First back-off pause in seconds; doubled after each failed attempt.
backoff: float = 1.0
#: Features asked for per FeatureServer page (capped by the layer's ``maxRecordCount``).
page_size: int = 2000
#: Show progress bars (``None``: only when standard error is a terminal).
progress: bool | None = None


def get_mirror() -> str | None:
    """Return the configured mirror (setting, then ``LEVELUP_MIRROR``) or ``None``.

    Examples
    --------
    >>> import os
    >>> get_mirror() == os.environ.get("LEVELUP_MIRROR")
    True
    """
    value = mirror if mirror is not None else os.environ.get("LEVELUP_MIRROR")
    return os.fspath(value) if value else None


def get_cache_dir() -> Path:
    """Return the cache directory (setting, then ``LEVELUP_CACHE``, then platform default).

    A read-only folder is allowed: it is read, and new entries go to a temporary folder
    (see ``geo.data.cache``).

    Examples
    --------
    >>> import os
    >>> str(get_cache_dir()) == os.path.expanduser(os.environ.get("LEVELUP_CACHE", str(get_cache_dir())))
    True
    """
    value = cache_dir if cache_dir is not None else os.environ.get("LEVELUP_CACHE")
    if value:
        return Path(value).expanduser()
    return Path(platformdirs.user_cache_dir("levelup-geo"))


def is_offline() -> bool:
    """Return whether publishers must not be contacted.

    Examples
    --------
    >>> import os
    >>> is_offline() == (os.environ.get("LEVELUP_OFFLINE") == "1")
    True
    """
    if offline is not None:
        return bool(offline)
    return os.environ.get("LEVELUP_OFFLINE", "").strip().lower() in {"1", "true", "yes"}
