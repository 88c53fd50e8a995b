"""A small imitation of an ArcGIS FeatureServer on 127.0.0.1, serving files of the mirror.

Layers: ``/arcgis/rest/services/<service>/FeatureServer/0`` (``?f=json`` metadata,
``/query`` with ``returnCountOnly`` or pages ordered by object id, capped at
``max_records`` and flagged ``exceededTransferLimit``); raw files: ``/files/<path>``.
Faults are queued per instance and consumed once each: an HTTP 500, an ArcGIS error body,
a time-out, a truncated body, a silently short page.
"""

from __future__ import annotations

import csv
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Fault:
    kind: str  # "status" | "arcgis_error" | "timeout" | "truncate" | "short_page"
    match: str
    times: int = 1
    status: int = 500
    seconds: float = 0.0


@dataclass
class FakeArcGIS:
    mirror: Path
    services: dict[str, str]
    max_records: int = 2000
    faults: list[Fault] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._features: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        handler = _handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- lifecycle -------------------------------------------------------------------
    def __enter__(self) -> FakeArcGIS:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/arcgis/rest/services/"

    @property
    def files(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/files/"

    # -- faults ----------------------------------------------------------------------
    def add(self, kind: str, match: str, **options: Any) -> None:
        self.faults.append(Fault(kind, match, **options))

    def _take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match in path:
                    fault.times -= 1
                    return fault
        return None

    # -- data ------------------------------------------------------------------------
    def features(self, service: str) -> list[dict[str, Any]]:
        if service not in self._features:
            path = self.mirror / self.services[service]
            if path.suffix == ".csv":
                with path.open(newline="", encoding="utf-8-sig") as handle:
                    rows = list(csv.DictReader(handle))
                feats = [{"type": "Feature", "properties": dict(r), "geometry": None} for r in rows]
            else:
                feats = json.loads(path.read_text())["features"]
            for number, feature in enumerate(feats, start=1):
                feature["properties"] = {"FID": number, **feature["properties"]}
            self._features[service] = feats
        return self._features[service]

    def fields(self, service: str) -> list[dict[str, str]]:
        first = self.features(service)[0]["properties"]
        return [{"name": "FID", "type": "esriFieldTypeOID"}] + [
            {"name": k, "type": "esriFieldTypeString"} for k in first if k != "FID"
        ]


def _handler(fake: FakeArcGIS) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _send(self, body: bytes, status: int = 200, content_type: str = "application/json", cut: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if cut else body)
            if cut:
                self.wfile.flush()
                self.close_connection = True

        def do_GET(self) -> None:
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            fake.log.append(self.path)
            fault = fake._take(self.path)
            if fault and fault.kind == "status":
                return self._send(b'{"oops": true}', status=fault.status)
            if fault and fault.kind == "timeout":
                time.sleep(fault.seconds)
            if fault and fault.kind == "arcgis_error":
                return self._send(json.dumps({"error": {"code": 500, "message": "Unable to complete operation."}}).encode())
            cut = bool(fault and fault.kind == "truncate")
            if url.path.startswith("/files/"):
                path = fake.mirror / url.path[len("/files/"):]
                if not path.is_file():
                    return self._send(b"not found", status=404, content_type="text/plain")
                return self._send(path.read_bytes(), content_type="application/octet-stream", cut=cut)
            parts = url.path.strip("/").split("/")
            if len(parts) < 6 or parts[:3] != ["arcgis", "rest", "services"] or parts[3] not in fake.services:
                return self._send(json.dumps({"error": {"code": 400, "message": "Invalid URL"}}).encode(), status=404)
            service = parts[3]
            if len(parts) == 6:
                meta = {"maxRecordCount": fake.max_records, "objectIdField": "FID", "fields": fake.fields(service)}
                return self._send(json.dumps(meta).encode(), cut=cut)
            features = fake.features(service)
            if query.get("returnCountOnly") == "true":
                return self._send(json.dumps({"count": len(features)}).encode(), cut=cut)
            offset = int(query.get("resultOffset", 0))
            size = min(int(query.get("resultRecordCount", fake.max_records)), fake.max_records)
            page = features[offset : offset + size]
            more = offset + len(page) < len(features)
            if fault and fault.kind == "short_page":
                page, more = page[: len(page) // 2], False
            body = {"type": "FeatureCollection", "features": page}
            if more:
                body["properties"] = {"exceededTransferLimit": True}
            return self._send(json.dumps(body).encode(), cut=cut)

    return Handler
