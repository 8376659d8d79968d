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
from . import limits, mixed_text, sniff
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
        if data is path:
            # one read: the quotes, and a BOM past the start (exports pasted together: the second one's BOM would
            # stick to a deal id); dropping it keeps the quotes
            quotes, inner_bom = _scan(path)
            if inner_bom:
                data = transcode(path, encoding, Path(tmp) / "utf8.csv")
        else:
            quotes = _count_byte(data, b'"')
        quoted = quotes > 0
        if quotes % 2:  # quotes pair up in a whole file: an odd count may be a file cut inside a quoted cell
            _refuse_cut(data, delimiter, headers, file_name, last_line=True)
        try:
            blanks, short = _load(con, data, table, delimiter, width, header_ordinal, texts, _titled(headers))
        except duckdb.Error:
            # Invalid UTF-8 (a few lines in another code page, or after the sample): those lines read in their
            # own encoding and named (mixed_text.py)
            data = Path(tmp) / "fixed.csv"
            lines, other = mixed_text.repair(path, data)
            if lines:
                notes.append(mixed_text.note(file_name, lines, other))
            try:
                blanks, short = _load(con, data, table, delimiter, width, header_ordinal, texts, _titled(headers))
            except duckdb.Error:
                _refuse_cut(data, delimiter, headers, file_name)
                raise
    skipped = [SkippedRow(b, "blank", "") for b in blanks if b > hdr + 1]
    skipped += _wide_rows(con, table, headers, delimiter)
    read_headers = headers
    headers, n_rows, skipped, more = finish_table(con, table, headers, file_name, skipped,
                                                  first_title=title_above(records, header.top))
    if short and headers[:_titled(read_headers)] == read_headers[:_titled(read_headers)]:
        cut_rows = _short_rows(con, table, _titled(read_headers), short)
        skipped = sorted(skipped + cut_rows, key=lambda s: s.row_no)
        n_rows -= len(cut_rows)
    return RawTable(table, headers, n_rows, file_name, "csv", encoding, delimiter, None, [],
                    hdr + 1, skipped, notes + header.notes + more, quoted=quoted, header_rows=header.rows)


WIDE_ROWS_MAX = 1000  # rows with cells past the header's titles, at most, to be skipped as shifted
NO_NULL = "\x01"  # read_csv's nullstr: no cell is it, so an empty cell reads as '' and a padded one as NULL
SHORT_CELLS = "funnel_cells"  # a staged table's column while it is read: the cells of a row cut short


def _titled(headers: list[str]) -> int:
    """The columns up to the header's last title."""
    return max((i for i, h in enumerate(headers) if h.strip()), default=-1) + 1


def _short_cells_sql(titled: int) -> str:
    """The number of cells of a row that ends before the header's last title (NULL for a whole row). Read with
    ``nullstr`` no cell can hold, an empty cell is '' and only the cells past the row's end are NULL."""
    present = " + ".join(render("CAST({c} IS NOT NULL AS INTEGER)", c=ident(f"c{i}")) for i in range(titled))
    return render("CASE WHEN {last} IS NULL THEN {n} END AS {col}", last=ident(f"c{titled - 1}"), n=present,
                  col=ident(SHORT_CELLS))


def _short_candidates(con, table: str, titled: int, delimiter: str) -> list[tuple[int, int, str]]:
    """The rows that end before the header's last title, when only some rows do (≤ half, ≤ WIDE_ROWS_MAX): their
    record numbers, cell counts and texts. The staged table's count column is dropped."""
    total, short = run(con, render("SELECT count(*), count({c}) FROM {t}", c=ident(SHORT_CELLS),
                                   t=ident(table))).fetchone()
    rows = []
    if short and short * 2 <= total and short <= WIDE_ROWS_MAX:
        cells = ", ".join(render("COALESCE({c}, '')", c=ident(f"c{i}")) for i in range(titled))
        for row_no, n, *values in run(con, render("SELECT row_no, {n}, {cells} FROM {t} WHERE {n} IS NOT NULL "
                                                  "ORDER BY row_no", n=ident(SHORT_CELLS), cells=cells,
                                                  t=ident(table))).fetchall():
            if not any("\n" in v for v in values):  # a quote never closed swallowed the lines after it: limits.py
                rows.append((int(row_no), int(n), delimiter.join(values[:n])[:200]))
    run(con, render("ALTER TABLE {t} DROP COLUMN {c}", t=ident(table), c=ident(SHORT_CELLS)))
    return rows


