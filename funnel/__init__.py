"""Funnel Audit engine: import, mapping, store, queries, metrics, diagnostics, A/B statistics.

Never imports streamlit: pages call into this package and draw what it returns.
"""

__version__ = "0.1.0"
