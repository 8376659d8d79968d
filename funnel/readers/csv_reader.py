"""CSV (and tab-separated "Unicode text") files into a staged DuckDB table.

Python sniffs a sample (encoding, delimiter, header row); DuckDB reads the whole file, so a
million-row export stages in about a second. Non-UTF-8 files are first transcoded to a
temporary UTF-8 file in 1 MB chunks.

Row numbers count records, as a spreadsheet shows them (a multi-line cell is one row). DuckDB
reads records in order (``parallel=false``, which ragged rows with quoted newlines need anyway)
but silently skips empty lines, so when a file has empty lines outside quoted cells their record
numbers are found with Python's csv module and added back (``ASOF`` join).
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from pathlib import Path

import duckdb

from ..errors import FunnelError
from ..sql import ident, render, run
from . import limits, sniff
from .board_groups import title_above
from .header_rows import HeaderRows, choose_header
from .staging import (
    RawTable,
    SkippedRow,
    excel_text,
    excel_text_columns,
    finish_table,
    pad,
    staged_cells_sql,
    trim_cells,
    untrimmed_cell_sql,
)

CHUNK = 1 << 20
MAX_LINE = limits.MAX_LINE_BYTES
# DuckDB's read buffer defaults to 16 x max_line_size (or the whole file when smaller): one
# allocation that a store's memory budget (funnel/store.py) cannot hold. The least it accepts is
# a bit more than max_line_size.
BUFFER = 2 * MAX_LINE
UTF8 = ("utf-8", "utf-8-sig")


def stage_csv(con, path: Path, file_name: str, table: str, header_rows: HeaderRows | None = None) -> RawTable:
    size = path.stat().st_size
    with open(path, "rb") as fh:
        sample = fh.read(sniff.SAMPLE_BYTES)
    complete = size <= sniff.SAMPLE_BYTES
    if size == 0 or (sniff.is_blank_bytes(sample) and _all_blank(path)):
        raise FunnelError("file.empty", file=file_name)
    encoding = sniff.detect_encoding(sample, complete)
    if encoding is None:
        raise FunnelError("file.binary", file=file_name)
    text = sniff.decode_sample(sample, encoding, complete)
    delimiter = sniff.detect_delimiter(text, complete)
    records = sniff.parse_records(text, delimiter, complete)
    texts = excel_text_columns(records)  # ="00123" (Excel's text formula): the column's cells read as 00123
    records = [[excel_text(cell) for cell in record] for record in records]
    header = choose_header(records, file_name, given=header_rows, complete=complete)
    hdr = header.bottom  # the data starts under it (a two-row header's lower row)
    width = max(len(r) for r in records)
    limits.check_columns(width, file_name)
    headers = pad(header.names, width)
    header_ordinal = sum(1 for r in records[: hdr + 1] if r)  # DuckDB does not count empty lines
    notes: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="funnel_csv_") as tmp:
        data = path
        if encoding not in UTF8:
            data = transcode(path, encoding, Path(tmp) / "utf8.csv")
            notes.append(("readers.encoding", {"encoding": encoding, "file": file_name}))
        elif b"\x00" in sample:  # NUL bytes inside a cell (Salesforce rich text): dropped
            data = transcode(path, encoding, Path(tmp) / "utf8.csv")
            notes.append(("readers.nul_bytes", {"file": file_name}))
        quoted = _has_byte(data, b'"')
        try:
            blanks = _load(con, data, table, delimiter, width, header_ordinal, texts)
        except duckdb.Error:
            # Invalid UTF-8 after the sample: read it again with bad bytes replaced.
            data = transcode(path, "utf-8", Path(tmp) / "fixed.csv")
            notes.append(("readers.bad_bytes", {"file": file_name}))
            blanks = _load(con, data, table, delimiter, width, header_ordinal, texts)
    skipped = [SkippedRow(b, "blank", "") for b in blanks if b > hdr + 1]
    skipped += _wide_rows(con, table, headers, delimiter)
    headers, n_rows, skipped, more = finish_table(con, table, headers, file_name, skipped,
                                                  first_title=title_above(records, header.top))
    return RawTable(table, headers, n_rows, file_name, "csv", encoding, delimiter, None, [],
                    hdr + 1, skipped, notes + header.notes + more, quoted=quoted, header_rows=header.rows)


WIDE_ROWS_MAX = 1000  # rows with cells past the header's titles, at most, to be skipped as shifted


def _wide_rows(con, table: str, headers: list[str], delimiter: str) -> list[SkippedRow]:
    """Rows with cells past the header's last title, when only some rows have them: a delimiter inside a value
    that is not in quotes («1003;ООО Ромашка; поставка;30000;…») shifted the row's cells one to the right, its
    manager read as the stage and its stage as the date (survey 30: a funnel step «Анна Смирнова», won 0 of 1, said
    only as unreadable cells). Such a row is skipped, said as a warning with its text; nothing tells which of its
    cells are where. Cells past the titles in most rows are a column without a title and stay."""
    named = max((i for i, h in enumerate(headers) if h.strip()), default=-1) + 1
    if named == 0 or named >= len(headers):
        return []
    past = " OR ".join(render("{c} IS NOT NULL", c=ident(f"c{i}")) for i in range(named, len(headers)))
    cells = ", ".join(ident(f"c{i}") for i in range(len(headers)))
    total, wide = run(con, render("SELECT count(*), count(*) FILTER (WHERE {p}) FROM {t}", p=past,
                                  t=ident(table))).fetchone()
    if not wide or wide * 2 > total or wide > WIDE_ROWS_MAX:
        return []
    rows = run(con, render("SELECT row_no, concat_ws($d, {cells}) FROM {t} WHERE {p} ORDER BY row_no", cells=cells,
                           t=ident(table), p=past), {"d": delimiter}).fetchall()
    run(con, render("DELETE FROM {t} WHERE {p}", t=ident(table), p=past))
    return [SkippedRow(int(row_no), "extra_cells", (text or "")[:200]) for row_no, text in rows]


def _has_byte(path: Path, byte: bytes) -> bool:
    """Whether the file holds ``byte`` anywhere (read in chunks; ``in`` is a C memchr)."""
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK * 16):
            if byte in chunk:
                return True
    return False


def _all_blank(path: Path) -> bool:
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if not sniff.is_blank_bytes(chunk):
                return False
    return True


def transcode(src: Path, encoding: str, dst: Path) -> Path:
    """Re-encode ``src`` as UTF-8 into ``dst`` in chunks (undecodable bytes become U+FFFD, NUL
    characters are dropped: DuckDB's reader refuses them and no CRM value needs one)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(CHUNK):
            fout.write(decoder.decode(chunk).replace("\x00", "").encode("utf-8"))
        fout.write(decoder.decode(b"", final=True).replace("\x00", "").encode("utf-8"))
    return dst


def _load(con, path: Path, table: str, delimiter: str, width: int, header_ordinal: int,
          texts: frozenset[int] = frozenset()) -> list[int]:
    """Stage the records after the header; returns record numbers of empty lines."""
    blanks = blank_records(path, delimiter)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    cells = staged_cells_sql(width, untrimmed_cell_sql)
    params = {"path": str(path), "delim": delimiter, "hdr": header_ordinal}
    if not blanks:
        # The parallel reader keeps file order but refuses padded rows with quoted line breaks
        # (DuckDB 2.0); the single-threaded one reads anything. Try the fast one first.
        for parallel in ("true", "false"):
            sql = render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT CAST(k AS INTEGER) AS row_no, {cells} "
                         "FROM ({src}) AS s WHERE k > $hdr", t=ident(table), cells=cells,
                         src=_read_csv_sql(columns, parallel))
            try:
                run(con, sql, params)
                break
            except duckdb.Error:
                if parallel == "false":
                    raise
        trim_cells(con, table, width, texts)
        return []
    source = _read_csv_sql(columns, "false")
    run(con, "CREATE OR REPLACE TEMP TABLE funnel_blank_lines (t BIGINT, j BIGINT)")
    shifts = {}
    for j, b in enumerate(blanks, start=1):
        shifts[b - j] = j  # non-blank records before blank j -> blanks so far
    con.executemany("INSERT INTO funnel_blank_lines VALUES (?, ?)", list(shifts.items()))
    sql = render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT CAST(s.k + COALESCE(b.j, 0) AS INTEGER) AS row_no, "
                 "{cells} FROM ({src}) AS s ASOF LEFT JOIN funnel_blank_lines AS b ON s.k > b.t "
                 "WHERE s.k > $hdr ORDER BY row_no", t=ident(table), cells=cells, src=source)
    run(con, sql, params)
    run(con, "DROP TABLE funnel_blank_lines")
    trim_cells(con, table, width, texts)
    return blanks


