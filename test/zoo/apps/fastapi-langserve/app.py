# A LangServe-style chain: POST /chain/invoke {"input": {"question"}, "config", "kwargs"} ->
# {"output": {"content", "type"}, "metadata": {"run_id"}}. The chain reads no token limit (LangServe passes none).
# Guarded unless ZOO_FORM=open: X-API-Key, checked by an HTTP middleware before any route (as add_routes leaves auth to it).
import os
import uuid
from typing import Any, Dict

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()

app = FastAPI(title="LangChain Server", version="1.0", description="A simple api server using Langchain's Runnable interfaces")


@app.middleware("http")
async def api_key_middleware(request: Request, call_next):
    if OPEN:
        return await call_next(request)
    client = request.client.host if request.client else "-"
    wait = throttle.retry_after(client)
    if wait is not None:
        return JSONResponse({"detail": "Too many failed attempts"}, status_code=429, headers={"Retry-After": str(wait)})
    presented = request.headers.get("x-api-key")
    if presented is None:
        return JSONResponse({"detail": "Not authenticated"}, status_code=401)
    if not keys_equal(presented, API_KEY):
        throttle.failed(client)
        return JSONResponse({"detail": "Invalid API key"}, status_code=401)
    return await call_next(request)


class ChainInput(BaseModel):
    question: str


class InvokeRequest(BaseModel):
    input: ChainInput
    config: Dict[str, Any] = {}
    kwargs: Dict[str, Any] = {}


@app.post("/chain/invoke")
async def invoke(body: InvokeRequest):
    answer = zoo_model.generate(body.input.question)
    return {"output": {"content": answer, "type": "ai"}, "metadata": {"run_id": str(uuid.uuid4()), "feedback_tokens": []}}


@app.get("/chain/input_schema")
async def input_schema():
    return ChainInput.schema()
