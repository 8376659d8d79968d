"""What kind of file this is, how its text is encoded, and how its CSV records are split.

Everything here looks at a sample (the first ~64 KB), never at the whole file: the whole file
is read by DuckDB (see :mod:`funnel.readers.csv_reader`).

- Kind comes from the magic bytes, not the extension: ``PK`` = a zip, told apart by its central
  directory (:func:`zip_kind`: an Office workbook or an OpenDocument file is "xlsx", any other zip an
  archive of files, "zip"), ``D0 CF 11 E0`` = real xls, ``<`` (after an optional BOM and whitespace) =
  an HTML table saved as ".xls" (Bitrix24), ``{"`` or ``[{`` = an API's answer saved as JSON.
- Encoding: a BOM decides (UTF-8, UTF-16); else strict UTF-8; else UTF-16 without a BOM; else
  charset-normalizer, among the encodings CRM exports are written in (see :func:`detect_encoding`).
- Delimiter: the candidate (``,`` ``;`` tab ``|``) that splits the most sample records into the
  same number (> 1) of fields; a header alone can mislead (``Probability, %``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import zipfile
from collections import Counter
from pathlib import Path

from . import limits
from .mac_text import mac_reading
from .mixed_text import mostly_utf8

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
MAX_SNIFF_RECORDS = 200
HEADER_SEARCH_RECORDS = 30

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NUMBERLIKE = re.compile(r"^[\s\d.,:/\-+%()$€£¥₽'\u00a0\u202f]*$")


def file_kind(head: bytes, path: Path | None = None) -> str:
    """'xlsx' | 'zip' | 'xls' | 'html' | 'json' | 'parquet' | 'text' from the first bytes of a file; a zip's kind needs
    its ``path`` (the central directory is at the end): without one every zip is "xlsx", as before."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return zip_kind(path, head) if path is not None else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PAR1"):  # Apache Parquet (parquet_reader.py)
        return "parquet"
    text = head
    for bom, enc in _BOMS:
        if head.startswith(bom):
            text = head[len(bom):].decode(enc.replace("-sig", ""), errors="ignore").encode("ascii", "ignore")
            break
    stripped = text.lstrip().lower()
    if stripped.startswith(b"<") and (b"<table" in stripped[:4096] or b"<html" in stripped[:512]
                                       or stripped.startswith(b"<!doctype")):
        return "html"
    if looks_like_json(text):
        return "json"
    return "text"


def looks_like_json(text: bytes) -> bool:
    """Whether a file's first bytes (after a BOM and white space) open a JSON document: ``{`` or ``[``
    followed by a string, an object, an array or its end. A CSV whose first title is ``[ID]`` is not."""
    stripped = text.lstrip()
    if stripped[:1] not in (b"{", b"["):
        return False
    rest = stripped[1:].lstrip()
    return rest[:1] in (b'"', b"{", b"[", b"}", b"]")


# Names of a table inside an archive (funnel/readers/archive.py reads these members)
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")  # an API's answer saved as it came (json_reader.py)
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".et", *JSON_SUFFIXES)  # .et: WPS Office's workbook


def zip_kind(path: Path, head: bytes = b"") -> str:
    """"xlsx" for a zip that is a workbook (Office Open XML: ``[Content_Types].xml`` or an ``xl/``
    folder; OpenDocument: a first member ``mimetype``, as the ODF standard asks, which
    :func:`funnel.readers.xlsx_extent.is_ods` tells apart later), "zip" for any other zip: an archive
    of files (a Salesforce Weekly Data Export, a Zoho Data Backup). Read from the central directory
    (``zipfile``), never from the name. A zip whose directory cannot be read is "xlsx" (the workbook
    reader calls it damaged, as before) unless its first entry's own header names a table (a cut-off
    download of ``export.zip``): "zip", and the archive reader says it is damaged."""
    entries = zip_entries(path)
    if entries is not None and entries > limits.MAX_ARCHIVE_ENTRIES:  # not parsed here; refused by the archive reader
        return "zip"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "zip" if first_entry_name(head).lower().endswith(TABLE_SUFFIXES) else "xlsx"
    if any(i.filename == "[Content_Types].xml" or i.filename.startswith("xl/") for i in infos):
        return "xlsx"
    if infos and infos[0].filename == "mimetype":
        return "xlsx"
    return "zip"


def zip_entries(path: Path) -> int | None:
    """How many entries a zip's end record declares (None when it cannot be read), before
    ``zipfile`` parses every one of them."""
    end_record = getattr(zipfile, "_EndRecData", None)  # stdlib, handles zip64 too; private, so guarded
    if end_record is None:
        return None
    try:
        with open(path, "rb") as fh:
            record = end_record(fh)
    except (OSError, struct.error, ValueError, zipfile.BadZipFile):
        return None
    return int(record[4]) if record else None


def first_entry_name(head: bytes) -> str:
    """The name in a zip's first local file header (bytes 26-27 give its length; the name follows at byte 30)."""
    if len(head) < 30 or not head.startswith(b"PK\x03\x04"):
        return ""
    length = struct.unpack("<H", head[26:28])[0]
    return head[30:30 + length].decode("utf-8", "replace")


def is_blank_bytes(data: bytes) -> bool:
    """True when the sample holds nothing but whitespace (and maybe a BOM)."""
    for bom, _enc in _BOMS:
        if data.startswith(bom):
            data = data[len(bom):]
            break
    return not data.strip(b" \t\r\n\x00\x0b\x0c")


