# A text-generation service: POST /generate {"prompt", "max_tokens"} -> {"response"}.
# ZOO_FORM=open serves anyone; otherwise every route wants X-API-Key (the key in ZOO_API_KEY).
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def require_api_key(request: Request, key: Optional[str] = Security(api_key_header)) -> None:
    if OPEN:
        return
    client = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(client)
    if wait is not None:
        raise HTTPException(429, "Too many failed API keys", headers={"Retry-After": str(wait)})
    if key is None:
        raise HTTPException(401, "Missing API key")
    if not keys_equal(key, API_KEY):
        throttle.failed(client)
        raise HTTPException(401, "Invalid API key")


app = FastAPI(title="Text generation", version="1.2.0", dependencies=[Depends(require_api_key)])


class GenerateRequest(BaseModel):
    prompt: str
    max_tokens: int = Field(128, ge=1, le=2048)


class GenerateResponse(BaseModel):
    response: str
    tokens: int


@app.post("/generate", response_model=GenerateResponse)
def generate(req: GenerateRequest):
    text = zoo_model.generate(req.prompt, req.max_tokens)
    return GenerateResponse(response=text, tokens=len(text.split()))


@app.get("/health")
def health():
    return {"status": "ok"}
