# A streaming generator: POST /api/generate {"input", "max_tokens"} answers application/x-ndjson, one
# {"text": ..., "done": false} line per token and {"done": true} at the end.
# Guarded unless ZOO_FORM=open: X-API-Key before every request.
import json
import os

from flask import Flask, Response, jsonify, request, stream_with_context

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
bad_attempts = FailedKeyThrottle()


@app.before_request
def api_key_required():
    if OPEN:
        return None
    retry = bad_attempts.retry_after(request.remote_addr)
    if retry is not None:
        return jsonify(error="too many requests"), 429, {"Retry-After": str(retry)}
    key = request.headers.get("X-API-Key")
    if key is None:
        return jsonify(error="missing api key"), 401
    if not keys_equal(key, API_KEY):
        bad_attempts.failed(request.remote_addr)
        return jsonify(error="invalid api key"), 401
    return None


@app.post("/api/generate")
def generate():
    body = request.get_json(silent=True) or {}
    text = body.get("input")
    if not isinstance(text, str) or not text.strip():
        return jsonify(error="input is required"), 422
    max_tokens = body.get("max_tokens", 256)
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return jsonify(error="max_tokens must be a positive integer"), 422

    def lines():
        for token in zoo_model.stream(text, max_tokens):
            yield json.dumps({"text": token, "done": False}) + "\n"
        yield json.dumps({"done": True}) + "\n"

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")
