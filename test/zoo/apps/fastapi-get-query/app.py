# Generation over GET, for a browser demo: GET /generate?prompt=...&max_tokens=... -> {"generated_text"}.
# There is no POST route. Guarded unless ZOO_FORM=open: X-API-Key on every route (an app-wide dependency).
import os
from typing import Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()


def api_key(request: Request, x_api_key: Optional[str] = Header(None, alias="X-API-Key")):
    if OPEN:
        return
    ip = request.client.host
    wait = throttle.retry_after(ip)
    if wait is not None:
        raise HTTPException(429, "Too many bad keys, try later", headers={"Retry-After": str(wait)})
    if x_api_key is None:
        raise HTTPException(401, "Missing X-API-Key")
    if not keys_equal(x_api_key, API_KEY):
        throttle.failed(ip)
        raise HTTPException(401, "Wrong X-API-Key")


app = FastAPI(dependencies=[Depends(api_key)])


@app.get("/generate")
def generate(prompt: str = Query(..., min_length=1, max_length=2000), max_tokens: int = Query(50, ge=1, le=500)):
    return {"generated_text": zoo_model.generate(prompt, max_tokens)}
