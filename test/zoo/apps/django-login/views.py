import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

import zoo_model
from access import ACCESS_KEY, SIGNED_IN, client_of, keys_equal, locked_out, throttle


def maybe_login_required(view):
    return view if settings.OPEN else login_required(view)


@csrf_exempt  # an API for scripts; browsers reach it with a SameSite=Lax session cookie only
@require_POST
@maybe_login_required
def chat(request):
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "invalid JSON"}, status=400)
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message:
        return JsonResponse({"error": "message is required"}, status=400)
    max_tokens = body.get("max_tokens", 200)
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return JsonResponse({"error": "max_tokens must be a positive integer"}, status=400)
    return JsonResponse({"reply": zoo_model.generate(message, max_tokens)})


def login_page(request, error=""):
    return format_html(
        '<!doctype html><title>Sign in</title><h1>Sign in</h1>{}'
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<label>Access key <input type="password" name="access_key"></label> <button>Sign in</button></form>',
        format_html('<p class="error">{}</p>', error) if error else "",
        get_token(request),
        request.GET.get("next", request.POST.get("next", "/chat/")),
    )


@require_http_methods(["GET", "POST"])
def sign_in(request):
    if settings.OPEN:
        return redirect("/chat/")
    if request.method == "POST":
        blocked = locked_out(request)
        if blocked:
            return blocked
        if keys_equal(request.POST.get("access_key", ""), ACCESS_KEY):
            request.session.cycle_key()
            request.session[SIGNED_IN] = True
            target = request.POST.get("next", "/chat/")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/chat/"
            return redirect(target)
        throttle.failed(client_of(request))
        return HttpResponse(login_page(request, "Wrong access key."), status=401)
    return HttpResponse(login_page(request))
