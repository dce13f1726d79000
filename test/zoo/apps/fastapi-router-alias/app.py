# A versioned API: APIRouter(prefix="/api/v2") with camelCase aliases on the pydantic model:
# POST /api/v2/completions {"userQuery", "maxLen" (1..64)} -> {"data": {"completionText"}, "requestId"}.
# Guarded unless ZOO_FORM=open: X-API-Key through an APIKeyHeader dependency on the router.
import os
import uuid

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def require_key(request: Request, key: str = Security(api_key_header)):
    if OPEN:
        return
    client = request.client.host if request.client else "-"
    wait = throttle.retry_after(client)
    if wait is not None:
        raise HTTPException(429, detail="Too many failed attempts", headers={"Retry-After": str(wait)})
    if key is None:
        raise HTTPException(401, detail="Missing API key")
    if not keys_equal(key, API_KEY):
        throttle.failed(client)
        raise HTTPException(401, detail="Invalid API key")


class CompletionIn(BaseModel):
    user_query: str = Field(alias="userQuery", min_length=1)
    max_len: int = Field(32, alias="maxLen", ge=1, le=64)

    class Config:
        allow_population_by_field_name = True


router = APIRouter(prefix="/api/v2", tags=["completions"], dependencies=[Depends(require_key)])


@router.post("/completions")
def completions(body: CompletionIn):
    return {"requestId": str(uuid.uuid4()), "data": {"completionText": zoo_model.generate(body.user_query, body.max_len)}}


@router.get("/health")
def health():
    return {"status": "ok"}


app = FastAPI(title="assist-api", version="2.3.0")
app.include_router(router)
