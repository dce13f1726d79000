"""The smallest wrapper there is, on the standard library's http.server: POST / with the prompt as the raw body ->
the reply as text/plain. There is no do_GET, so any GET is http.server's own 501 page. An empty body is a 400 page.
Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>`, checked before the body is read.
"""
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


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
        header = self.headers.get("Authorization")
        if header is None:
            self.send_error(401)
            return False
        if not keys_equal(bearer_token(header), API_KEY):
            throttle.failed(client)
            self.send_error(401)
            return False
        return True

    def do_POST(self):
        if not self.authorized():
            return
        if self.path.split("?")[0] != "/":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length") or 0)
        prompt = self.rfile.read(length).decode("utf-8", "replace").strip()
        if not prompt:
            self.send_error(400, "Empty prompt")
            return
        payload = zoo_model.generate(prompt, 16).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ["PORT"])), Handler).serve_forever()
