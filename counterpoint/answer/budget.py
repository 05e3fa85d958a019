"""Fit passages into the model's context window, split fairly between the sides.

Counted with tiktoken's cl100k_base (its file ships in llama-index-core; `offline_environment`
points tiktoken at it). Counts are approximate for non-OpenAI models, so a margin is kept.
"""

from __future__ import annotations

from functools import lru_cache

from counterpoint.config import offline_environment
from counterpoint.models import Passage

SAFETY_MARGIN = 0.9  # other tokenizers may count up to ~10% more than cl100k_base


@lru_cache(maxsize=1)
def _encoding():  # noqa: ANN202 - a tiktoken Encoding
    offline_environment()
    import tiktoken

    return tiktoken.get_encoding("cl100k_base")


def count_tokens(text: str) -> int:
    """Tokens in `text` by cl100k_base."""
    return len(_encoding().encode(text, disallowed_special=()))


def fit_passages(
    passages: dict[str, list[Passage]], budget: int, render: callable
) -> dict[str, list[Passage]]:
    """The longest rank-order prefix of each side's passages that fits `budget` tokens in all.

    Each side is first given half; what one side leaves unused goes to the other, so a short
    critic article does not waste the space the long report could use, and vice versa.
    """
    budget = int(budget * SAFETY_MARGIN)
    costs = {side: [count_tokens(render(p)) for p in found] for side, found in passages.items()}
    share = budget // max(len(passages), 1)
    needs = {side: sum(c) for side, c in costs.items()}
    spare = sum(max(share - need, 0) for need in needs.values())
    fitted: dict[str, list[Passage]] = {}
    for side, found in passages.items():
        allowance = share + (spare if needs[side] > share else 0)
        used, kept = 0, []
        for passage, cost in zip(found, costs[side], strict=True):
            if used + cost > allowance:
                break
            kept.append(passage)
            used += cost
        fitted[side] = kept
    return fitted


SMALL_PASSAGE_TOKENS = 128  # one chunk (160 word pieces at most, often less); merged ones cost more
MAX_FETCHED = 50  # the retriever's fused candidates per side


def passages_to_fetch(context_window: int, top_k: int) -> int:
    """Passages per side to retrieve for a model with this window: enough small ones to fill it
    (`fit_passages` then cuts at the budget), so a 4k-token window reads ~2,000 words of
    evidence, not a fixed `top_k`; never fewer than `top_k`."""
    return max(top_k, min(MAX_FETCHED, context_window // SMALL_PASSAGE_TOKENS))
