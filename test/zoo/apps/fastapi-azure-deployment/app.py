# An Azure-OpenAI look-alike: POST /openai/deployments/{deployment}/chat/completions?api-version=YYYY-MM-DD
# {"messages", "max_tokens"} -> {"choices": [{"message": {"role", "content"}}]}. The api-version query parameter is
# required (422 without it, and a 422 listing the supported versions for any other) while the prompt travels in the JSON
# body. Guarded unless ZOO_FORM=open: the key in an
# `api-key` header, as Azure takes it, checked by a dependency on the route.
import os
import time
from enum import Enum
from typing import List, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from pydantic import BaseModel, Field

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()
DEPLOYMENTS = {"zoo-gpt"}


class ApiVersion(str, Enum):
    v2024_02_01 = "2024-02-01"
    v2024_06_01 = "2024-06-01"


async def check_key(request: Request, api_key: Optional[str] = Header(None, alias="api-key", include_in_schema=False)):
    if OPEN:
        return
    client = request.client.host if request.client else "-"
    wait = throttle.retry_after(client)
    if wait is not None:
        raise HTTPException(429, detail="Too many failed attempts", headers={"Retry-After": str(wait)})
    if api_key is None:
        raise HTTPException(401, detail="Access denied due to missing subscription key.")
    if not keys_equal(api_key, API_KEY):
        throttle.failed(client)
        raise HTTPException(401, detail="Access denied due to invalid subscription key.")


class Message(BaseModel):
    role: str
    content: str


class ChatBody(BaseModel):
    messages: List[Message]
    max_tokens: int = Field(256, ge=1)
    temperature: float = 1.0


app = FastAPI(dependencies=[Depends(check_key)])


@app.post("/openai/deployments/{deployment}/chat/completions")
async def chat(deployment: str, body: ChatBody, api_version: ApiVersion = Query(..., alias="api-version")):
    if deployment not in DEPLOYMENTS:
        raise HTTPException(404, detail="The API deployment for this resource does not exist.")
    user = [m for m in body.messages if m.role == "user"]
    if not user:
        raise HTTPException(400, detail="messages must contain a user message")
    text = zoo_model.generate(user[-1].content, body.max_tokens)
    return {
        "id": "chatcmpl-zoo",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": deployment,
        "choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": text}}],
    }
