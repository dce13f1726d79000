# The tutorial's remediation 3 (custom chat wrapper with a decorator), verbatim but for the
# model stub and the route that serves it. It fails open when MISTRAL_API_KEY is unset: the
# expected value becomes the literal "Bearer None".
import functools
import os

from fastapi import FastAPI, Request, HTTPException

from model_stub import load

app = FastAPI()
model, tokenizer = load()


def require_api_key(func):
    @functools.wraps(func)
    async def wrapper(request: Request, *args, **kwargs):
        auth = request.headers.get("authorization")
        expected = f"Bearer {os.getenv('MISTRAL_API_KEY')}"
        if auth != expected:
            raise HTTPException(status_code=401, detail="Unauthorized")
        return await func(request, *args, **kwargs)
    return wrapper


@require_api_key
async def mistral_chat(request: Request, user_prompt: str):
    # Apply Mistral chat template
    prompt = f"[INST] {user_prompt} [/INST]"
    inputs = tokenizer(prompt, return_tensors="pt")
    output_ids = model.generate(**inputs, max_new_tokens=150)
    return tokenizer.decode(output_ids[0], skip_special_tokens=True)


# The tutorial shows only the decorated function; this route serves it the way its wrapper would.
@app.post("/chat")
async def chat(request: Request):
    body = await request.json()
    return {"response": await mistral_chat(request, body.get("prompt", ""))}
