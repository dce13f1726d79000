# A support bot that logs conversations per user: POST /api/v1/ask {"question", "user_id", "max_tokens"}
# -> {"answer", "sources", "user_id"}. user_id is required.
# Guarded unless ZOO_FORM=open: the key travels in X-Token (declared in the OpenAPI document as an apiKey scheme).
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request, Security
from fastapi.security.api_key import APIKeyHeader
from pydantic import BaseModel, Field

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
failures = FailedKeyThrottle()
token_header = APIKeyHeader(name="X-Token", auto_error=False)


async def get_caller(request: Request, token: Optional[str] = Security(token_header)) -> str:
    if OPEN:
        return "anonymous"
    client = request.client.host if request.client else ""
    retry = failures.retry_after(client)
    if retry is not None:
        raise HTTPException(429, "Too many attempts", headers={"Retry-After": str(retry)})
    if request.headers.get("x-token") is None:
        raise HTTPException(401, "X-Token header missing")
    if not keys_equal(token, API_KEY):
        failures.failed(client)
        raise HTTPException(401, "X-Token invalid")
    return "api-client"


class Ask(BaseModel):
    question: str = Field(..., min_length=3)
    user_id: str = Field(..., description="whose conversation this belongs to")
    max_tokens: int = Field(300, ge=1, le=1000)


app = FastAPI(title="support-bot", version="0.4.1")


@app.post("/api/v1/ask")
async def ask(body: Ask, caller: str = Depends(get_caller)):
    answer = zoo_model.generate(body.question, body.max_tokens)
    return {"answer": answer, "sources": [], "user_id": body.user_id}


@app.get("/api/v1/status", dependencies=[Depends(get_caller)])
async def status():
    return {"queue": 0}
