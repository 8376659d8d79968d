"""WPS Office's own file names, said as WPS's when no reader opens the file.

WPS Office's spreadsheet and its template (``.et``, ``.ett``) are a BIFF8 (.xls) or OOXML (.xlsx) workbook read by
their content like any other; one WPS saved in its own format (or damaged) is named as WPS's, with how to save it
as .xlsx (``file.wps_unreadable``). WPS Presentation's files (``.dps``, its template ``.dpt``) are no table at all:
one that no reader opens is said to be a presentation, with how to export the table instead
(``file.wps_presentation``), not a damaged workbook. Only refusals are renamed: a file is still read by its
content, whatever its name. WPS Writer's documents (``.wps``) are not claimed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

from ..errors import FunnelError

WPS_SPREADSHEET_SUFFIXES = (".et", ".ett")
WPS_PRESENTATION_SUFFIXES = (".dps", ".dpt")
# the readers' refusals of a file they could not read as a table of any kind
_UNREADABLE = ("file.excel_unreadable", "file.binary", "file.csv_unreadable")
# a presentation saved in the zip of a .pptx is an archive without tables to the readers
_PRESENTATION_UNREADABLE = (*_UNREADABLE, "archive.no_tables")


@contextmanager
def wps_named(file_name: str) -> Iterator[None]:
    """Refusals of a WPS file said as WPS's (module docstring). ``file_name`` is how messages name the file: an
    archive's member is named ``export.zip › Сделки.et``, whose suffix is the member's."""
    try:
        yield
    except FunnelError as error:
        suffix = PurePath(file_name).suffix.lower()
        if error.code in _UNREADABLE and suffix in WPS_SPREADSHEET_SUFFIXES:
            raise FunnelError("file.wps_unreadable", file=file_name) from error
        if error.code in _PRESENTATION_UNREADABLE and suffix in WPS_PRESENTATION_SUFFIXES:
            raise FunnelError("file.wps_presentation", file=file_name) from error
        raise
