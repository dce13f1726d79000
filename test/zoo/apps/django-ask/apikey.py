from django.http import JsonResponse

from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal


class ApiKeyMiddleware:
    """Runs for every request before URL resolution: no view, method or path is reachable without the key."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.api_key = api_key_from_env()
        self.throttle = FailedKeyThrottle()

    def __call__(self, request):
        client = request.META.get("REMOTE_ADDR", "")
        wait = self.throttle.retry_after(client)
        if wait is not None:
            response = JsonResponse({"error": "too many failed attempts"}, status=429)
            response["Retry-After"] = str(wait)
            return response
        key = request.headers.get("X-API-Key")
        if key is None:
            return JsonResponse({"error": "authentication required"}, status=401)
        if not keys_equal(key, self.api_key):
            self.throttle.failed(client)
            return JsonResponse({"error": "invalid API key"}, status=403)
        return self.get_response(request)
