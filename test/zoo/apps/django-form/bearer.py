from django.http import JsonResponse

from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal


def unauthorized(error):
    response = JsonResponse({"detail": "Authentication credentials were not provided." if error is None else error}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


class BearerTokenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.token = api_key_from_env()
        self.throttle = FailedKeyThrottle()

    def __call__(self, request):
        addr = request.META.get("REMOTE_ADDR", "")
        retry = self.throttle.retry_after(addr)
        if retry is not None:
            response = JsonResponse({"detail": "Request was throttled."}, status=429)
            response["Retry-After"] = str(retry)
            return response
        header = request.headers.get("Authorization")
        if header is None:
            return unauthorized(None)
        if not keys_equal(bearer_token(header), self.token):
            self.throttle.failed(addr)
            return unauthorized("Invalid token.")
        return self.get_response(request)
