"""Evaluation: how well Counterpoint retrieves and answers, next to a baseline, and how well the
claims matrix labels, against hand labels.

Owns the figures (`figures`: recall@k, recall within a word budget, MRR, latency spreads, the
answer checks), the answers against the hand labels (`answer_labels`: quote precision,
one-sided questions, the meeting outcome), a run over a question file (`run`: `counterpoint
eval`), its tables (`report`),
the LlamaIndex starter pipeline we measure ourselves against (`baseline`) and the matrix scored
against hand labels (`matrix_labels`; where its contested claims land on the Claims tab and
how honest its confidences are: `matrix_triage`).

May import: any part (core, ingest, answer, matrix, brief). Never the assistant, the CLI or
the UI: a run takes anything shaped like `run.System`, which the `Assistant` is.
"""