def _short_rows(con, table: str, titled: int, candidates: list[tuple[int, int, str]]) -> list[SkippedRow]:
    """Rows cut short (survey 30: «1003;Сделка 3;30000» under a header of seven titles, a won deal read as an open
    one at the first stage, its stage said missing): a row with two cells or more that ends before a column every
    other row fills is skipped, said as a warning with its text, as a shifted row is. A line break inside a value
    that is not in quotes cuts a record in two rows: the half beside such a row whose cells make one record with
    it goes too. A row that only leaves off empty cells at its end (Excel
    writes some rows so) misses no such column and stays; so does a one-cell row (a note, a group's title)."""
    present = {row_no: (n, text) for row_no, n, text in candidates if n >= 2}
    if not present:
        return []
    rows = run(con, render("SELECT row_no FROM {t} WHERE list_contains($rows, row_no)", t=ident(table)),
               {"rows": list(present)}).fetchall()
    kept = [int(r[0]) for r in rows]
    if not kept:
        return []
    first = min(present[r][0] for r in kept)
    nulls = run(con, render("SELECT count(*), {n} FROM {t} WHERE NOT list_contains($rows, row_no)",
                            n=", ".join(render("count(*) FILTER (WHERE {c} IS NULL)", c=ident(f"c{i}"))
                                        for i in range(first, titled)), t=ident(table)),
                {"rows": kept}).fetchone()
    others, empties = nulls[0], nulls[1:]
    if others < 2:
        return []
    always = [first + i for i, n in enumerate(empties) if n == 0]
    cut = {r for r in kept if any(column >= present[r][0] for column in always)}
    for r in kept:  # the other half of a record cut in two: the halves' cells make one row (the cut value in both)
        if any(o in cut and present[r][0] + present[o][0] - 1 == titled for o in (r - 1, r + 1) if o in present):
            cut.add(r)
    if cut:
        run(con, render("DELETE FROM {t} WHERE list_contains($rows, row_no)", t=ident(table)), {"rows": sorted(cut)})
    return [SkippedRow(r, "short_cells", present[r][1]) for r in sorted(cut)]


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


def cut_in_quote(path: Path, delimiter: str, last_line: bool = False) -> tuple[int, int, str] | None:
    """Where a UTF-8 file ends inside a quoted cell: (its record number, the cell's column from 0, the cell's
    first 40 characters), or None. A download or a copy cut off mid-file leaves the last cell's quote open
    (survey 30: «1003;"Сделка 3 обрезана;30000;Анна» as the file's end), which DuckDB's reader refuses;
    the refusal names the row and the cell instead of calling the file damaged. Walked by Python's csv
    module (strict: the end of data inside quotes is its own error), on the refusal's path only."""
    first_lines: list[str] = []
    state = {"line": 0, "start": 1}

    def lines():
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            for line in fh:
                state["line"] += 1
                if state["line"] == state["start"]:
                    first_lines.append(line)
                yield line

    reader = csv.reader(lines(), delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
    records = 0
    try:
        for _ in reader:
            records += 1
            state["start"] = state["line"] + 1
    except csv.Error as error:
        if "unexpected end of data" not in str(error) or not first_lines:
            return None
        if last_line and state["line"] > state["start"]:
            return None
        cells = next(csv.reader([first_lines[-1]], delimiter=delimiter, quotechar='"', strict=False), [""])
        value = " ".join(cells[-1].split())
        return records + 1, len(cells) - 1, value[:40] + ("…" if len(value) > 40 else "")
    return None


def _refuse_cut(path: Path, delimiter: str, headers: list[str], file_name: str, last_line: bool = False) -> None:
    """Refuse a file that ends inside a quoted cell (:func:`cut_in_quote`), naming the cut record's row,
    column and value; return when it does not. DuckDB's reader refuses some such files and closes the quote
    at the end of others: a cut first cell (``"310`` after one whole deal) imported as a deal «310».
    ``last_line``: only a record begun on the file's last line (a quote that swallowed the lines below it is
    ``limits.unclosed_quote``'s, which counts them)."""
    cut = cut_in_quote(path, delimiter, last_line=last_line)
    if cut is None:
        return
    row, column, value = cut
    raise FunnelError("file.cut_in_quote", file=file_name, row=row, value=value,
                      column=headers[column] if column < len(headers) and headers[column] else str(column + 1))


def _count_byte(path: Path, byte: bytes) -> int:
    """How many times the file holds ``byte`` (read in chunks; ``bytes.count`` runs in C)."""
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK * 16):
            n += chunk.count(byte)
    return n


