"""A zip archive of exported tables, read as a workbook is: its table files are its "sheets".

Users upload the zip their CRM wrote: Salesforce's Weekly Data Export (``Opportunity.csv``,
``OpportunityHistory.csv``, ``Account.csv`` … with API field names), Zoho's Data Backup (one CSV per
module, ``Deals_001.csv``, ``Accounts_001.csv``), HubSpot's e-mailed export
(``hubspot-crm-exports-all-deals-2024-08-27.csv``), or any zip of CSV / Excel files.

- **Members.** ``.csv .tsv .txt .xlsx .xls .ods`` files and API answers (``.json .jsonl .ndjson``) are
  tables; folders, ``__MACOSX/`` (macOS Finder's resource forks), dotfiles (``._Opportunity.csv``, ``.DS_Store``), Excel's ``~$`` lock files
  and every other type are not. A table is listed by its member name (``export/Opportunity.csv``).
  Names a Windows zip tool wrote in the OEM code page (cp866 for Russian, GBK for Chinese) without the
  UTF-8 flag are read so (:func:`member_name`).
- **Multi-part tables.** Zoho splits a module into ``Deals_001.csv``, ``Deals_002.csv`` …: text members
  whose names differ only by a trailing part number counted from 0 or 1 and whose first lines (the
  header) are the same bytes are ONE table, listed by its first part's name and read as one file (the
  later parts' header lines are not rows; row numbers count on through the parts, as if one file). Other
  headers, workbooks and numbers that do not count up from 1 (``Deals_2023.csv``, ``Deals_2024.csv``)
  stay separate tables. A UTF-16 member is never joined (its header line is not a line of bytes).
- **One table per step.** Text members of one folder whose header lines are the same short event-log header
  (at most three columns, one of them a step: ``user_id,page``) are one table too, read as one file: a
  funnel exported one table per step (Kaggle's e-commerce funnel: the users who saw each page). Said in
  the quality report (``archive.step_tables``).
- **Which table.** :func:`preferred` takes the deals: Salesforce's ``Opportunity``, Zoho's ``Deals``,
  HubSpot's ``hubspot-crm-exports-…-deals-…``, a name saying deal / opportunity / сделки / 商机; a stage
  history (``OpportunityHistory``, ``OpportunityFieldHistory``) never when another table is there;
  among equals, the one with most rows.
- **Reading a member.** It is copied, streamed, to a file of the reader's own temporary folder (never
  to a path built from its name: ``../../x.csv`` is just a name) and read by the very readers a plain
  upload goes through (:mod:`.plain`), so encodings, header rows, NULs and limits behave the same; a
  workbook member with several sheets gives its preferred sheet (as an import of the workbook would;
  said in the quality report). Its size is checked against ``limits.MAX_FILE_BYTES`` before (the size
  the archive declares) and while it is copied (the bytes really unpacked): a zip bomb is refused by
  name, ``export.zip › Opportunity.csv``, as every message about a member names both.
- **A stage history beside the deals.** :func:`history_beside` finds ``<stem>History``,
  ``<stem>_history`` or ``<stem> stage history`` next to the chosen ``<stem>`` (``OpportunityHistory.csv``
  beside ``Opportunity.csv``); the importer uses it as the stage history when no history file is given.
  ``OpportunityFieldHistory.csv`` is not used: it tracks many fields, the stage only when an admin
  turned field tracking on, and ``OpportunityHistory`` already holds every stage change.
- **A list of stages beside the deals.** :func:`stage_list_beside` finds a table named as one
  (``pipelines.json``, ``stages.csv``, ``crm.status.list.json``) next to the chosen deals; the importer
  reads it as the CRM's list of stages (importer/stage_list.py) when no second file is given and it is one.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import FunnelError
from . import limits, sniff
from .header_rows import HeaderRows
from .plain import file_kind_of, stage_plain
from .staging import RawTable
from .wps import wps_named

CHUNK = 1 << 20
SEPARATOR = " › "  # between an archive's name and its member's, in every message
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
LISTED_MEMBERS = 12  # members named in a refusal, at most
_PART = re.compile(r"^(?P<base>.*?\D)(?P<num>\d{1,4})$")
_DEAL_WORDS = {"deal", "deals", "opportunity", "opportunities", "сделка", "сделки", "商机", "potentials"}
_HISTORY_WORDS = ("history", "история", "историясделок", "历史")
# a CRM's list of stages saved beside its deals (amoCRM's pipelines, Pipedrive's stages, Bitrix24's crm.status.list)
_STAGE_LIST_WORDS = {"pipelines", "pipeline", "stages", "statuses", "status", "этапы", "воронки", "阶段"}
_HUBSPOT_DEALS = re.compile(r"^hubspot-crm-exports?-.*deals")
_TOKEN = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\x20-\x7e\u0400-\u04ff№]*")
_CJK = re.compile(r"[\x20-\x7e\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*")


@dataclass(frozen=True)
class Table:
    """One table of an archive: a member, or the parts of a multi-part one (first part first)."""

    name: str
    parts: tuple[zipfile.ZipInfo, ...]
    steps: bool = False  # one table per step of an event log, read as one (:func:`_step_tables`)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    @property
    def stem(self) -> str:
        """The name without folder, extension and part number, in lower case (``deals`` of ``Deals_001.csv``)."""
        stem = PurePosixPath(self.name).stem.lower()
        part = _PART.match(stem)
        if part and (len(self.parts) > 1 or part.group("num").startswith("0")):  # Deals_001: a first part
            return part.group("base").rstrip("_- .")
        return stem

    @property
    def folder(self) -> str:
        return str(PurePosixPath(self.name).parent)


def label(file_name: str, member: str) -> str:
    """How a message names a member: ``export.zip › Opportunity.csv``."""
    return f"{file_name}{SEPARATOR}{member}"


# ---------------------------------------------------------------- listing


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it. Without the UTF-8 flag ``zipfile`` reads names as cp437;
    the bytes are read again as UTF-8 (macOS, Linux), else as cp866 when that gives Cyrillic (a Russian
    Windows), else as GBK when that gives Chinese (a Chinese Windows), else left as they are."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    if raw.isascii():
        return info.filename
    for encoding, pattern in (("utf-8", None), ("cp866", _CYRILLIC), ("gb18030", _CJK)):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if pattern is None or pattern.fullmatch(text):
            return text
    return info.filename


def is_table_member(name: str, info: zipfile.ZipInfo) -> bool:
    """A table file: a table suffix, not a folder, not macOS's ``__MACOSX/`` or a dotfile, not ``~$``."""
    path = PurePosixPath(name.replace("\\", "/"))
    if info.is_dir() or "__MACOSX" in path.parts or not path.name:
        return False
    return not path.name.startswith((".", "~$")) and path.suffix.lower() in sniff.TABLE_SUFFIXES


