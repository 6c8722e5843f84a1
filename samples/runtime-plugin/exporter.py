"""An export service: GET /export?format=NAME serializes a record with the module NAME's `dumps`.

The serializer is a plugin chosen by each request, imported by name when it is first asked for; nothing in
this program or its configuration says which modules that will be.
"""
import importlib
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

RECORD = {"id": 42, "name": "scratch", "tags": ["small", "fast"]}


def serializer(name):
    if not name.isidentifier():
        raise LookupError(f"not a module name: {name!r}")
    module = importlib.import_module(name)
    if not callable(getattr(module, "dumps", None)):
        raise LookupError(f"{name} has no dumps()")
    return module.dumps


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        name = parse_qs(url.query).get("format", ["json"])[0]
        if url.path != "/export":
            return self.reply(404, "text/plain", b"not found\n")
        try:
            dumps = serializer(name)
        except (ImportError, LookupError) as error:
            return self.reply(400, "text/plain", f"{error}\n".encode())
        body = dumps(RECORD)
        self.reply(200, "application/octet-stream", body if isinstance(body, bytes) else body.encode())

    def reply(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8080"))), Handler).serve_forever()
