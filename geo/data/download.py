"""HTTP downloads: a direct file URL, or every feature of an ArcGIS FeatureServer layer.

Both write their result atomically (a temporary file in the destination folder, flushed and
renamed), retry server errors, rate limits, time-outs and truncated bodies with exponential
back-off (``geo.settings.retries``, ``backoff``, ``timeout``), and fail with a
:class:`~geo.errors.DownloadError` naming the product, the address, the attempts and the last
reason — never leaving a partial file behind. Progress bars (tqdm) show on a terminal.
"""

from __future__ import annotations

import csv
import json
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import requests
from tqdm import tqdm

from geo import settings
from geo.data.atomic import atomic_open
from geo.errors import DownloadError

log = logging.getLogger(__name__)

_RETRY_STATUS = {429, 500, 502, 503, 504}
_SKIP_FIELDS = {"Shape__Area", "Shape__Length", "GlobalID"}


class _Retryable(Exception):
    """A failure worth another attempt (5xx, 429, time-out, truncated body, ArcGIS error)."""


def _show_progress() -> bool:
    return settings.progress if settings.progress is not None else sys.stderr.isatty()


def _session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = "levelup-geo (+https://pypi.org/project/levelup-geo)"
    return session


def _with_retries(label: str, url: str, attempt: Callable[[], Any]) -> Any:
    """Call ``attempt`` until it succeeds, retrying :class:`_Retryable` failures."""
    reason = "no attempt made"
    for number in range(1, max(1, settings.retries) + 1):
        try:
            return attempt()
        except _Retryable as exc:
            reason = str(exc)
        except requests.Timeout:
            reason = f"no answer within {settings.timeout:g} s"
        except requests.ConnectionError as exc:
            reason = f"connection failed: {exc}"
        if number < settings.retries:
            pause = settings.backoff * 2 ** (number - 1)
            log.warning("%s: attempt %d of %d failed (%s); retrying in %.2g s", label, number, settings.retries, reason, pause)
            time.sleep(pause)
    raise DownloadError(f"{label}: download from {url} failed after {settings.retries} attempts; last error: {reason}")


def _check_status(response: requests.Response, label: str) -> None:
    if response.status_code in _RETRY_STATUS:
        raise _Retryable(f"HTTP {response.status_code}")
    if response.status_code >= 400:
        raise DownloadError(f"{label}: {response.url} answered HTTP {response.status_code} {response.reason}; check the address")


def download_url(url: str, dest: Path, *, label: str) -> Path:
    """Download one file to ``dest`` atomically, checking its length.

    Parameters
    ----------
    url : str
        The file's address.
    dest : Path
        Where to write it; untouched unless the whole body arrived.
    label : str
        The product id, used in messages.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    DownloadError
        On an HTTP error (4xx at once; 5xx, 429, time-outs and truncated bodies after
        ``geo.settings.retries`` attempts), naming the product and the address.

    Examples
    --------
    A folder served on this machine stands in for a publisher:

    >>> import functools, pathlib, tempfile, threading
    >>> from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    >>> class Quiet(SimpleHTTPRequestHandler):
    ...     def log_message(self, *args): pass
    >>> site = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (site / "itl1.csv").write_text("ITL121CD,ITL121NM\\nTLC,North East\\n")
    >>> server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    >>> threading.Thread(target=server.serve_forever, daemon=True).start()
    >>> base = f"http://127.0.0.1:{server.server_port}/"
    >>> out = download_url(base + "itl1.csv", site / "got" / "itl1.csv", label="itl1_codes")
    >>> out.read_text().splitlines()
    ['ITL121CD,ITL121NM', 'TLC,North East']
    >>> download_url(base + "moved.csv", site / "got" / "moved.csv", label="itl1_codes")
    Traceback (most recent call last):
    ...
    geo.errors.DownloadError: itl1_codes: http://127.0.0.1:.../moved.csv answered HTTP 404 File not found; check the address
    >>> (site / "got" / "moved.csv").exists()
    False
    >>> server.shutdown(); server.server_close()
    """
    session = _session()

    def attempt() -> Path:
        with session.get(url, stream=True, timeout=settings.timeout) as response:
            _check_status(response, label)
            expected = int(response.headers.get("Content-Length") or 0) or None
            received = 0
            with atomic_open(dest) as out, tqdm(total=expected, unit="B", unit_scale=True, desc=label, disable=not _show_progress()) as bar:
                try:
                    for chunk in response.iter_content(chunk_size=1 << 16):
                        out.write(chunk)
                        received += len(chunk)
                        bar.update(len(chunk))
                except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError) as exc:
                    raise _Retryable(f"connection broken after {received:,} bytes: {exc}") from exc
                if expected is not None and received != expected:
                    raise _Retryable(f"truncated: got {received:,} of {expected:,} bytes")
        return dest

    return _with_retries(label, url, attempt)


