"""A UTF-8 file with a few lines in another code page: those lines read in theirs, and named.

A deal list put together from two exports, or edited once in a program that saves in the system's code page, is
UTF-8 but for a line or two in Windows-1251 (or GB18030, ...). Strict UTF-8 then fails on the whole file, and the
encoding guess read all of it as GB18030: «袧芯胁邪褟 蟹邪褟胁泻邪» for «Новая заявка» on every page, silently (h3's
audit; past the sample the file was read with «�» and a note naming no line). Here the file is taken as UTF-8
when its non-ASCII lines mostly decode as UTF-8 (:func:`mostly_utf8`); the others are decoded in the encoding
charset-normalizer finds for them together (:func:`funnel.readers.sniff.guess_encoding`; Windows-1251 when it
finds none), and the import says which lines (``readers.mixed_lines``).
"""

from __future__ import annotations

from pathlib import Path

# at most this many lines not in UTF-8 (or one in a hundred, when more) for a file to be UTF-8 with a few lines
# in another code page; and at least twice as many lines with letters that are UTF-8
MAX_OTHER_LINES = 3
OTHER_SHARE = 0.01
FALLBACK = "cp1251"
GUESS_BYTES = 1 << 16  # the bad lines' bytes charset-normalizer reads, at most
LISTED = 10  # line numbers a note names, at most


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def mostly_utf8(sample: bytes, complete: bool) -> bool:
    """Whether ``sample`` (that strict UTF-8 refused) is UTF-8 with a few lines in another code page."""
    lines = sample.split(b"\n")
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the sample may cut the last line inside a character
    other = sum(1 for line in lines if not _utf8(line))
    letters = sum(1 for line in lines if not line.isascii() and _utf8(line))
    return 0 < other <= max(MAX_OTHER_LINES, OTHER_SHARE * len(lines)) and letters >= 2 * other


def repair(src: Path, dst: Path) -> tuple[list[int], str]:
    """Write ``src`` to ``dst`` as UTF-8, its lines that are not UTF-8 decoded in their own encoding (NUL characters
    dropped, as the readers drop them); returns those lines' numbers (1-based, as a text editor counts) and the
    encoding they were read in."""
    from .sniff import guess_encoding

    bad: list[int] = []
    sample = bytearray()
    with open(src, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not _utf8(line):
                bad.append(number)
                if len(sample) < GUESS_BYTES:
                    sample += line
    encoding = (guess_encoding(bytes(sample)) if sample else None) or FALLBACK
    others = set(bad)
    with open(src, "rb") as fh, open(dst, "wb") as out:
        for number, line in enumerate(fh, start=1):
            text = line.decode(encoding if number in others else "utf-8", errors="replace")
            out.write(text.replace("\x00", "").encode("utf-8"))
    return bad, encoding


def note(file_name: str, lines: list[int], encoding: str) -> tuple[str, dict]:
    """The quality report's note of :func:`repair`'s lines."""
    shown = ", ".join(str(n) for n in lines[:LISTED]) + (" …" if len(lines) > LISTED else "")
    return "readers.mixed_lines", {"file": file_name, "n": len(lines), "lines": shown, "encoding": encoding}
