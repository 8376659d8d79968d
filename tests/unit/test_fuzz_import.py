"""File fuzzing: generated CSV and XLSX bytes either import or fail with a translated FunnelError —
never another exception — and a failed import leaves the stored datasets as they were.

Bounded for CI: a fixed number of examples, no per-example deadline (workbooks are parsed in a
child process, about a second each), the whole module well under a minute.
"""

from __future__ import annotations

import io
import string

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from funnel.errors import FunnelError
from funnel.i18n import LANGUAGES, catalog
from funnel.importer import import_file
from funnel.store import Store

SEED = b"id,name,stage,amount\n1,a,Won,10\n2,b,Lost,5\n"
NASTY = ["", " ", '"', '""', "'", "=1+1", "1e309", "-inf", "nan", "\r", "\n", "\t", ";", ",", "\x00", "Итого",
         "Total", "31.02.2024", "2024-13-45", "1 000,50", "€", "<img src=x>", "![x](http://h/p.png)", "\ufeff"]
cell = st.one_of(st.sampled_from(NASTY), st.text(string.printable, max_size=12),
                 st.text(max_size=8), st.integers(-10**12, 10**12).map(str))
HEADER = st.lists(st.one_of(st.sampled_from(["id", "ID", "Stage", "Этап", "Amount", "Created", "Manager", "Status",
                                             "Pipeline", "", "Сумма"]), cell), min_size=1, max_size=6)


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(HEADER)
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=len(header) + 2), max_size=12))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    quote = draw(st.booleans())
    lines = [sep.join(('"' + c.replace('"', '""') + '"') if quote else c for c in row) for row in [header, *rows]]
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage: cut or splice raw bytes
        at = draw(st.integers(0, max(len(data), 1)))
        data = data[:at] + draw(st.binary(max_size=16)) + data[at + draw(st.integers(0, 8)):]
    return data


@st.composite
def xlsx_bytes(draw) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    values = st.one_of(cell, st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False), st.none())
    for row in draw(st.lists(st.lists(values, max_size=5), min_size=1, max_size=8)):
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if draw(st.booleans()):  # a damaged workbook (the position drawn apart from the saved size,
        at = draw(st.integers(0, 9_999)) * len(data) // 10_000  # which varies with the save time)
        data = data[:at] + draw(st.binary(max_size=32)) + data[at + 16:]
    return data


_STORE: list[Store] = []


def _store() -> Store:
    """One in-memory store with one stored dataset for all examples (a success is deleted again)."""
    if not _STORE:
        _STORE.append(Store(":memory:"))
        import_file(_STORE[0], SEED, "seed.csv")
    return _STORE[0]


def _check_import(data: bytes, name: str) -> None:
    store = _store()
    before = [(r["id"], r["name"], r["n_deals"]) for r in store.datasets()]
    try:
        info, _built, _draft = import_file(store, data, name, force=True)
    except FunnelError as error:
        for lang in LANGUAGES:
            assert f"error.{error.code}" in catalog(lang), (error.code, lang)
            assert error.message(lang) != f"error.{error.code}"
        assert [(r["id"], r["name"], r["n_deals"]) for r in store.datasets()] == before
        with store.connect() as con:
            assert con.execute("SELECT count(*) FROM ds_1.deals").fetchone()[0] == 2
    else:
        assert len(store.datasets()) == len(before) + 1
        store.delete(info.id)


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(csv_bytes())
def test_fuzzed_csv_imports_or_fails_cleanly(data):
    _check_import(data, "fuzz.csv")


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(xlsx_bytes())
def test_fuzzed_xlsx_imports_or_fails_cleanly(data):
    _check_import(data, "fuzz.xlsx")
