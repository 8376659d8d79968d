"""One entry point for the three formats: ``render(report, "html" | "pdf" | "xlsx") -> bytes``."""

from __future__ import annotations

from ..errors import FunnelError
from .model import Report

FORMATS = ("html", "pdf", "xlsx")
MIME = {"html": "text/html", "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        from .html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from .pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(report)
    raise FunnelError("report.bad_format", value=fmt, formats=", ".join(FORMATS))
