# A chat app for people and scripts: POST /chat {"message", "max_tokens"} -> {"reply"}.
# Guarded unless ZOO_FORM=open: like Flask-Login's login_required, a visitor without a session is redirected (302) to
# the HTML login form at /login, where the access key opens a session; scripts send the key in X-API-Key instead.
# Wrong keys, in the header or the form, are throttled per address.
import os
import secrets
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, jsonify, redirect, render_template_string, request, session, url_for

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

app = Flask(__name__)
app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
app.secret_key = secrets.token_bytes(32)
OPEN = os.environ.get("ZOO_FORM") == "open"
ACCESS_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()

LOGIN_PAGE = """<!doctype html>
<title>Sign in</title>
<h1>Sign in</h1>
{% if error %}<p class="error">{{ error }}</p>{% endif %}
<form method="post">
  <input type="hidden" name="next" value="{{ next }}">
  <label>Access key <input type="password" name="access_key" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>
"""


def locked_out():
    wait = throttle.retry_after(request.remote_addr)
    if wait is None:
        return None
    return jsonify(error="too many failed sign-ins, try again later"), 429, {"Retry-After": str(wait)}


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if OPEN:
            return view(*args, **kwargs)
        blocked = locked_out()
        if blocked:
            return blocked
        key = request.headers.get("X-API-Key")
        if key is not None:
            if not keys_equal(key, ACCESS_KEY):
                throttle.failed(request.remote_addr)
                return jsonify(error="invalid API key"), 401
            return view(*args, **kwargs)
        if not session.get("signed_in"):
            return redirect(url_for("login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


def safe_next(target):
    parts = urlsplit(target or "")
    return target if target and not parts.scheme and not parts.netloc and target.startswith("/") else url_for("home")


@app.route("/login", methods=["GET", "POST"])
def login():
    if OPEN:
        return redirect(url_for("home"))
    blocked = locked_out()
    if blocked:
        return blocked
    next_url = request.values.get("next", "/")
    if request.method == "POST":
        if keys_equal(request.form.get("access_key", ""), ACCESS_KEY):
            session.clear()
            session["signed_in"] = True
            return redirect(safe_next(next_url), code=303)
        throttle.failed(request.remote_addr)
        return render_template_string(LOGIN_PAGE, error="Wrong access key.", next=next_url), 401
    return render_template_string(LOGIN_PAGE, error=None, next=next_url)


@app.get("/")
@login_required
def home():
    return "<!doctype html><title>Chat</title><p>POST your message to /chat.</p>"


@app.post("/chat")
@login_required
def chat():
    body = request.get_json(silent=True) or {}
    message = body.get("message")
    if not isinstance(message, str) or not message:
        return jsonify(error="message is required"), 400
    limit = body.get("max_tokens", 200)
    if not isinstance(limit, int) or limit < 1:
        return jsonify(error="max_tokens must be a positive integer"), 400
    return jsonify(reply=zoo_model.generate(message, limit))
