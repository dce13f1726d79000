# The tutorial's vulnerable service, verbatim but for the model stub: POST /generate with no auth.
from fastapi import FastAPI
from pydantic import BaseModel

from model_stub import load

app = FastAPI()
model, tokenizer = load()


class Prompt(BaseModel):
    text: str


@app.post("/generate")
async def generate(prompt: Prompt):
    # No authentication check here – anyone can POST JSON
    inputs = tokenizer(prompt.text, return_tensors="pt")
    output_ids = model.generate(**inputs, max_new_tokens=128)
    return {"generated": tokenizer.decode(output_ids[0], skip_special_tokens=True)}
