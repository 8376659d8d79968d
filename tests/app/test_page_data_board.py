"""Data page under AppTest: a monday.com board's groups and subitems are said before the columns are
mapped (the groups may be the stages: the user maps them there). The board: groups «Leads» and «Won»,
3 items, 5 rows of subitems (tests/unit/test_crm_exports_nocode.py)."""

from __future__ import annotations

import io

import openpyxl

from tests.app.conftest import uploaded
from tests.unit.test_crm_exports_nocode import MONDAY_SUB


def _board() -> bytes:
    wb = openpyxl.Workbook()
    for row in MONDAY_SUB:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_boards_groups_and_subitems_are_said_on_upload(data_dir):
    at = uploaded("board.xlsx", _board(), mime="application/octet-stream")
    assert any(s.value.startswith("Read 3 rows from board") for s in at.success)
    infos = " ".join(i.value for i in at.info)
    assert "2 groups" in infos and "(Leads, Won)" in infos and "map the stage to “Group”" in infos
    assert "5 rows belong to items' subitems" in infos
