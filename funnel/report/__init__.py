"""The consultant's report: one model assembled from the engine's results, rendered as HTML, PDF
(Chromium printing the HTML) or XLSX, in a language chosen apart from the UI's."""

from .assemble import SECTION_BUILDERS, build_from_store, build_report
from .model import Report
from .render import FORMATS, MIME, render

__all__ = ["FORMATS", "MIME", "SECTION_BUILDERS", "Report", "build_from_store", "build_report", "render"]
