# A retrieval-augmented endpoint: POST /v1/query {"query", "limit"} -> {"data": {"text", "citations"}, "meta"}.
# Errors are {"status": "error", "message": ...}. Guarded unless ZOO_FORM=open: a decorator wants X-API-Key on each view.
import os
import time
from functools import wraps

from flask import Flask, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


def fail(message, status, headers=None):
    return jsonify(status="error", message=message), status, headers or {}


def api_key_required(f):
    @wraps(f)
    def decorated(*args, **kwargs):
        if OPEN:
            return f(*args, **kwargs)
        wait = throttle.retry_after(request.remote_addr)
        if wait is not None:
            return fail("rate limit exceeded", 429, {"Retry-After": str(wait)})
        key = request.headers.get("X-API-Key")
        if key is None:
            return fail("missing API key", 401)
        if not keys_equal(key, API_KEY):
            throttle.failed(request.remote_addr)
            return fail("invalid API key", 401)
        return f(*args, **kwargs)

    return decorated


@app.route("/v1/query", methods=["POST"])
@api_key_required
def query():
    started = time.perf_counter()
    data = request.get_json(silent=True) or {}
    q = data.get("query")
    if not q:
        return fail("missing field: query", 400)
    limit = data.get("limit", 120)
    if not isinstance(limit, int) or limit <= 0:
        return fail("limit must be a positive integer", 400)
    text = zoo_model.generate(q, limit)
    return jsonify(data={"text": text, "citations": []}, meta={"took_ms": round((time.perf_counter() - started) * 1000, 1)})


@app.route("/v1/health")
@api_key_required
def health():
    return jsonify(status="ok")
