# Ask over GET: GET /ask?q=...&n=... -> {"answer", "q"}. Missing q -> 400 {"error": "q is required"}.
# Guarded unless ZOO_FORM=open: a @require_api_key decorator (X-API-Key) on every view; Flask serves HEAD through the
# same view, so the decorator runs for it too.
import os
from functools import wraps

from flask import Flask, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
failed = FailedKeyThrottle()


def require_api_key(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not OPEN:
            wait = failed.retry_after(request.remote_addr)
            if wait is not None:
                resp = jsonify(error="locked out, retry later")
                resp.headers["Retry-After"] = str(wait)
                return resp, 429
            key = request.headers.get("X-API-Key")
            if key is None:
                return jsonify(error="API key required"), 401
            if not keys_equal(key, API_KEY):
                failed.failed(request.remote_addr)
                return jsonify(error="invalid API key"), 401
        return view(*args, **kwargs)

    return wrapper


@app.get("/ask")
@require_api_key
def ask():
    q = request.args.get("q", "").strip()
    if not q:
        return jsonify(error="q is required"), 400
    try:
        n = int(request.args.get("n", "40"))
    except ValueError:
        return jsonify(error="n must be an integer"), 400
    if n < 1:
        return jsonify(error="n must be at least 1"), 400
    return jsonify(answer=zoo_model.generate(q, n), q=q)


@app.get("/")
@require_api_key
def index():
    return jsonify(service="ask", usage="GET /ask?q=your+question")