def _read_csv_sql(columns: str, parallel: str) -> str:
    return render(
        "SELECT row_number() OVER () AS k, * FROM read_csv($path, delim=$delim, header=false, quote='\"', "
        "escape='\"', new_line='\\n', null_padding=true, parallel={parallel}, strict_mode=false, "
        "auto_detect=false, max_line_size={max_line}, buffer_size={buffer}, columns={columns})",
        max_line=str(MAX_LINE), buffer=str(BUFFER), columns=columns, parallel=parallel)


def blank_records(path: Path, delimiter: str) -> list[int]:
    """Record numbers of empty lines before the last record ([] when there are none).

    Cheap check first: an empty line is two line breaks in a row outside quotes (the count of
    ``"`` before it is even). Only then does Python's csv module walk the file.
    """
    if path.stat().st_size == 0 or not _has_blank_line(path):
        return []
    blanks, last = [], 0
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        for number, record in enumerate(reader, start=1):
            if record:
                last = number
            else:
                blanks.append(number)
    return [b for b in blanks if b < last]


_BREAKS = (b"\n\n", b"\n\r", b"\r\r")
_TRAILING = b"\n\r \t"


def _has_blank_line(path: Path) -> bool:
    """Whether two line breaks follow each other outside a quoted cell before the file's end.

    Read in chunks (a memory map would count the whole file in the process's resident memory);
    every byte is looked at by C code (``find``, ``count``), never by a Python loop per line.
    After 100,000 line-break pairs inside quotes it gives up and says yes (the csv walk decides).
    """
    size = path.stat().st_size
    with open(path, "rb") as fh:
        start = 3 if fh.read(3) == codecs.BOM_UTF8 else 0
        end = _content_end(fh, size, start)
        fh.seek(start)
        if fh.read(1) in (b"\n", b"\r"):
            return True
        fh.seek(start)
        pos, quotes, seen, carry = start, 0, 0, b""
        while pos < end:
            chunk = carry + fh.read(min(CHUNK * 16, end - pos))
            base = pos - len(carry)  # file offset of chunk[0]
            hits = sorted({h for pat in _BREAKS for h in _find_all(chunk, pat)})
            last = len(carry)  # quotes of the carried byte were counted with the previous chunk
            for hit in hits:
                if hit >= last:
                    quotes += chunk.count(b'"', last, hit)
                    last = hit
                if base + hit < start:
                    continue
                if quotes % 2 == 0 or seen > 100_000:
                    return True
                seen += 1
            quotes += chunk.count(b'"', last)
            pos = base + len(chunk)
            carry = chunk[-1:]
    return False


def _find_all(data: bytes, pattern: bytes) -> list[int]:
    out, hit = [], data.find(pattern)
    while hit != -1:
        out.append(hit)
        hit = data.find(pattern, hit + 1)
    return out


def _content_end(fh, size: int, start: int) -> int:
    """Offset after the last byte that is not a line break, space or tab."""
    end = size
    while end > start:
        block = max(start, end - CHUNK)
        fh.seek(block)
        data = fh.read(end - block)
        stripped = data.rstrip(_TRAILING)
        if stripped:
            return block + len(stripped)
        end = block
    return start
