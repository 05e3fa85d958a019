"""The sidebar's case picker, which remembers the last case, and the Corpus tab's new case.

The last case chosen is written to `<data dir>/ui-last-case`, so a new session (another tab,
the next day) opens on it. Each case keeps its own conversation: switching case puts the
current one aside and brings back the other's (`ui.chat.use_case`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from counterpoint.errors import CounterpointError

LAST_CASE = "ui-last-case"
PICKER = "case-picker"
NEXT = "case-next"  # a case just created: the picker is set to it on the next run


def _last_file(workspace) -> Path:  # noqa: ANN001 - an Assistant
    return Path(workspace.base_settings.data_dir) / LAST_CASE


def last_case(workspace) -> str | None:  # noqa: ANN001
    """The case chosen last on this data folder, if it was recorded."""
    try:
        return _last_file(workspace).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def remember(workspace, case_id: str) -> None:  # noqa: ANN001
    """Record `case_id` as the last case (a read-only data folder just forgets it)."""
    if last_case(workspace) == case_id:
        return
    try:
        _last_file(workspace).parent.mkdir(parents=True, exist_ok=True)
        _last_file(workspace).write_text(case_id, encoding="utf-8")
    except OSError:
        pass


def pick_case(workspace) -> str | None:  # noqa: ANN001
    """The case picker: the stored cases (and the bundled corpus's, built when opened), the
    last one chosen first. None when there is no case at all."""
    names = {case.id: case.name for case in workspace.cases()}
    corpus = workspace.corpus_case()
    if corpus is not None:
        names.setdefault(corpus.id, corpus.name)
    if not names:
        return None
    if (created := st.session_state.pop(NEXT, None)) in names:
        st.session_state[PICKER] = created
    if st.session_state.get(PICKER) not in names:
        last = last_case(workspace)
        st.session_state[PICKER] = last if last in names else next(iter(sorted(names)))
    case_id = st.selectbox(
        "Case", sorted(names), format_func=lambda c: f"{names[c]} ({c})", key=PICKER
    )
    remember(workspace, case_id)
    return case_id


def new_case_form(workspace) -> None:  # noqa: ANN001
    """Create an empty case and switch to it (its documents are then uploaded into it)."""
    with st.popover("New case", icon=":material/create_new_folder:"):
        name = st.text_input("Company under review", key="new-case-name")
        if st.button("Create the case", type="primary", key="new-case-go"):
            if not name.strip():
                st.error("Name the company first.", icon=":material/error:")
                return
            try:
                case = workspace.for_case(None).create_case(name.strip())
            except CounterpointError as exc:
                st.error(str(exc), icon=":material/error:")
                return
            st.session_state[NEXT] = case.id
            st.session_state["corpus_flash"] = (
                f"Created the case {case.name}: add its company and critic documents."
            )
            st.rerun()
