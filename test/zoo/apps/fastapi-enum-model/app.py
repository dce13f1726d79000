# Two model sizes behind one route: POST /v1/generate {"model": "zoo-mini" | "zoo-large", "prompt", "max_new_tokens"}
# -> {"model", "completion", "finish_reason"}. Any other model name is a 422 listing the permitted ones.
# Guarded unless ZOO_FORM=open: an HTTP middleware wants X-API-Key on every request, the docs included.
import os
from enum import Enum

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()

app = FastAPI(title="zoo-models", description="Pick a model size and generate.")


@app.middleware("http")
async def api_key_middleware(request: Request, call_next):
    if OPEN:
        return await call_next(request)
    ip = request.client.host if request.client else ""
    wait = throttle.retry_after(ip)
    if wait is not None:
        return JSONResponse({"detail": "rate limited"}, status_code=429, headers={"Retry-After": str(wait)})
    key = request.headers.get("x-api-key")
    if not key:
        return JSONResponse({"detail": "X-API-Key header required"}, status_code=401)
    if not keys_equal(key, API_KEY):
        throttle.failed(ip)
        return JSONResponse({"detail": "invalid X-API-Key"}, status_code=403)
    return await call_next(request)


class ModelName(str, Enum):
    mini = "zoo-mini"
    large = "zoo-large"


class Generation(BaseModel):
    model: ModelName
    prompt: str = Field(..., min_length=1)
    max_new_tokens: int = Field(200, gt=0, le=4096)


@app.post("/v1/generate")
def generate(g: Generation):
    text = zoo_model.generate(g.prompt, g.max_new_tokens)
    finish = "length" if len(text.split()) == g.max_new_tokens else "stop"
    return {"model": g.model.value, "completion": text, "finish_reason": finish}
