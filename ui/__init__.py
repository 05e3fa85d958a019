"""The Streamlit page's parts: chat, evidence viewer, compare view, corpus manager, sidebar.

Rendering only: every answer, passage and document comes from `counterpoint`.
"""
