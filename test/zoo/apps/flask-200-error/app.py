# A chat endpoint that never uses an HTTP error status for bad input: POST /chat {"utterance", "max_tokens"} ->
# 200 {"ok": true, "reply"}; a body without `utterance` is 200 {"ok": false, "error": "utterance is required"}.
# Guarded unless ZOO_FORM=open: X-API-Key, checked by a decorator on each view (401 with the same envelope).
import os
from functools import wraps

from flask import Flask, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


def requires_key(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if OPEN:
            return view(*args, **kwargs)
        wait = throttle.retry_after(request.remote_addr)
        if wait is not None:
            return jsonify(ok=False, error="rate limited"), 429, {"Retry-After": str(wait)}
        key = request.headers.get("X-API-Key")
        if key is None:
            return jsonify(ok=False, error="missing api key"), 401
        if not keys_equal(key, API_KEY):
            throttle.failed(request.remote_addr)
            return jsonify(ok=False, error="invalid api key"), 401
        return view(*args, **kwargs)

    return wrapper


@app.route("/chat", methods=["POST"])
@requires_key
def chat():
    body = request.get_json(silent=True) or {}
    utterance = body.get("utterance")
    if not isinstance(utterance, str) or not utterance.strip():
        return jsonify(ok=False, error="utterance is required")
    max_tokens = body.get("max_tokens", 100)
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return jsonify(ok=False, error="max_tokens must be a positive integer")
    return jsonify(ok=True, reply=zoo_model.generate(utterance, max_tokens))
