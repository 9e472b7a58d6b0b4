"""A local stand-in for the national sources (Kolada, SCB, Brå), which the test machines cannot reach.

It serves the response files in ``tests/municipalities/sources/`` as the sources' documented APIs
answer: ``/<scenario>/v2/data/kpi/...?page=N`` is ``kolada/<scenario>/pageN.json`` and
``/<scenario>/v2/kpi/<id>`` is ``kolada/kpi_<id>.json``; ``{base}`` in a file becomes the server's own
address for the scenario (Kolada's ``next_page`` is an absolute URL). Scenarios that are not files:
``fail`` answers page 2 with a 500, ``slow`` waits longer than the importer waits.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FILES = Path(__file__).resolve().parent / "municipalities" / "sources"
SLOW_SECONDS = 3


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        self.server.requests.append(self.path)
        parts = url.path.strip("/").split("/")
        scenario, rest = parts[0], parts[2:]  # <scenario>/v2/...
        page = int(urllib.parse.parse_qs(url.query).get("page", ["1"])[0])
        if scenario == "slow":
            time.sleep(SLOW_SECONDS)
        if scenario == "fail" and page == 2:
            return self._send(500, b"<h1>Internal Server Error</h1>", "text/html")
        if rest[:1] == ["kpi"]:
            path = FILES / "kolada" / f"kpi_{rest[1]}.json"
        else:
            path = FILES / "kolada" / scenario / f"page{page}.json"
        if not path.is_file():
            return self._send(404, b'{"error": "Not found"}', "application/json")
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}/{scenario}/v2"
        return self._send(200, path.read_bytes().replace(b"{base}", base.encode()), "application/json")

    def _send(self, status: int, body: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SourceServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SourceServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def kolada(self, scenario: str) -> str:
        """The base URL (``KOLADA_BASE_URL``) of a scenario."""
        host, port = self.httpd.server_address
        return f"http://{host}:{port}/{scenario}/v2"

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests
