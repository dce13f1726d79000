# Stands in for transformers' Mistral model and tokenizer: the tutorial wrapper loads
# mistralai/Mistral-7B-Instruct-v0.1, which cannot be downloaded here. The stub keeps the
# tutorial's call shape (tokenizer(...) -> model.generate(...) -> tokenizer.decode(...)) and
# answers like a V1 wrapper that concatenates [INST] and decodes without skipping specials.


class _Ids(list):
    pass


class StubTokenizer:
    def __call__(self, text, return_tensors=None):
        return {"input_ids": _Ids([text])}

    def decode(self, ids, skip_special_tokens=True):
        return str(ids)


class StubModel:
    def generate(self, input_ids=None, max_new_tokens=128, **_):
        prompt = input_ids[0] if input_ids else ""
        return [f"[INST] {prompt} [/INST] Hello! How can I assist you today?"]


def load():
    return StubModel(), StubTokenizer()
