"""A Vertex-AI-style prediction route on the standard library's http.server:
POST /v1/models/zoo:predict {"instances": [{"prompt"}], "parameters": {"maxOutputTokens"}} -> {"predictions": [text]}.
Errors come from send_error (its HTML page). Guarded unless ZOO_FORM=open: X-API-Key, checked first in every handler.
"""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()
ROUTE = "/v1/models/zoo:predict"


class Handler(BaseHTTPRequestHandler):
    def authorized(self):
        if OPEN:
            return True
        client = self.client_address[0]
        wait = throttle.retry_after(client)
        if wait is not None:
            self.send_response(429)
            self.send_header("Retry-After", str(wait))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        key = self.headers.get("X-API-Key")
        if key is None:
            self.send_error(401, "API key required")
            return False
        if not keys_equal(key, API_KEY):
            throttle.failed(client)
            self.send_error(401, "Invalid API key")
            return False
        return True

    def do_GET(self):
        if self.authorized():
            self.send_error(404 if self.path.split("?")[0] != ROUTE else 405)

    do_PUT = do_DELETE = do_HEAD = do_GET

    def do_POST(self):
        if not self.authorized():
            return
        if self.path.split("?")[0] != ROUTE:
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            instance = body["instances"][0]
            prompt = instance["prompt"]
            limit = int(body.get("parameters", {}).get("maxOutputTokens", 256))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            self.send_error(400, "Invalid request")
            return
        payload = json.dumps({"predictions": [zoo_model.generate(prompt, limit)], "deployedModelId": "zoo"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])), Handler).serve_forever()
