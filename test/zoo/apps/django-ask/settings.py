# A question-answering API in one Django project: POST /api/ask/ {"question", "max_tokens"} -> {"answer"}.
# Guarded unless ZOO_FORM=open: apikey.ApiKeyMiddleware wants X-API-Key on every request.
import os
import secrets

OPEN = os.environ.get("ZOO_FORM") == "open"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    *([] if OPEN else ["apikey.ApiKeyMiddleware"]),
]
DATABASES = {}
USE_TZ = True