@contextmanager
def open_archive(path: Path, file_name: str) -> Iterator[zipfile.ZipFile]:
    """The archive's ``ZipFile``; a central directory of more than ``limits.MAX_ARCHIVE_ENTRIES``
    entries is refused before it is parsed, a damaged one by name."""
    entries = sniff.zip_entries(path)
    if entries is not None and entries > limits.MAX_ARCHIVE_ENTRIES:
        raise FunnelError("archive.too_many_entries", file=file_name, n=entries, limit=limits.MAX_ARCHIVE_ENTRIES)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise FunnelError("archive.damaged", file=file_name) from error
    with zf:
        yield zf


def tables(zf: zipfile.ZipFile) -> list[Table]:
    """The archive's tables in member order, multi-part ones joined (module docstring)."""
    members: list[tuple[str, zipfile.ZipInfo]] = []
    seen: dict[str, int] = {}
    for info in zf.infolist():
        name = member_name(info)
        if not is_table_member(name, info):
            continue
        if name in seen:  # the same name twice (zip allows it): the second is told by a number
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        seen.setdefault(name, 1)
        members.append((name, info))
    groups: dict[tuple, list[tuple[int, str, zipfile.ZipInfo]]] = {}
    for name, info in members:
        path = PurePosixPath(name)
        part = _PART.match(path.stem)
        if part and path.suffix.lower() in TEXT_SUFFIXES:
            key = (str(path.parent), part.group("base").lower(), path.suffix.lower())
            groups.setdefault(key, []).append((int(part.group("num")), name, info))
    joined: dict[str, Table] = {}  # first part's name -> its table
    absorbed: set[str] = set()
    for parts in groups.values():
        if len(parts) < 2:
            continue
        by_header: dict[bytes, list[tuple[int, str, zipfile.ZipInfo]]] = {}
        for num, name, info in sorted(parts, key=lambda p: p[0]):
            header = first_line(zf, info)
            if header is not None:
                by_header.setdefault(header, []).append((num, name, info))
        for same in by_header.values():
            numbers = [num for num, _n, _i in same]
            if len(same) > 1 and numbers[0] in (0, 1) and numbers == list(range(numbers[0], numbers[0] + len(same))):
                joined[same[0][1]] = Table(same[0][1], tuple(info for _num, _name, info in same))
                absorbed.update(name for _num, name, _info in same[1:])
    return _step_tables(zf, [joined.get(name) or Table(name, (info,)) for name, info in members if name not in absorbed])


