# A streaming chat endpoint: POST /chat/stream {"message", "max_tokens"} answers text/event-stream,
# `data: {"token": "..."}` per token and `data: [DONE]` at the end.
# Guarded unless ZOO_FORM=open: X-API-Key on the route (a dependency).
import json
import os
from typing import Optional

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import StreamingResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()
key_header = APIKeyHeader(name="X-API-Key", auto_error=False)

app = FastAPI(title="streaming chat")


async def verify(request: Request, key: Optional[str] = Depends(key_header)):
    if OPEN:
        return
    host = request.client.host if request.client else ""
    retry = throttle.retry_after(host)
    if retry is not None:
        raise HTTPException(429, "Too Many Requests", headers={"Retry-After": str(retry)})
    if request.headers.get("x-api-key") is None:
        raise HTTPException(401, "API key required")
    if not keys_equal(key, API_KEY):
        throttle.failed(host)
        raise HTTPException(401, "API key rejected")


class ChatIn(BaseModel):
    message: str = Field(..., min_length=1)
    max_tokens: int = Field(512, ge=1)


@app.post("/chat/stream", dependencies=[Depends(verify)])
async def chat_stream(body: ChatIn):
    def events():
        for token in zoo_model.stream(body.message, body.max_tokens):
            yield f"data: {json.dumps({'token': token})}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
