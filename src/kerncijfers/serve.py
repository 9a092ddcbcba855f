"""Serve the report site on this machine as a web server serves it to readers.

Quarto's pages load their scripts as ES modules, which browsers refuse from `file://`, so
the site is read over HTTP. Text (HTML, CSS, JavaScript, SVG, JSON, CSV) is sent gzip-
compressed when the browser asks for it, as any production web server sends it: what a
reader's browser transfers is what the page-weight test measures (docs/performance.md).
Only the standard library: `kerncijfers serve` and the browser tests use this one server.
"""

from __future__ import annotations

import functools
import gzip
import io
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: File types sent compressed; images and fonts are compressed already.
COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".csv", ".md", ".txt")


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from the site folder; text gzip-compressed when the browser accepts it."""

    quiet = True

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = _gzipped(str(path), path.stat().st_mtime_ns)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002 - the name http.server gives it
        if not self.quiet:
            super().log_message(format, *args)

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went on to the next page before this response was read


@functools.lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    """The file compressed once per version (no timestamp in the stream)."""
    return gzip.compress(Path(path).read_bytes(), mtime=0)


def make_server(site: Path, host: str = "127.0.0.1", port: int = 0, *, quiet: bool = True) -> ThreadingHTTPServer:
    """A server for `site` (port 0: a free one); call serve_forever() or use `serve_in_background`."""
    handler = type("Handler", (SiteHandler,), {"quiet": quiet})
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(site)))


class serve_in_background:
    """`with serve_in_background(site) as base:` the site at `base` (http://127.0.0.1:<port>/)."""

    def __init__(self, site: Path):
        self.server = make_server(site)

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