# the step column of a table that holds one step of an event log (the Kaggle e-commerce funnel's
# ``home_page_table.csv`` … ``payment_confirmation_table.csv``, each ``user_id,page``)
_STEP_COLUMNS = {"page", "event", "step", "action", "event_name", "event_type", "stage", "страница", "событие",
                 "шаг", "页面", "事件", "步骤"}
_HEADER_SPLIT = re.compile(r"[,;\t]")


def _step_tables(zf: zipfile.ZipFile, found: list[Table]) -> list[Table]:
    """``found`` with the one-part text tables of a folder that share a short event-log header (at most
    three columns, one of them a step: ``user_id,page``) joined into one table, listed by the first's
    name: a funnel exported one table per step (the users who saw each page). Before, one of them was
    read alone, a funnel of one step."""
    groups: dict[tuple[str, bytes], list[Table]] = {}
    for t in found:
        if len(t.parts) == 1 and t.suffix in TEXT_SUFFIXES:
            header = first_line(zf, t.parts[0])
            if header is not None and _is_step_header(header):
                groups.setdefault((t.folder, header), []).append(t)
    absorbed: set[str] = set()
    first: dict[str, Table] = {}
    for same in groups.values():
        if len(same) > 1:
            first[same[0].name] = Table(same[0].name, tuple(t.parts[0] for t in same), steps=True)
            absorbed.update(t.name for t in same[1:])
    return [first.get(t.name, t) for t in found if t.name not in absorbed]


def _is_step_header(header: bytes) -> bool:
    try:
        text = header.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return False
    cells = [c.strip().strip('"').lower() for c in _HEADER_SPLIT.split(text)]
    return 2 <= len(cells) <= 3 and any(c in _STEP_COLUMNS for c in cells)


