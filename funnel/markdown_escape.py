"""User data made literal for Markdown (``st.markdown``, captions, report Markdown): no links,
emphasis, LaTeX or HTML from a stage, manager or file name."""

from __future__ import annotations

import re
from typing import Any

MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


WORD_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=/)|(?<=\w@)(?=\w)|(?<=\bwww)(?=\\?\.)")


def md_escape(text: Any) -> str:
    """A name made literal for ``st.markdown`` (no links, emphasis, LaTeX or HTML from data).

    Backslashes do not stop GitHub-style autolinks (``http://…``, ``www.…``, ``a@b.c`` become
    links even when escaped), so an invisible word joiner goes into every ``://``, between the ``@``
    of an address and its domain, and after the ``www`` of ``www.``: the text reads the same and is
    no link.
    """
    escaped = "".join("\\" + ch if ch in MD_SPECIAL else ch for ch in ("" if text is None else str(text)))
    return _AUTOLINK.sub(WORD_JOINER, escaped)
