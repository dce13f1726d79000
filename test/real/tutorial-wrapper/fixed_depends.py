# The tutorial's remediation 1, verbatim but for the model stub. It fails open when
# MISTRAL_API_KEY is unset: the key becomes "" and an empty X-API-Key header matches it.
from fastapi import FastAPI, Depends, Header, HTTPException
from pydantic import BaseModel
import os

from model_stub import load

app = FastAPI()
model, tokenizer = load()

API_KEY = os.getenv("MISTRAL_API_KEY", "")


def verify_api_key(x_api_key: str = Header(...)):
    if x_api_key != API_KEY:
        raise HTTPException(status_code=401, detail="Invalid API key")


class Prompt(BaseModel):
    text: str


@app.post("/generate", dependencies=[Depends(verify_api_key)])
async def generate(prompt: Prompt):
    inputs = tokenizer(prompt.text, return_tensors="pt")
    output_ids = model.generate(**inputs, max_new_tokens=128)
    return {"generated": tokenizer.decode(output_ids[0], skip_special_tokens=True)}
