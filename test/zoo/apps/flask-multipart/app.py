# A prompt submitted as multipart/form-data (the way an HTML form with a file input, or `curl -F`, sends it):
# POST /generate (multipart: prompt, max_tokens, optional file) -> {"output"}. Anything else is a 415 that says so.
# Guarded unless ZOO_FORM=open: X-API-Key in before_request; without it Flask's own abort(401) HTML page.
import os

from flask import Flask, abort, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


@app.before_request
def guard():
    if OPEN:
        return None
    wait = throttle.retry_after(request.remote_addr)
    if wait is not None:
        return "Too Many Requests", 429, {"Retry-After": str(wait)}
    key = request.headers.get("X-API-Key")
    if key is None:
        abort(401)
    if not keys_equal(key, API_KEY):
        throttle.failed(request.remote_addr)
        abort(401)
    return None


@app.route("/generate", methods=["POST"])
def generate():
    if request.mimetype != "multipart/form-data":
        return jsonify(error="Content-Type must be multipart/form-data"), 415
    prompt = request.form.get("prompt", "").strip()
    if not prompt:
        return jsonify(error="prompt is required"), 400
    max_tokens = request.form.get("max_tokens", 64, type=int)
    if max_tokens is None or max_tokens < 1:
        return jsonify(error="max_tokens must be a positive integer"), 400
    context = request.files.get("file")
    if context is not None:
        prompt = f"{context.read().decode('utf-8', 'replace')}\n\n{prompt}"
    return jsonify(output=zoo_model.generate(prompt, max_tokens))
