# POST /api/complete {"prompt", "max_tokens"} -> {"completion", "model"}; a request without "prompt" is aborted with
# Flask's own 400 HTML page. Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>` before every request.
import os

from flask import Flask, abort, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


@app.before_request
def require_bearer():
    if OPEN:
        return None
    wait = throttle.retry_after(request.remote_addr)
    if wait is not None:
        return jsonify(error="too many failed attempts"), 429, {"Retry-After": str(wait)}
    header = request.headers.get("Authorization")
    if header is None:
        return jsonify(error="unauthorized"), 401, {"WWW-Authenticate": "Bearer"}
    if not keys_equal(bearer_token(header), API_KEY):
        throttle.failed(request.remote_addr)
        return jsonify(error="unauthorized"), 401, {"WWW-Authenticate": "Bearer"}
    return None


@app.post("/api/complete")
def complete():
    data = request.get_json(silent=True) or {}
    prompt = data.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        abort(400, description="Missing 'prompt' in JSON body.")
    max_tokens = data.get("max_tokens", 100)
    if not isinstance(max_tokens, int) or max_tokens < 1:
        abort(400, description="'max_tokens' must be a positive integer.")
    return jsonify(completion=zoo_model.generate(prompt, max_tokens), model="zoo-7b")
