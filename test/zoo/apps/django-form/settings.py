# A form-encoded generation endpoint: POST /generate/ with prompt=...&max_length=... -> {"generated_text"}; invalid
# input -> 400 {"errors": {"prompt": [{"message": "This field is required.", "code": "required"}]}} (a Django Form).
# Guarded unless ZOO_FORM=open: bearer.BearerTokenMiddleware on every request.
import os
import secrets

OPEN = os.environ.get("ZOO_FORM") == "open"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    *([] if OPEN else ["bearer.BearerTokenMiddleware"]),
]
DATABASES = {}
USE_TZ = True
