"""The engine's findings about a funnel ("stage X loses most deals") as one translated line.

Their parameters are stage names and counts from the user's file: names are escaped for Markdown,
counts written in the page's number format.
"""

from __future__ import annotations

from funnel.formats import fmt_int
from funnel.markdown_escape import md_escape


def finding_text(finding: dict, t, lang: str) -> str:
    params = {k: (v if k == "n" else fmt_int(v, lang) if isinstance(v, int) else md_escape(v))  # n: a plural count
              for k, v in finding.items() if k != "code"}
    return t(finding["code"], **params)
