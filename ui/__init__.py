"""The Streamlit page's parts, one module per tab: `chat` (Ask), `compare` (Compare sides),
`corpus`, `claims`, `timeline`; and what the tabs share: `sidebar` (status, filters, the brief's
export), `evidence` (the citation viewer), `style` (how the sides look) and `cache` (cache keys
of the open index).

Rendering only: every answer, passage and document comes from `counterpoint`. May import the
assistant and any part of `counterpoint` and `ingest`; never the CLI. `app.py` lays them out.
"""
