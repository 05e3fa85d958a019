"""The Streamlit page's parts, one module per tab: `chat` (Ask), `compare` (Compare sides),
`corpus`, `claims`, `timeline`; and what the tabs share: `sidebar` (status, conversations,
filters, the brief's export), `evidence` (the citation viewer), `style` (how the sides look),
`cache` (cache keys of the open index), `loading` (what loads once, after the page is drawn) and
`conversation` (the turns on screen and the session's earlier conversations).

Rendering only: every answer, passage and document comes from `counterpoint`. May import the
assistant and any part of `counterpoint` and `ingest`; never the CLI. `app.py` lays them out.
"""
