"""Counterpoint: due-diligence answers with citations from the company and its critics."""

__version__ = "0.1.0"
