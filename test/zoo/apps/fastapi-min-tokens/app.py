# A completion endpoint that refuses tiny generations: POST /complete {"prompt", "max_tokens" (16..512)} -> {"output"}.
# max_tokens below 16 is a 422 ("ensure this value is greater than or equal to 16").
# Guarded unless ZOO_FORM=open: `Authorization: Bearer <ZOO_API_KEY>`, a dependency on the route.
import os

from fastapi import Depends, FastAPI, HTTPException, Request, status
from pydantic import BaseModel, conint

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
bad_keys = FailedKeyThrottle()

app = FastAPI()


def bearer_auth(request: Request) -> None:
    if OPEN:
        return
    addr = request.client.host if request.client else "unknown"
    retry_after = bad_keys.retry_after(addr)
    if retry_after is not None:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, "slow down", headers={"Retry-After": str(retry_after)})
    header = request.headers.get("Authorization")
    if not header:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Bearer token required", headers={"WWW-Authenticate": "Bearer"})
    if not keys_equal(bearer_token(header), API_KEY):
        bad_keys.failed(addr)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Bad token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class Completion(BaseModel):
    prompt: str
    # Short generations are useless to our clients and cost a full request anyway.
    max_tokens: conint(ge=16, le=512) = 128
    temperature: float = 0.7


@app.post("/complete", dependencies=[Depends(bearer_auth)])
def complete(c: Completion):
    return {"output": zoo_model.generate(c.prompt, c.max_tokens), "temperature": c.temperature}
