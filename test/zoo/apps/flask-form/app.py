# A form-encoded predictor: POST /predict with application/x-www-form-urlencoded `prompt=...&max_length=...`
# -> {"result"}. A missing prompt -> 400 {"error": "prompt is required"}.
# Guarded unless ZOO_FORM=open: X-API-Key before every request.
import os

from flask import Flask, g, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
limiter = FailedKeyThrottle()


@app.before_request
def check_key():
    if OPEN:
        return None
    wait = limiter.retry_after(request.remote_addr)
    if wait is not None:
        return {"error": "too many requests"}, 429, {"Retry-After": str(wait)}
    supplied = request.headers.get("X-API-Key")
    if supplied is None:
        return {"error": "missing X-API-Key"}, 401
    if not keys_equal(supplied, API_KEY):
        limiter.failed(request.remote_addr)
        return {"error": "bad X-API-Key"}, 403
    g.client = "keyed"
    return None


@app.route("/predict", methods=["POST"])
def predict():
    prompt = request.form.get("prompt", "")
    if not prompt:
        return jsonify(error="prompt is required"), 400
    max_length = request.form.get("max_length", "80")
    if not max_length.isdigit() or int(max_length) < 1:
        return jsonify(error="max_length must be a positive integer"), 400
    return jsonify(result=zoo_model.generate(prompt, int(max_length)))
