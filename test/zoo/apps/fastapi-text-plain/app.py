# Plain text in, plain text out: POST /predict with the prompt as a text/plain body, ?max_new_tokens=N in the query,
# answers text/plain. Guarded unless ZOO_FORM=open: a pure ASGI middleware wants `Authorization: Bearer <key>`.
import os

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()


class BearerGuard:
    """Checks every HTTP request before routing, so no route and no method can be reached without the token."""

    def __init__(self, app, key: str):
        self.app = app
        self.key = key
        self.throttle = FailedKeyThrottle()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        wait = self.throttle.retry_after(client)
        if wait is not None:
            response = PlainTextResponse("too many failed attempts\n", status_code=429, headers={"Retry-After": str(wait)})
        elif "authorization" not in headers:
            response = PlainTextResponse("unauthorized\n", status_code=401, headers={"WWW-Authenticate": "Bearer"})
        elif not keys_equal(bearer_token(headers["authorization"]), self.key):
            self.throttle.failed(client)
            response = PlainTextResponse("unauthorized\n", status_code=401, headers={"WWW-Authenticate": "Bearer"})
        else:
            return await self.app(scope, receive, send)
        await response(scope, receive, send)


app = FastAPI(openapi_url=None)
if not OPEN:
    app.add_middleware(BearerGuard, key=API_KEY)


@app.post("/predict", response_class=PlainTextResponse)
async def predict(request: Request, max_new_tokens: int = 100):
    prompt = (await request.body()).decode("utf-8", errors="replace").strip()
    if not prompt:
        return PlainTextResponse("empty prompt\n", status_code=400)
    if max_new_tokens < 1:
        return PlainTextResponse("max_new_tokens must be positive\n", status_code=400)
    return zoo_model.generate(prompt, max_new_tokens) + "\n"
