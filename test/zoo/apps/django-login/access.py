from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.http import JsonResponse

from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

ACCESS_KEY = None if settings.OPEN else api_key_from_env()
# One lock-out for both ways in: the X-API-Key header and the sign-in form.
throttle = FailedKeyThrottle()
SIGNED_IN = "zoo_signed_in"


def client_of(request):
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request):
    wait = throttle.retry_after(client_of(request))
    if wait is None:
        return None
    response = JsonResponse({"error": "too many failed attempts"}, status=429)
    response["Retry-After"] = str(wait)
    return response


class AccessKeyMiddleware:
    """Sets request.user from X-API-Key (scripts) or the signed-in session (people); anyone else stays anonymous and
    meets @login_required's redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        blocked = locked_out(request)
        if blocked:
            return blocked
        key = request.headers.get("X-API-Key")
        if key is not None:
            if not keys_equal(key, ACCESS_KEY):
                throttle.failed(client_of(request))
                return JsonResponse({"error": "invalid API key"}, status=401)
            request.user = User(username="api-client")
        elif request.session.get(SIGNED_IN):
            request.user = User(username="web-user")
        else:
            request.user = AnonymousUser()
        return self.get_response(request)
