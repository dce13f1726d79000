# A Gradio-style prediction API: POST /api/predict {"data": [prompt, max_new_tokens], "fn_index": 0} ->
# {"data": [text], "is_generating": false, "duration"}. The handler unpacks `data` directly, so a body without it is a
# KeyError: Flask's bare 500 page, which names nothing. Guarded unless ZOO_FORM=open: Bearer token, in before_request.
import os
import time

from flask import Flask, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


@app.before_request
def check_token():
    if OPEN:
        return None
    wait = throttle.retry_after(request.remote_addr)
    if wait is not None:
        return jsonify(error="Too many failed attempts"), 429, {"Retry-After": str(wait)}
    header = request.headers.get("Authorization")
    if header is None:
        return jsonify(error="Not authenticated"), 401
    if not keys_equal(bearer_token(header), API_KEY):
        throttle.failed(request.remote_addr)
        return jsonify(error="Invalid token"), 401
    return None


@app.route("/api/predict", methods=["POST"])
def predict():
    started = time.time()
    prompt, max_new_tokens = request.get_json(force=True)["data"]
    text = zoo_model.generate(prompt, int(max_new_tokens))
    return jsonify(data=[text], is_generating=False, duration=round(time.time() - started, 3), average_duration=None)


@app.route("/config")
def config():
    return jsonify(version="3.50.2", mode="interface", components=[{"id": 1, "type": "textbox"}, {"id": 2, "type": "slider"}])