def first_line(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A text member's first line (a UTF-8 BOM and the line end left out), or None when it has none in
    its first 64 KB, holds a NUL (UTF-16) or cannot be read."""
    try:
        with zf.open(info) as fh:
            head = fh.read(sniff.SAMPLE_BYTES)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error):
        return None
    line, newline, _rest = head.partition(b"\n")
    if not newline or b"\x00" in line:
        return None
    return line.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r")


def list_tables(path: Path, file_name: str) -> list[tuple[str, int]]:
    """(table name, data rows) of every table of the archive. Rows of a text member are counted by its
    line breaks, streamed (approximate: a quoted cell's line break counts as a row, a blank or footer
    line too; the import's own count is exact); a workbook member's are its preferred sheet's. A member
    past the size limit is counted up to it (refused by name when it is read)."""
    with open_archive(path, file_name) as zf:
        found = tables(zf)
        counts = _row_counts(zf, path, file_name, found)
    return [(t.name, counts[t.name]) for t in found]


def preferred(path: Path, file_name: str) -> str:
    """The table an import of the archive reads when none is named (module docstring)."""
    with open_archive(path, file_name) as zf:
        found = tables(zf)
        if not found:
            raise no_tables(zf, file_name)
        return _preferred(zf, path, file_name, found).name


def history_beside(path: Path, file_name: str, member: str) -> str | None:
    """The stage history next to table ``member``: ``<stem>History``, ``<stem>_history`` or
    ``<stem> stage history`` in the same folder (``OpportunityHistory.csv`` beside ``Opportunity.csv``),
    None when there is none. ``OpportunityFieldHistory`` is never it (module docstring)."""
    with open_archive(path, file_name) as zf:
        found = tables(zf)
    chosen = next((t for t in found if t.name == member), None)
    if chosen is None:
        return None
    wanted = {chosen.stem + tail for tail in ("history", "_history", " history", "-history", " stage history",
                                              "_stage_history", "stagehistory")}
    return next((t.name for t in found if t is not chosen and t.folder == chosen.folder and t.stem in wanted), None)


def history_table(path: Path, file_name: str) -> str | None:
    """For an archive given as the stage-history file: its table whose name says stage history (not a
    field history), the one with most rows among several; None when no name says so."""
    with open_archive(path, file_name) as zf:
        found = [t for t in tables(zf) if _is_history(t.stem) and "field" not in t.stem]
        if not found:
            return None
        counts = _row_counts(zf, path, file_name, found) if len(found) > 1 else {found[0].name: 0}
    return max(found, key=lambda t: counts[t.name]).name


def _is_history(stem: str) -> bool:
    return any(word in stem.replace(" ", "") for word in _HISTORY_WORDS)


def _is_stage_list(stem: str) -> bool:
    """``pipelines``, ``stages``, ``crm.status.list``: a list of stages, not of deals (``deals_by_stage`` is deals)."""
    tokens = set(_TOKEN.findall(stem))
    return bool(tokens & _STAGE_LIST_WORDS) and not tokens & _DEAL_WORDS and "сделк" not in stem


def stage_list_beside(path: Path, file_name: str, member: str) -> str | None:
    """A table beside ``member`` in the same folder whose name says it lists stages (``pipelines.json``
    beside ``leads.json``), None when there is none: read as the CRM's list of stages when it is one."""
    with open_archive(path, file_name) as zf:
        found = tables(zf)
    chosen = next((t for t in found if t.name == member), None)
    if chosen is None:
        return None
    return next((t.name for t in found if t is not chosen and t.folder == chosen.folder and _is_stage_list(t.stem)),
                None)


def _rank(table: Table) -> int:
    """3: the deals by name (``Opportunity``, ``Deals``, HubSpot's deals export); 2: a name holding such
    a word; 1: any other table; 0: a history (of stages, fields) or a list of stages, never the deals
    when others exist."""
    stem = table.stem
    if _is_history(stem) or _is_stage_list(stem):
        return 0
    if stem in _DEAL_WORDS or _HUBSPOT_DEALS.match(stem):
        return 3
    if set(_TOKEN.findall(stem)) & _DEAL_WORDS or "商机" in stem or "сделк" in stem:
        return 2
    return 1


def _preferred(zf: zipfile.ZipFile, path: Path, file_name: str, found: list[Table]) -> Table:
    best = max(_rank(t) for t in found)
    candidates = [t for t in found if _rank(t) == best]
    if len(candidates) == 1:
        return candidates[0]
    counts = _row_counts(zf, path, file_name, candidates)
    return max(candidates, key=lambda t: counts[t.name])  # max keeps the first of equal counts


def no_tables(zf: zipfile.ZipFile, file_name: str) -> FunnelError:
    names = [member_name(i) for i in zf.infolist() if not i.is_dir()]
    listed = ", ".join(names[:LISTED_MEMBERS]) + (" …" if len(names) > LISTED_MEMBERS else "")
    return FunnelError("archive.no_tables", file=file_name, members=listed or "—")


# ---------------------------------------------------------------- row counts (kept per archive)

_COUNTS: list = []  # [key, {table name: rows}] of the last archive counted (the Data page reruns)
_COUNTS_LOCK = threading.Lock()


def _row_counts(zf: zipfile.ZipFile, path: Path, file_name: str, found: list[Table]) -> dict[str, int]:
    key = (_digest(path), file_name)
    with _COUNTS_LOCK:
        known: dict[str, int] = dict(_COUNTS[1]) if _COUNTS and _COUNTS[0] == key else {}
    for table in found:
        if table.name not in known:
            known[table.name] = _count_rows(zf, table, file_name)
    with _COUNTS_LOCK:
        _COUNTS[:] = [key, known]
    return known


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _count_rows(zf: zipfile.ZipFile, table: Table, file_name: str) -> int:
    if table.suffix in sniff.JSON_SUFFIXES:
        return _json_rows(zf, table, file_name)
    if table.suffix not in TEXT_SUFFIXES:
        return _workbook_rows(zf, table, file_name)
    total = 0
    for info in table.parts:
        lines, read, last = 0, 0, b"\n"
        try:
            with zf.open(info) as fh:
                while read <= limits.MAX_FILE_BYTES and (chunk := fh.read(CHUNK)):
                    read += len(chunk)
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error):
            pass  # said when the member is read
        total += max(lines + (last != b"\n") - 1, 0)
    return total


def _workbook_rows(zf: zipfile.ZipFile, table: Table, file_name: str) -> int:
    from .excel_reader import list_workbook_sheets, preferred_workbook_sheet

    name = label(file_name, table.name)
    try:
        with tempfile.TemporaryDirectory(prefix="funnel_zip_") as tmp:
            member = extract(zf, table, name, Path(tmp))
            kind = file_kind_of(member, name)
            if kind == "zip":
                return 0
            rows = dict(list_workbook_sheets(member, name, kind))
            return rows.get(preferred_workbook_sheet(member, name, kind), 0)
    except FunnelError:
        return 0  # said when the member is read


def _json_rows(zf: zipfile.ZipFile, table: Table, file_name: str) -> int:
    from .json_reader import count_records

    name = label(file_name, table.name)
    try:
        with tempfile.TemporaryDirectory(prefix="funnel_zip_") as tmp:
            return count_records(extract(zf, table, name, Path(tmp)), name)
    except FunnelError:
        return 0  # said when the member is read


# ---------------------------------------------------------------- reading a member


def extract(zf: zipfile.ZipFile, table: Table, name: str, folder: Path) -> Path:
    """Copy ``table`` (its parts one after another, the later parts' header lines left out) to a file
    of ``folder`` named by the reader, never by the member: streamed, its size checked against
    ``limits.MAX_FILE_BYTES`` before (as declared) and while it is written (as unpacked)."""
    limits.check_size(sum(info.file_size for info in table.parts), name)
    if any(info.flag_bits & 0x1 for info in table.parts):
        raise FunnelError("archive.encrypted", file=name)
    target = folder / ("member" + table.suffix)
    written, last = 0, b"\n"
    try:
        with open(target, "wb") as out:
            for k, info in enumerate(table.parts):
                with zf.open(info) as fh:
                    if k:
                        _skip_line(fh)
                        if last != b"\n":
                            out.write(b"\n")
                    while chunk := fh.read(CHUNK):
                        written += len(chunk)
                        if written > limits.MAX_FILE_BYTES:
                            raise FunnelError("limits.file_too_big", file=name,
                                              size="> " + limits._mb(limits.MAX_FILE_BYTES),
                                              limit=limits._mb(limits.MAX_FILE_BYTES))
                        out.write(chunk)
                        last = chunk[-1:]
    except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error) as error:
        raise FunnelError("archive.damaged_member", file=name) from error
    except RuntimeError as error:  # zipfile's "File is encrypted, password required"
        raise FunnelError("archive.encrypted", file=name) from error
    return target