# Encodings charset-normalizer may choose from: those CRM exports are written in (Windows and DOS
# Cyrillic, KOI8-R, Western European, Chinese, Japanese, Korean, UTF-16 without a BOM). An open
# list lets it read a short KOI8-R sample as Shift-JIS; cp1250 is left out because it wins over
# cp1252 on short Western samples (``crème`` read as ``crčme``).
CANDIDATE_ENCODINGS = ["cp1251", "koi8_r", "cp866", "cp1252", "gb18030", "big5", "shift_jis",
                       "euc_kr", "utf_16_le", "utf_16_be"]
# A sample in which NUL bytes sit at one parity of most positions is UTF-16 without a BOM.
_UTF16_NUL_SHARE = 0.3


def detect_encoding(sample: bytes, complete: bool) -> str | None:
    """The sample's encoding, or None when it is not text (control bytes, noise).

    A BOM decides; else strict UTF-8; else UTF-16 without a BOM (NULs at every other byte);
    else charset-normalizer among :data:`CANDIDATE_ENCODINGS`. A few NUL bytes elsewhere (one
    rich-text field of a Salesforce export) do not make a file binary: the reader drops them.
    """
    for bom, enc in _BOMS:
        if sample.startswith(bom):
            return enc
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    text_bytes = sample.replace(b"\x00", b"")
    if b"\x00" in sample and len(text_bytes) < 0.9 * len(sample):
        return None  # many NULs, not in a UTF-16 pattern: binary
    try:
        codecs.getincrementaldecoder("utf-8")().decode(text_bytes, final=complete)
        encoding: str | None = "utf-8"
    except UnicodeDecodeError:  # UTF-8 but for a few lines (mixed_text.py), else a code page
        encoding = "utf-8" if mostly_utf8(text_bytes, complete) else guess_encoding(text_bytes)
    if encoding is None or _looks_binary(text_bytes.decode(encoding, errors="replace")):
        return None
    return encoding


def _utf16_without_bom(sample: bytes) -> str | None:
    n = len(sample) // 2 * 2
    if n < 4:
        return None
    even = sample[0:n:2].count(0) / (n // 2)
    odd = sample[1:n:2].count(0) / (n // 2)
    for share, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if share >= _UTF16_NUL_SHARE and other < 0.05:
            try:
                sample[:n].decode(enc)
            except UnicodeDecodeError:
                continue
            return enc
    return None


def guess_encoding(sample: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample, cp_isolation=CANDIDATE_ENCODINGS))
    if not matches:
        return None
    # equally clean readings (short CJK samples read as GB18030, EUC-KR and Big5 alike): the
    # earlier candidate, i.e. the more common encoding of CRM exports, wins
    rank = {codecs.lookup(e).name: k for k, e in enumerate(CANDIDATE_ENCODINGS)}
    best = min(matches, key=lambda m: (round(m.chaos, 3), -m.coherence,
                                       rank.get(codecs.lookup(m.encoding).name, 99)))
    # a Mac code page (Excel for Mac, Numbers) is none of the candidates: taken where its letters form words
    # and the chosen reading's do not (mac_text.py)
    return mac_reading(sample, codecs.lookup(best.encoding).name)


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\x0c") or ch == "\ufffd")
    return bad / len(text) > 0.01


def decode_sample(sample: bytes, encoding: str, complete: bool) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=complete)
    return text.lstrip("\ufeff").replace("\x00", "")


def parse_records(text: str, delimiter: str, complete: bool, limit: int = MAX_SNIFF_RECORDS) -> list[list[str]]:
    """CSV records of a text sample; the last one is dropped when the sample is cut short."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    records = []
    try:
        for rec in reader:
            records.append(rec)
            if len(records) > limit:
                break
    except csv.Error:
        pass
    if not complete and records:
        records.pop()
    return records


def detect_delimiter(text: str, complete: bool) -> str:
    """The delimiter that gives the most records with the same field count (> 1)."""
    best, best_score = ",", (-1, 0)
    for delim in DELIMITERS:
        if delim not in text:
            continue
        widths = Counter(len(r) for r in parse_records(text, delim, complete, 60) if any(c.strip() for c in r))
        if not widths:
            continue
        width, freq = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
        score = (freq if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def effective_width(record: list[str | None]) -> int:
    """Index after the last non-empty cell."""
    for i in range(len(record) - 1, -1, -1):
        cell = record[i]
        if cell is not None and str(cell).strip():
            return i + 1
    return 0


def find_header(records: list[list[str | None]]) -> int | None:
    """Index of the header record: the first with several non-empty, mostly textual cells.

    Title rows above it (Salesforce formatted reports, 1C list titles) have one or two cells. A 1C
    report's parameter rows («Параметры:» | «Период: 01.01.2024 - 31.03.2024», «Отбор:» | …) are
    skipped: a first cell ending in a colon with at most one more cell filled (:func:`parameter_row`);
    taken only when no other record can be the header.
    """
    widths = [effective_width(r) for r in records[:HEADER_SEARCH_RECORDS]]
    widest = max(widths, default=0)
    if widest == 0:
        return None
    need = 1 if widest == 1 else max(2, (widest + 1) // 2)
    parameters = None
    for index, record in enumerate(records[:HEADER_SEARCH_RECORDS]):
        cells = [str(c).strip() for c in record if c is not None and str(c).strip()]
        if len(cells) < need:
            continue
        textual = sum(1 for c in cells if not _NUMBERLIKE.match(c))
        if textual * 2 >= len(cells):
            if parameter_row(cells):
                parameters = index if parameters is None else parameters
                continue
            return index
    return parameters


def parameter_row(cells: list[str]) -> bool:
    """A report's parameter line: «Параметры:», «Отбор:», «Показатели:», "Filter:" with at most one
    more filled cell (its value). A header's first cell does not end in a colon."""
    return 1 <= len(cells) <= 2 and cells[0].endswith(":")
