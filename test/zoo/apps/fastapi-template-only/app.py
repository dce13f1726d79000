# A job runner: PUT /jobs/run {"task": {"instruction": "..."}} runs the model once and answers {"id", "status", "output"}.
# Nothing is documented and every bad request gets the same terse 400, by design (internal service).
# Guarded unless ZOO_FORM=open: `Authorization: Bearer <key>`, checked by middleware before anything else.
import os
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, constr
from starlette.exceptions import HTTPException as StarletteHTTPException

import zoo_model
from zoo_guard import FailedKeyThrottle, api_key_from_env, bearer_token, keys_equal

OPEN = os.environ.get("ZOO_FORM") == "open"
API_KEY = None if OPEN else api_key_from_env()
throttle = FailedKeyThrottle()

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.exception_handler(RequestValidationError)
async def terse_validation(request: Request, exc: RequestValidationError):
    return JSONResponse({"error": "bad request"}, status_code=400)


@app.exception_handler(StarletteHTTPException)
async def terse_http(request: Request, exc: StarletteHTTPException):
    return JSONResponse({"error": "bad request" if exc.status_code < 500 else "error"}, status_code=400 if exc.status_code in (404, 405) else exc.status_code)


@app.middleware("http")
async def auth(request: Request, call_next):
    if OPEN:
        return await call_next(request)
    client = request.client.host if request.client else ""
    wait = throttle.retry_after(client)
    if wait is not None:
        return JSONResponse({"error": "rate limited"}, status_code=429, headers={"Retry-After": str(wait)})
    header = request.headers.get("authorization")
    if header is None:
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    if not keys_equal(bearer_token(header), API_KEY):
        throttle.failed(client)
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    return await call_next(request)


class Task(BaseModel):
    instruction: constr(min_length=1, max_length=4000)


class Job(BaseModel):
    task: Task


@app.put("/jobs/run")
def run_job(job: Job):
    return {"id": str(uuid.uuid4()), "status": "done", "output": zoo_model.generate(job.task.instruction)}