def _all_blank(path: Path) -> bool:
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if not sniff.is_blank_bytes(chunk):
                return False
    return True


def transcode(src: Path, encoding: str, dst: Path) -> Path:
    """Re-encode ``src`` as UTF-8 into ``dst`` in chunks (undecodable bytes become U+FFFD, NUL
    characters are dropped: DuckDB's reader refuses them and no CRM value needs one; so are byte order
    marks, U+FEFF, past the file's start: invisible, they made «\ufeff2» a deal id no history row meets)."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def clean(text: str) -> bytes:
        return text.replace("\x00", "").replace(BOM, "").encode("utf-8")

    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while chunk := fin.read(CHUNK):
            fout.write(clean(decoder.decode(chunk)))
        fout.write(clean(decoder.decode(b"", final=True)))
    return dst


BOM = "\ufeff"
_UTF8_BOM = BOM.encode("utf-8")


def _scan(path: Path) -> tuple[int, bool]:
    """How many ``"`` the file holds and whether a UTF-8 BOM stands anywhere past its first bytes, in one read
    (chunks overlap by two bytes, so a BOM split between two reads is still seen; ``count`` / ``find`` run in C)."""
    quotes, inner, tail, first = 0, False, b"", True
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK * 16):
            quotes += chunk.count(b'"')
            if not inner:
                block = tail + chunk
                inner = block.find(_UTF8_BOM, 1 if first else 0) >= 0
                tail, first = block[-2:], False
    return quotes, inner


def _load(con, path: Path, table: str, delimiter: str, width: int, header_ordinal: int,
          texts: frozenset[int] = frozenset(), titled: int = 0) -> tuple[list[int], list[tuple[int, int, str]]]:
    """Stage the records after the header; returns record numbers of empty lines, and the rows that end before
    the ``titled`` columns' last one when only a few do (:func:`_short_candidates`)."""
    blanks = blank_records(path, delimiter)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    cells = staged_cells_sql(width, untrimmed_cell_sql)
    if titled:
        cells += ", " + _short_cells_sql(titled)
    params = {"path": str(path), "delim": delimiter, "hdr": header_ordinal, "nullstr": NO_NULL}
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
        short = _short_candidates(con, table, titled, delimiter) if titled else []
        trim_cells(con, table, width, texts)
        return [], short
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
    short = _short_candidates(con, table, titled, delimiter) if titled else []
    trim_cells(con, table, width, texts)
    return blanks, short


def _read_csv_sql(columns: str, parallel: str) -> str:
    return render(
        "SELECT row_number() OVER () AS k, * FROM read_csv($path, delim=$delim, header=false, quote='\"', "
        "escape='\"', new_line='\\n', null_padding=true, nullstr=$nullstr, parallel={parallel}, strict_mode=false, "
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
