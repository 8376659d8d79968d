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

        return t(f"error.{self.code}", lang, **self.params_in(lang))

    def params_in(self, lang: str) -> dict[str, Any]:
        """The message's parameters; one named ``<x>_key`` is itself a message key, given to the
        sentence translated as ``<x>`` (a rejected row's reason inside an import's error)."""
        from .i18n import t

        return {k[:-4] if k.endswith("_key") else k: t(v, lang) if k.endswith("_key") else v
                for k, v in self.params.items()}
