"""Retrieval on the seed corpus: both sides every time, side filters, and evidence recall
measured against a plain LlamaIndex pipeline on the evaluation questions."""

from __future__ import annotations

import pytest

from counterpoint.config import SIDES
from counterpoint.errors import InputError
from counterpoint.evaluation.figures import evaluate


def test_search_returns_passages_from_both_sides_interleaved(seed_assistant):
    results = seed_assistant.search("What does Hikvision say about human rights?", k=3).results
    assert [p.side for p in results[:2]] == ["company", "critic"]
    assert {p.side for p in results} == set(SIDES) and len(results) == 6
    assert [p.rank for p in results] == list(range(1, 7))


def test_search_on_one_side_returns_only_that_side(seed_assistant):
    results = seed_assistant.search("Xinjiang surveillance", k=5, side="critic").results
    assert len(results) == 5 and {p.side for p in results} == {"critic"}


def test_report_passages_carry_their_page_and_article_passages_have_none(seed_assistant):
    results = seed_assistant.search("cybersecurity certification", k=2).results
    pages = {p.side: p.page for p in results}
    assert 1 <= pages["company"] <= 23 and pages["critic"] is None


def test_unknown_side_is_refused(seed_assistant):
    with pytest.raises(InputError, match="unknown side 'neutral'"):
        seed_assistant.search("human rights", side="neutral")


def test_evidence_recall_within_300_words_beats_the_plain_pipeline(seed_assistant, eval_questions):
    from counterpoint.evaluation.baseline import baseline

    def ours(question: str, side: str) -> list[str]:
        return [p.text for p in seed_assistant.retriever.retrieve(question, 10, side)[side]]

    recall, plain = evaluate(eval_questions, ours), baseline(eval_questions)
    print(recall.line("ours"), plain.line("baseline"), sep="\n")
    assert recall.rate() >= plain.rate() + 0.08
    assert all(recall.rate(side) >= plain.rate(side) for side in SIDES)
    assert recall.rate() >= 0.55


# --- one shared dense query for both sides ---------------------------------------------------


def _bundle(assistant, question: str):
    from llama_index.core.schema import QueryBundle

    return QueryBundle(question, embedding=assistant.embedder.get_query_embedding(question))


def test_dense_candidates_split_from_one_query_are_each_sides_nearest(seed_assistant):
    from counterpoint.store import TEXT_ONLY

    retriever, store = seed_assistant.retriever, seed_assistant.store
    bundle = _bundle(seed_assistant, "How does Hikvision protect personal data?")
    found = retriever.dense(bundle, list(SIDES))
    for side in SIDES:
        where = {"$and": [{"side": side}, TEXT_ONLY]}  # page furniture is never a candidate
        filtered = store.nearest(bundle.embedding, retriever.candidates, where)
        assert [hit.node.node_id for hit in found[side]] == [i for i, _ in filtered]


def test_a_side_scarce_in_the_shared_results_gets_its_own_filtered_query(seed_assistant):
    from counterpoint.retrieval import HybridRetriever
    from counterpoint.store import TEXT_ONLY

    small = HybridRetriever(seed_assistant.store, seed_assistant.embedder, shared_results=5)
    bundle = _bundle(seed_assistant, "Xinjiang surveillance contracts")
    found = small.dense(bundle, list(SIDES))
    for side in SIDES:
        where = {"$and": [{"side": side}, TEXT_ONLY]}
        filtered = seed_assistant.store.nearest(bundle.embedding, small.candidates, where)
        assert [hit.node.node_id for hit in found[side]] == [i for i, _ in filtered]


# --- neighbouring chunks read as one passage -------------------------------------------------


def _neighbours(assistant):
    """Two chunks of the report that follow each other, and one far from both, as ranked hits."""
    from llama_index.core.schema import NodeWithScore

    nodes = sorted(assistant.store.nodes("company"), key=lambda n: n.metadata["position"])
    first, second, far = nodes[10], nodes[11], nodes[40]
    return [NodeWithScore(node=n, score=s) for n, s in ((second, 0.9), (first, 0.8), (far, 0.7))]


def test_neighbours_ranked_one_after_the_other_are_one_passage_with_the_overlap_once(
    seed_assistant,
):
    from counterpoint.fusion import merge_neighbours

    second, first, far = _neighbours(seed_assistant)
    joined, alone = merge_neighbours([second, first, far], k=2, most=2)
    assert joined.chunk_ids == [first.node.node_id, second.node.node_id]
    assert joined.chunk_id == first.node.node_id and alone.chunk_id == far.node.node_id
    for hit, (start, end) in zip((first, second), joined.chunk_spans, strict=True):
        assert joined.text[start:end] == hit.node.get_content()
    gap = second.node.metadata["start_char"] - first.node.metadata["end_char"]
    expected = first.node.get_content() + "\n" * gap if gap >= 0 else first.node.get_content()
    assert joined.text.startswith(expected) and len(joined.text) == (
        second.node.metadata["end_char"] - first.node.metadata["start_char"]
    )