def _get_json(session: requests.Session, url: str, params: dict[str, Any], label: str) -> dict[str, Any]:
    def attempt() -> dict[str, Any]:
        response = session.get(url, params=params, timeout=settings.timeout)
        _check_status(response, label)
        try:
            body = response.json()
        except ValueError as exc:
            raise _Retryable(f"unreadable JSON ({len(response.content):,} bytes): {exc}") from exc
        if isinstance(body, dict) and "error" in body:
            raise _Retryable(f"ArcGIS error {body['error'].get('code')}: {body['error'].get('message')}")
        return body

    return _with_retries(label, url, attempt)


def download_feature_service(
    service: str,
    dest: Path,
    *,
    fmt: Literal["geojson", "csv"],
    label: str,
    layer: int = 0,
    expected_rows: int | None = None,
    base_url: str | None = None,
) -> Path:
    """Download every feature of a FeatureServer layer or table, paging by offset.

    The layer's ``/query`` is asked for its count (``returnCountOnly=true``), then for pages
    by offset: ``resultOffset`` (the number of features received so far) and
    ``resultRecordCount`` (``min(settings.page_size, maxRecordCount)``), with
    ``orderByFields=<object-id field> ASC`` so that consecutive pages neither overlap nor skip.
    The offset advances by the number of features actually received (a server may return
    fewer than asked), while the server says ``exceededTransferLimit`` or fewer features than
    its count have arrived. The total must equal the layer's count (and ``expected_rows``
    when given) with no repeated object ids, or the download fails.

    Parameters
    ----------
    service : str
        Service name, e.g. ``"LAD24_RGN24_EN_LU"``.
    dest : Path
        Output file: a GeoJSON FeatureCollection (``fmt="geojson"``) or a CSV (``fmt="csv"``)
        with the layer's fields in order, less the object id.
    fmt : {"geojson", "csv"}
        Output format (``"csv"`` for lookup tables).
    label : str
        The product id, used in messages.
    layer : int
        The layer number within the service.
    expected_rows : int or None
        Rows the catalogue declares; a different count fails.
    base_url : str or None
        Base of the REST services (default ``geo.settings.arcgis_base``).

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    DownloadError
        When the service fails after the retries, pages repeat an object id, or the features
        received differ from the layer's count or ``expected_rows``; ``dest`` is not written.

    Examples
    --------
    A one-page layer imitated by two static JSON files served on this machine (the
    layer's metadata, and a ``/query`` answer holding both the count and the features):

    >>> import functools, json, pathlib, tempfile, threading
    >>> from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
    >>> class Quiet(SimpleHTTPRequestHandler):
    ...     def log_message(self, *args): pass
    >>> site = pathlib.Path(tempfile.mkdtemp())
    >>> layer = site / "LAD24_RGN24_EN_LU" / "FeatureServer" / "0"
    >>> (layer / "query").mkdir(parents=True)
    >>> fields = [{"name": "FID"}, {"name": "LAD24CD"}, {"name": "RGN24CD"}]
    >>> _ = (layer / "index.html").write_text(json.dumps({"objectIdField": "FID", "fields": fields}))
    >>> rows = [{"FID": 2, "LAD24CD": "E06000017", "RGN24CD": "E12000004"},
    ...         {"FID": 1, "LAD24CD": "E06000047", "RGN24CD": "E12000001"}]
    >>> features = [{"type": "Feature", "properties": row, "geometry": None} for row in rows]
    >>> _ = (layer / "query" / "index.html").write_text(json.dumps({"count": 2, "features": features}))
    >>> server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    >>> threading.Thread(target=server.serve_forever, daemon=True).start()
    >>> base = f"http://127.0.0.1:{server.server_port}/"
    >>> out = download_feature_service("LAD24_RGN24_EN_LU", site / "lad24_rgn24.csv", fmt="csv",
    ...                                label="lad24_rgn24", expected_rows=2, base_url=base)
    >>> print(out.read_text())  # in object-id order, without the object id
    "LAD24CD","RGN24CD"
    "E06000047","E12000001"
    "E06000017","E12000004"
    >>> download_feature_service("LAD24_RGN24_EN_LU", site / "all.csv", fmt="csv",
    ...                          label="lad24_rgn24", expected_rows=296, base_url=base)
    Traceback (most recent call last):
    ...
    geo.errors.DownloadError: lad24_rgn24: http://127.0.0.1:.../LAD24_RGN24_EN_LU/FeatureServer/0 delivered 2 features; the layer reports 2 and the catalogue expects 296. ...
    >>> server.shutdown(); server.server_close()
    """
    url = f"{base_url or settings.arcgis_base}{service}/FeatureServer/{layer}"
    session = _session()
    meta = _get_json(session, url, {"f": "json"}, label)
    fields = [f["name"] for f in meta.get("fields", [])]
    oid = meta.get("objectIdField") or next(
        (f["name"] for f in meta.get("fields", []) if f.get("type") == "esriFieldTypeOID"), "FID"
    )
    page = max(1, min(settings.page_size, int(meta.get("maxRecordCount") or settings.page_size)))
    count = int(_get_json(session, f"{url}/query", {"where": "1=1", "returnCountOnly": "true", "f": "json"}, label)["count"])
    features: list[dict[str, Any]] = []
    seen: set[Any] = set()
    with tqdm(total=count, unit="features", desc=label, disable=not _show_progress()) as bar:
        while True:
            params = {"where": "1=1", "outFields": "*", "orderByFields": f"{oid} ASC", "resultOffset": len(features),
                      "resultRecordCount": page, "outSR": 4326, "f": "geojson"}
            body = _get_json(session, f"{url}/query", params, label)
            batch = body.get("features", [])
            for feature in batch:
                props = feature.get("properties") or {}
                ident = props.get(oid, feature.get("id"))
                if ident in seen:
                    raise DownloadError(f"{label}: {url} returned object id {ident} twice; the paging is inconsistent")
                seen.add(ident)
            features.extend(batch)
            bar.update(len(batch))
            more = body.get("exceededTransferLimit") or (body.get("properties") or {}).get("exceededTransferLimit")
            if not batch or (not more and len(features) >= count) or (not more and len(batch) < page):
                break
    if len(features) != count or (expected_rows is not None and count != expected_rows):
        raise DownloadError(
            f"{label}: {url} delivered {len(features):,} features; the layer reports {count:,}"
            + (f" and the catalogue expects {expected_rows:,}" if expected_rows is not None else "")
            + ". The result set was truncated or the layer has changed; nothing was written."
        )
    features.sort(key=lambda f: (f.get("properties") or {}).get(oid, f.get("id")) or 0)
    _write(dest, features, fmt=fmt, name=service, oid=oid, fields=fields)
    log.info("downloaded %d features of %s", len(features), service)
    return dest


def _write(dest: Path, features: list[dict[str, Any]], *, fmt: str, name: str, oid: str, fields: list[str]) -> None:
    def clean(props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k != oid and k not in _SKIP_FIELDS}

    if fmt == "geojson":
        collection = {
            "type": "FeatureCollection",
            "name": name,
            "features": [{"type": "Feature", "properties": clean(f.get("properties") or {}), "geometry": f.get("geometry")} for f in features],
        }
        with atomic_open(dest, "w") as out:
            json.dump(collection, out)
        return
    columns = [c for c in fields if c != oid and c not in _SKIP_FIELDS] or list(clean(features[0].get("properties") or {})) if features else []
    with atomic_open(dest, "w") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
        writer.writerow(columns)
        for feature in features:
            props = feature.get("properties") or {}
            writer.writerow(["" if props.get(c) is None else props.get(c) for c in columns])
