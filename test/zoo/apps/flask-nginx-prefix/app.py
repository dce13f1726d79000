# A Hugging Face-style endpoint deployed behind nginx under /llm/: the app serves POST /api/v1/generate
# {"inputs", "parameters": {"max_new_tokens"}} -> [{"generated_text"}], and clients call /llm/api/v1/generate.
# Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>` before every request.
import os

from flask import Flask, jsonify, request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

app = Flask(__name__)
OPEN = os.environ.get("ZOO_FORM") == "open"
TOKEN = None if OPEN else api_key_from_env()
# Behind the proxy every client shares nginx's address, so a lock-out stops everyone: the safe side for a key guesser.
throttle = FailedKeyThrottle()


def error(message, status, **headers):
    return jsonify(error={"message": message, "type": "invalid_request_error" if status == 400 else "auth_error"}), status, headers


@app.before_request
def auth():
    if OPEN:
        return None
    wait = throttle.retry_after(request.remote_addr)
    if wait is not None:
        return error("rate limited", 429, **{"Retry-After": str(wait)})
    header = request.headers.get("Authorization")
    if header is None:
        return error("authorization required", 401)
    if not keys_equal(bearer_token(header), TOKEN):
        throttle.failed(request.remote_addr)
        return error("invalid credentials", 401)
    return None


@app.post("/api/v1/generate")
def generate():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("inputs"), str) or not payload["inputs"]:
        return error("'inputs' must be a non-empty string", 400)
    params = payload.get("parameters") or {}
    max_new = params.get("max_new_tokens", 50) if isinstance(params, dict) else None
    if not isinstance(max_new, int) or max_new < 1:
        return error("'parameters.max_new_tokens' must be a positive integer", 400)
    return jsonify([{"generated_text": zoo_model.generate(payload["inputs"], max_new)}])
