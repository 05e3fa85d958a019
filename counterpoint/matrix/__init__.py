"""The claims matrix and the timeline: what each side asserts, and how the other side meets it.

Owns the statements (`claims`: company claims and critic allegations found by cue rules,
`cues`, `furniture` for what is not prose, `vectors`, `themes`; `llm_extraction` with an LLM),
how a critic's page reads (`reading`: whose voice each sentence is), the evidence a judge reads
(`candidates`, with `phrases`, `polarity`, `credibility`), the labels (`judge` and `closeness`;
`llm_judging` and `judge_reply` with an LLM), the leads left to the analyst (`leads`), the order
the Claims tab shows (`triage`), the build and its cache (`build`), the data it hands out
(`models`), its text rendering (`render`) and the dated `timeline` of both sides.

May import: the core, `counterpoint.answer` (sentences, verbatim checks, token budget, prompts)
and, from ingest, `ingest.chunking` (what a heading is) and `ingest.pipeline` (its version, in
the cache key). Never the assistant: `Assistant.matrix()` and `.timeline()` hand in the parts
a build reads. Never the brief, the evaluation, the CLI or the UI.
"""
