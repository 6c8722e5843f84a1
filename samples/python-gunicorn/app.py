"""A WSGI status endpoint: which server and worker run it, and the versions of its installed distributions."""
import importlib.metadata
import json
import sys


def application(environ, start_response):
    status = {
        "server": environ.get("SERVER_SOFTWARE"),
        "gunicorn": importlib.metadata.version("gunicorn"),
        "workers": sorted(name for name in sys.modules if name.startswith("gunicorn.workers.")),
        "path": environ.get("PATH_INFO"),
    }
    body = (json.dumps(status, sort_keys=True) + "\n").encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
