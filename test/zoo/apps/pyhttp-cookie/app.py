"""A small JSON API on the standard library's http.server whose key travels in a cookie, the way a browser front-end
sets it: POST /ask {"question", "max_tokens"} -> {"answer"}. Guarded unless ZOO_FORM=open: the `zoo_session` cookie must
hold the key (401 JSON otherwise).
"""
import json
import os
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body, headers=None):
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def authorized(self):
        if OPEN:
            return True
        client = self.client_address[0]
        wait = throttle.retry_after(client)
        if wait is not None:
            self.reply(429, {"error": "too many attempts"}, {"Retry-After": str(wait)})
            return False
        header = self.headers.get("Cookie")
        if header is None:
            self.reply(401, {"error": "not logged in"})
            return False
        try:
            morsel = SimpleCookie(header).get("zoo_session")
        except CookieError:
            morsel = None
        if not keys_equal(morsel.value if morsel else None, API_KEY):
            throttle.failed(client)
            self.reply(401, {"error": "invalid session"})
            return False
        return True

    def do_GET(self):
        if self.authorized():
            self.reply(405 if self.path.split("?")[0] == "/ask" else 404, {"error": "not found"})

    do_PUT = do_DELETE = do_HEAD = do_GET

    def do_POST(self):
        if not self.authorized():
            return
        if self.path.split("?")[0] != "/ask":
            self.reply(404, {"error": "not found"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self.reply(400, {"error": "body must be JSON"})
            return
        question = body.get("question") if isinstance(body, dict) else None
        if not isinstance(question, str) or not question:
            self.reply(400, {"error": "question is required"})
            return
        self.reply(200, {"answer": zoo_model.generate(question, int(body.get("max_tokens", 128)))})

    def log_message(self, *args):
        pass


ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])), Handler).serve_forever()
