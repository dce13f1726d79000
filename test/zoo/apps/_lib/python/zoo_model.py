"""The zoo's stand-in for a language model: the same reply every time, cut to the number of words asked for.

It never repeats the prompt, so a scanner that sees this text knows the model ran rather than an echo of its request.
Each generation writes one line to stderr and, when ZOO_GENERATIONS_FILE names a file, appends it there before the answer
is sent: the tests count those lines to prove how often a scan made the model run.
"""
import os
import sys
from typing import Iterator

REPLY = "Hello! How can I help you today?"
WORDS = REPLY.split()


def _words(max_words: int) -> list:
    if max_words < 1:
        raise ValueError("max_words must be at least 1")
    n = min(max_words, len(WORDS))
    line = f"zoo-model: generated {n} word(s)"
    print(line, file=sys.stderr, flush=True)
    count_file = os.environ.get("ZOO_GENERATIONS_FILE")
    if count_file:
        with open(count_file, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    return WORDS[:n]


def generate(prompt: str, max_words: int = 64) -> str:
    return " ".join(_words(max_words))


def stream(prompt: str, max_words: int = 64) -> Iterator[str]:
    """Word by word, with the separating space in front of every word but the first (as token streams do)."""
    for i, word in enumerate(_words(max_words)):
        yield word if i == 0 else f" {word}"
