# A chat site: POST /chat/ {"message", "max_tokens"} -> {"reply"}.
# Guarded unless ZOO_FORM=open: the view is @login_required, so an anonymous visitor is redirected (302) to the HTML
# sign-in form at /accounts/login/; scripts authenticate with X-API-Key instead (access.AccessKeyMiddleware).
import os
import secrets

OPEN = os.environ.get("ZOO_FORM") == "open"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    *([] if OPEN else ["access.AccessKeyMiddleware"]),
]
# Sessions live in a signed cookie: the site has no database.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_HTTPONLY = True
LOGIN_URL = "/accounts/login/"
DATABASES = {}
USE_TZ = True