def test_neighbours_ranked_apart_stay_separate_passages(seed_assistant):
    from counterpoint.fusion import merge_neighbours

    second, first, far = _neighbours(seed_assistant)
    passages = merge_neighbours([second, far, first], k=3, most=2)
    assert [p.chunk_ids for p in passages] == [[h.node.node_id] for h in (second, far, first)]


def test_a_quote_from_a_joined_passage_cites_the_stored_chunk_that_holds_it(seed_assistant):
    from counterpoint.answer.citations import citation_for, sentences
    from counterpoint.fusion import merge_neighbours

    second, first, far = _neighbours(seed_assistant)
    joined = merge_neighbours([second, first], k=1, most=2)[0]
    # A sentence past the end of the first chunk is only in the second.
    late = [s for s in sentences(joined) if s.start >= joined.chunk_spans[0][1]]
    citation = citation_for(1, late[0])
    assert citation.chunk_id == second.node.node_id and citation.supported
    assert citation.page == second.node.metadata["page"]
    stored = seed_assistant.store.collection.get(ids=[citation.chunk_id], include=["documents"])
    assert citation.quote in stored["documents"][0] and citation.passage == stored["documents"][0]


def test_chunks_written_by_another_process_since_bm25_loaded_are_still_found(tmp_path):
    from counterpoint.assistant import Assistant
    from tests.conftest import make_settings
    from tests.test_ingest import small_corpus

    corpus = small_corpus(tmp_path / "corpus")
    reader = Assistant(make_settings(tmp_path / "data", corpus), notify=lambda _: None)
    reader.search("supplier audits", 2)  # loads both sides' BM25 corpora
    letter = tmp_path / "letter.txt"
    letter.write_text("Our wastewater plant in Tarnow was fully upgraded in 2021.\n")
    writer = Assistant(make_settings(tmp_path / "data", corpus), notify=lambda _: None)
    writer.ingest_file(letter, "company", "Letter on wastewater")
    found = reader.retriever.retrieve("wastewater plant upgraded", 3, "company")["company"]
    assert any("Tarnow" in passage.text for passage in found)


# --- faults found on real reports (issue 21) -------------------------------------------------


@pytest.mark.parametrize("question", ["xyzzy plugh", "Wie hoch sind die Emissionen?"])
def test_a_question_sharing_no_word_with_the_corpus_keeps_the_dense_order(seed_assistant, question):
    # BM25 scores every chunk 0: no hit is "decisive", and none enters the fusion.
    from counterpoint.retrieval import HybridRetriever

    hybrid = seed_assistant.retriever.retrieve(question, 4, "company")["company"]
    dense_only = HybridRetriever(
        seed_assistant.store, seed_assistant.embedder, methods=("dense",)
    ).retrieve(question, 4, "company")["company"]
    assert [p.chunk_id for p in hybrid] == [p.chunk_id for p in dense_only]


def test_a_bm25_hit_with_no_score_is_never_decisive():
    from llama_index.core.schema import NodeWithScore, TextNode

    from counterpoint.retrieval import lead_with_decisive

    hits = [NodeWithScore(node=TextNode(id_=f"c{n}", text="x"), score=0.0) for n in range(3)]
    fused = list(reversed(hits))
    assert lead_with_decisive(fused, hits) == fused


def test_search_for_fifty_passages_returns_fifty_when_the_side_holds_them(seed_assistant):
    results = seed_assistant.search("environmental protection", k=50, side="company").results
    assert len(results) == 50
    assert len({p.chunk_id for p in results}) == 50


def test_a_longer_list_keeps_the_shorter_lists_head(seed_assistant):
    question = "How does the company protect personal data?"
    short = seed_assistant.retriever.retrieve(question, 4, "company")["company"]
    long = seed_assistant.retriever.retrieve(question, 50, "company")["company"]
    assert [p.chunk_id for p in long[:4]] == [p.chunk_id for p in short]


def test_near_duplicate_passages_are_returned_once():
    from counterpoint.fusion import distinct
    from counterpoint.models import Passage

    certification = (
        "I have reviewed this annual report on Form 10-K of Example Corp. Based on my knowledge, "
        "this report does not contain any untrue statement of a material fact."
    )

    def passage(n: int, text: str) -> Passage:
        return Passage(rank=n, score=0.5, side="company", doc_id="d", title="t", page=n,
                       chunk_id=f"c{n}", text=text)  # fmt: skip

    found = distinct(
        [
            passage(1, f"CEO. {certification}"),
            passage(2, "Revenue grew by four percent to 12 billion dollars in the year."),
            passage(3, f"CFO. {certification}"),
        ]
    )
    assert [p.chunk_id for p in found] == ["c1", "c2"]
