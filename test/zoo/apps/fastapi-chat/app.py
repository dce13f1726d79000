# A chat endpoint: POST /api/chat {"messages": [{"role", "content"}, ...], "max_tokens"} -> {"reply", "usage"}.
# Guarded unless ZOO_FORM=open: `Authorization: Bearer <ZOO_API_KEY>` on every route of the API router.
import os
from typing import List, Literal, Optional

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, conint, constr

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
failed_keys = FailedKeyThrottle()
bearer = HTTPBearer(auto_error=False)


async def check_token(request: Request, creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
    if OPEN:
        return
    client = request.client.host if request.client else "-"
    retry = failed_keys.retry_after(client)
    if retry is not None:
        raise HTTPException(status_code=429, detail="too many failed attempts", headers={"Retry-After": str(retry)})
    presented = request.headers.get("authorization")
    if not presented:
        raise HTTPException(status_code=401, detail="not authenticated", headers={"WWW-Authenticate": "Bearer"})
    if creds is None or not keys_equal(creds.credentials, API_KEY):
        failed_keys.failed(client)
        raise HTTPException(status_code=401, detail="invalid token", headers={"WWW-Authenticate": "Bearer"})


class Message(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: constr(min_length=1)


class ChatRequest(BaseModel):
    messages: List[Message]
    max_tokens: conint(ge=1, le=1024) = 256


api = APIRouter(prefix="/api", dependencies=[Depends(check_token)])


@api.post("/chat")
async def chat(body: ChatRequest):
    if not body.messages or body.messages[-1].role != "user":
        raise HTTPException(status_code=400, detail="the last message must come from the user")
    answer = zoo_model.generate(body.messages[-1].content, body.max_tokens)
    return {"reply": answer, "usage": {"completion_tokens": len(answer.split())}}


app = FastAPI(title="chat-svc")
app.include_router(api)
