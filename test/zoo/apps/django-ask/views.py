import json

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

import zoo_model


@csrf_exempt
@require_POST
def ask(request):
    try:
        payload = json.loads(request.body or b"{}")
    except json.JSONDecodeError:
        return JsonResponse({"error": "body must be JSON"}, status=400)
    question = payload.get("question") if isinstance(payload, dict) else None
    if not isinstance(question, str) or not question.strip():
        return JsonResponse({"error": "question is required"}, status=400)
    max_tokens = payload.get("max_tokens", 200)
    if not isinstance(max_tokens, int) or max_tokens < 1:
        return JsonResponse({"error": "max_tokens must be a positive integer"}, status=400)
    return JsonResponse({"answer": zoo_model.generate(question, max_tokens)})
