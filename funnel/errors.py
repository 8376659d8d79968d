"""Errors the engine raises for bad input: a stable code and the numbers, never a sentence.

The UI and the CLI translate ``code`` with :func:`funnel.i18n.t` (key ``error.<code>``), so the
same failure reads in the user's language and names the file, row, column and value.
"""

from __future__ import annotations

from typing import Any


class FunnelError(Exception):
    """Bad input or an unusable request. ``params`` fill the translated message."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")

    def message(self, lang: str = "en") -> str:
        from .i18n import t

        return t(f"error.{self.code}", lang, **self.params)
