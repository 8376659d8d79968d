"""Streamlit glue shared by the pages: context (language, store, dataset), widgets. No metric math."""
