# A Flask blueprint mounted with url_prefix="/api/v1/llm": POST /api/v1/llm/generate {"prompt", "max_tokens"} ->
# {"choices": [{"text", "index"}]}. The README of such a project gives the blueprint's base, /api/v1/llm, as "the API
# URL": nothing is routed there itself. Guarded unless ZOO_FORM=open: Bearer token in the blueprint's before_request.
import os

from flask import Blueprint, Flask, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()

llm = Blueprint("llm", __name__, url_prefix="/api/v1/llm")


@llm.before_request
def authenticate():
    if OPEN:
        return None
    wait = throttle.retry_after(request.remote_addr)
    if wait is not None:
        return jsonify(message="Too many failed attempts"), 429, {"Retry-After": str(wait)}
    header = request.headers.get("Authorization")
    if header is None:
        return jsonify(message="Authorization header is missing"), 401
    if not keys_equal(bearer_token(header), API_KEY):
        throttle.failed(request.remote_addr)
        return jsonify(message="Invalid token"), 401
    return None


@llm.post("/generate")
def generate():
    body = request.get_json(silent=True) or {}
    prompt = body.get("prompt")
    if not prompt:
        return jsonify(message="prompt is required"), 400
    text = zoo_model.generate(prompt, int(body.get("max_tokens", 128)))
    return jsonify(choices=[{"text": text, "index": 0}])


app = Flask(__name__)
app.register_blueprint(llm)
