"""Where to set the citation checker's thresholds, measured on the evaluation set.

Positives: each gold evidence excerpt against the chunk that holds it (a claim restating its
source). Negatives: the same excerpt against chunks of the same side that do not hold it (a claim
citing the wrong passage). Prints, for lexical and semantic support, the accuracy at thresholds.
Run by hand: `.venv/bin/python bench/verification_thresholds.py`.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counterpoint.config import Settings, offline_environment  # noqa: E402
from counterpoint.evaluation.run import load_questions  # noqa: E402
from counterpoint.text import normalise  # noqa: E402


def main() -> None:
    """Score positive and negative (claim, passage) pairs and print the separation."""
    offline_environment()
    import numpy as np

    from counterpoint.answer.citations import sentences
    from counterpoint.assistant import Assistant
    from counterpoint.models import Passage
    from counterpoint.text import terms

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, COUNTERPOINT_DATA_DIR=Path(tmp), CHROMA_HOST="")
        assistant = Assistant(settings, notify=lambda m: None)
        assistant.ingest(progress=False)
        nodes = {side: assistant.store.nodes(side) for side in ("company", "critic")}
        embedder = assistant.embedder

        def score(claim: str, text: str) -> tuple[float, float]:
            passage = Passage(
                rank=0, score=0, side="", doc_id="", title="", page=None, chunk_id="x", text=text
            )
            found = [s.text for s in sentences(passage)] or [text]
            words = terms(claim)
            lexical = max(len(words & terms(s)) / max(len(words), 1) for s in found)
            vectors = np.asarray(embedder.get_text_embedding_batch([claim, *found]))
            return lexical, float((vectors[1:] @ vectors[0]).max())

        pos, neg = [], []
        for q in load_questions(ROOT / "tests/data/eval_questions.toml"):
            for ev in q.get("evidence", []):
                holders = [
                    n for n in nodes[ev["side"]] if normalise(ev["text"]) in normalise(n.text)
                ]
                others = [n for n in nodes[ev["side"]] if n not in holders]
                if holders:
                    pos.append(score(ev["text"], holders[0].text))
                    neg.append(score(ev["text"], rng.choice(others).text))
    for index, name in ((0, "lexical"), (1, "semantic")):
        for t in np.arange(0.3, 0.95, 0.05):
            tp = sum(p[index] >= t for p in pos) / len(pos)
            fp = sum(n[index] >= t for n in neg) / len(neg)
            print(
                f"{name:<8} >= {t:.2f}: supported claims kept {tp:.0%}, "
                f"wrong citations passed {fp:.0%}"
            )
    for lex, sem in ((0.6, 0.7), (0.5, 0.7), (0.6, 0.65), (0.7, 0.75)):
        tp = sum(p[0] >= lex or p[1] >= sem for p in pos) / len(pos)
        fp = sum(n[0] >= lex or n[1] >= sem for n in neg) / len(neg)
        print(f"lexical {lex} or semantic {sem}: kept {tp:.0%}, wrong passed {fp:.0%}")


if __name__ == "__main__":
    main()
