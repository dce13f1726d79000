# POST /generate {"text", "max_words"} answers the generated text as text/plain.
# A request without "text" -> 400 {"message": "text is required"}.
# Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>` before every request.
import os

from flask import Flask, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


@app.before_request
def guard():
    if OPEN:
        return None
    ip = request.remote_addr
    seconds = throttle.retry_after(ip)
    if seconds is not None:
        return {"message": "too many failed attempts"}, 429, {"Retry-After": str(seconds)}
    auth = request.headers.get("Authorization")
    if auth is None:
        return {"message": "missing bearer token"}, 401, {"WWW-Authenticate": "Bearer"}
    if not keys_equal(bearer_token(auth), API_KEY):
        throttle.failed(ip)
        return {"message": "invalid bearer token"}, 401, {"WWW-Authenticate": "Bearer"}
    return None


@app.route("/generate", methods=["POST"])
def generate():
    body = request.get_json(force=True, silent=True) or {}
    if "text" not in body or not str(body["text"]).strip():
        return {"message": "text is required"}, 400
    max_words = body.get("max_words", 60)
    if not isinstance(max_words, int) or max_words < 1:
        return {"message": "max_words must be a positive integer"}, 400
    return zoo_model.generate(str(body["text"]), max_words), 200, {"Content-Type": "text/plain; charset=utf-8"}