def _skip_line(fh) -> None:
    """Read past the first line break of a later part (its header line)."""
    while chunk := fh.read(1):
        if chunk == b"\n":
            return


def find(found: list[Table], sheet: str, file_name: str) -> Table:
    """The table the user named: by its listed name, by one of its parts' names, or by its file name
    alone when one table has it; else refused with the list of tables."""
    for table in found:
        if table.name == sheet:
            return table
    for table in found:
        if len(table.parts) > 1 and sheet in {member_name(i) for i in table.parts}:
            return table
    same = [t for t in found if PurePosixPath(t.name).name == sheet]
    if len(same) == 1:
        return same[0]
    raise FunnelError("archive.member_not_found", file=file_name, sheet=sheet,
                      members=", ".join(t.name for t in found[:LISTED_MEMBERS * 4]))


def stage_archive(con, path: Path, file_name: str, sheet: str | None, table: str,
                  header_rows: HeaderRows | None) -> RawTable:
    """Stage the table ``sheet`` of the archive (its preferred one when None) as TEMP table ``table``.
    ``raw.sheet`` is the table's name, ``raw.sheets`` the archive's tables, ``raw.archive`` its name;
    ``raw.file_name`` names both (``export.zip › Opportunity.csv``)."""
    with open_archive(path, file_name) as zf:
        found = tables(zf)
        if not found:
            raise no_tables(zf, file_name)
        chosen = find(found, sheet, file_name) if sheet is not None else _preferred(zf, path, file_name, found)
        name = label(file_name, chosen.name)
        # a WPS spreadsheet no reader opens is refused as one, naming the member (wps.py)
        with tempfile.TemporaryDirectory(prefix="funnel_zip_") as tmp, wps_named(name):
            member = extract(zf, chosen, name, Path(tmp))
            kind = file_kind_of(member, name)
            if kind == "zip":  # an archive inside the archive, under a table's name
                raise FunnelError("file.binary", file=name)
            raw = stage_plain(con, member, name, kind, None, table, header_rows)
        # other tables with the chosen one's header, not parts by their names (deals_a.csv, deals_b.csv): their
        # deals are left out, said as a warning (survey 30: 3 deals of 5, said only as a note of the table read)
        head = first_line(zf, chosen.parts[0])
        same = [t.name for t in found if t is not chosen and head is not None and first_line(zf, t.parts[0]) == head]
    raw.sheet, raw.sheets, raw.archive = chosen.name, [t.name for t in found], file_name
    if same:
        raw.notes.append(("archive.same_columns_left", {"file": file_name, "member": chosen.name, "n": len(same),
                                                        "others": ", ".join(f"«{n}»" for n in same[:LISTED_MEMBERS])}))
    if chosen.steps:
        raw.notes.append(("archive.step_tables", {"file": file_name, "n": len(chosen.parts),
                                                  "parts": ", ".join(member_name(i) for i in chosen.parts)}))
    elif len(chosen.parts) > 1:
        raw.notes.append(("archive.parts", {"file": file_name, "member": chosen.name, "n": len(chosen.parts),
                                            "parts": ", ".join(member_name(i) for i in chosen.parts)}))
    if len(found) > 1:
        raw.notes.append(("archive.member", {"file": file_name, "member": chosen.name, "n": len(found)}))
    return raw
