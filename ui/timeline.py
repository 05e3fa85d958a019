"""The Timeline tab: every dated point of both sides on one axis, then the same events as a table.

Dates come from the corpus manifest (a document's publication or reporting period) or from the
documents' own sentences; the chart marks them by shape and the table says which.
"""

from __future__ import annotations

from calendar import monthrange
from typing import Any

import streamlit as st

from counterpoint.errors import CounterpointError
from counterpoint.matrix.models import Timeline, TimelineEvent
from ui.cache import index_key
from ui.style import SIDE_LOOK, SIDE_NAMES, badge

KIND_NAMES = {
    "publication": "publication",
    "reporting_period": "reporting period",
    "event": "dated event",
}
DATE_FROM = {"manifest": "corpus manifest", "text": "document text"}


@st.cache_data(show_spinner=False, max_entries=8)
def cached_timeline(_assistant, key: str) -> Timeline:  # noqa: ANN001
    """The timeline of one index state, built once per server process."""
    return _assistant.timeline()


def show_timeline(assistant, documents: dict[str, dict[str, Any]]) -> None:  # noqa: ANN001
    """The chart of dated events by side, and the table under it."""
    st.markdown("##### Timeline · company statements and critic reports")
    try:
        with st.spinner("Reading the dates of the corpus..."):
            timeline = cached_timeline(assistant, index_key(assistant, documents))
    except CounterpointError as exc:
        st.error(str(exc), icon=":material/error:")
        return
    if not timeline.events:
        st.info("No dated events: no document has a date in the manifest or in its text.")
        return
    from_manifest = sum(1 for e in timeline.events if e.date_from == "manifest")
    st.caption(
        f"{len(timeline.events)} dated points, oldest first: {from_manifest} from the corpus "
        f"manifest (◆ publication or reporting period), {len(timeline.events) - from_manifest} "
        "from sentences in the documents (●). A year or a month is drawn as a bar over its span. "
        "Hover a mark for its sentence and source."
    )
    st.markdown(f"{badge('company')} {badge('critic')}")
    st.altair_chart(timeline_chart(timeline.events), width="stretch")
    st.dataframe(
        [event_row(e) for e in timeline.events],
        hide_index=True,
        width="stretch",
        column_order=("Date", "Side", "Sentence", "Document", "Page", "Kind", "Date from"),
        column_config={"Sentence": st.column_config.TextColumn(width="large")},
    )


def span(event: TimelineEvent) -> tuple[str, str]:
    """First and last day an event covers: "2020" is the whole year, "2019-07" the month."""
    first = _bounds(event.date)[0]
    last = _bounds(event.end or event.date)[1]
    return first, last


def _bounds(date: str) -> tuple[str, str]:
    parts = date.split("-")
    if len(parts) == 1:
        return f"{date}-01-01", f"{date}-12-31"
    if len(parts) == 2:
        year, month = int(parts[0]), int(parts[1])
        return f"{date}-01", f"{date}-{monthrange(year, month)[1]:02d}"
    return date, date


def event_row(event: TimelineEvent) -> dict[str, Any]:
    """One event as a table row / chart datum, with its side named in words."""
    first, last = span(event)
    return {
        "Date": f"{event.date} to {event.end}" if event.end else event.date,
        "Side": SIDE_LOOK.get(event.side, ("", "", "", event.side.upper()))[3],
        "Kind": KIND_NAMES.get(event.kind, event.kind),
        "Date from": DATE_FROM.get(event.date_from, event.date_from),
        "Document": event.title,
        "Page": f"p. {event.page}" if event.page else "",
        "Sentence": event.text,
        "start": first,
        "end": last,
        "long": first != last,
    }


def timeline_chart(events: list[TimelineEvent]):  # noqa: ANN201 - an altair LayerChart
    """Time on x, side on y (and colour); bars for years, months and periods, points for days."""
    import altair as alt

    rows = [event_row(e) for e in events]
    sides = [SIDE_LOOK[s][3] for s in SIDE_NAMES if any(e.side == s for e in events)]
    colours = [SIDE_LOOK[s][1] for s in SIDE_NAMES if any(e.side == s for e in events)]
    tooltip = [
        alt.Tooltip(f"{name}:N")
        for name in ("Date", "Side", "Kind", "Date from", "Document", "Page", "Sentence")
    ]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("Side:N", sort=sides, title=None),
        yOffset=alt.YOffset("Date from:N"),
        color=alt.Color("Side:N", scale=alt.Scale(domain=sides, range=colours), title="Side"),
        tooltip=tooltip,
    )
    bars = base.transform_filter("datum.long").mark_bar(height=9, opacity=0.45).encode(x2="end:T")
    points = base.mark_point(size=110, filled=True, opacity=0.85).encode(
        shape=alt.Shape(
            "Date from:N",
            scale=alt.Scale(domain=list(DATE_FROM.values()), range=["diamond", "circle"]),
            title="Date from",
        )
    )
    return (bars + points).properties(height=220)
