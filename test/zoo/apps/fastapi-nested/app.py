# An inference server with a KServe-flavoured envelope: POST /infer {"input": {"text", "max_length"}}
# -> {"result": {"outputs": [{"text", "tokens"}]}, "model_version"}. No /docs and no /openapi.json in production.
# Guarded unless ZOO_FORM=open: X-API-Key, checked by a dependency on each route.
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel, Field

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
lockout = FailedKeyThrottle()

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


def authorize(request: Request, x_api_key: Optional[str] = Header(None)):
    if OPEN:
        return
    who = request.client.host if request.client else "?"
    seconds = lockout.retry_after(who)
    if seconds is not None:
        raise HTTPException(429, "locked out after repeated bad keys", headers={"Retry-After": str(seconds)})
    if x_api_key is None:
        raise HTTPException(401, "unauthorized")
    if not keys_equal(x_api_key, API_KEY):
        lockout.failed(who)
        raise HTTPException(401, "unauthorized")


class InferenceInput(BaseModel):
    text: str = Field(..., min_length=1, max_length=8000)
    max_length: int = Field(64, ge=1, le=512)


class InferenceRequest(BaseModel):
    input: InferenceInput


@app.post("/infer", dependencies=[Depends(authorize)])
def infer(req: InferenceRequest):
    text = zoo_model.generate(req.input.text, req.input.max_length)
    return {"result": {"outputs": [{"text": text, "tokens": len(text.split())}]}, "model_version": "2024-11"}


@app.get("/healthz", dependencies=[Depends(authorize)])
def healthz():
    return {"ok": True}
