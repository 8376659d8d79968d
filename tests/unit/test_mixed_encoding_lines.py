"""A UTF-8 deal list with a line in Windows-1251 (two exports put together; one edit saved in the system's code
page). Before: strict UTF-8 failed, and the guess read the whole file as GB18030 («袧芯胁邪褟 蟹邪褟胁泻邪» for
«Новая заявка» on every page, no word said); past the 64 KB sample, the line read as «�» and a note named no line.

By hand: 39 deals «Новая заявка» (UTF-8) and line 41, deal 40, «Переговоры» in Windows-1251: the stages are
«Новая заявка» 39 and «Переговоры» 1, and the import names line 41 and its encoding. A file of ASCII lines and one
Windows-1251 line stays a Windows-1251 file (no UTF-8 letters to go by)."""

from __future__ import annotations

import json

import pytest

from funnel.cli import main as cli_main
from funnel.readers.sniff import detect_encoding

LINES = ["id;stage;created;amount", *(f"{i};Новая заявка;2024-01-{i % 28 + 1:02d};{1000 + i}" for i in range(1, 40))]
ODD = "40;Переговоры;2024-02-01;5000\n".encode("cp1251")


def _import(tmp_path, capsys, data: bytes) -> dict:
    path = tmp_path / "deals.csv"
    path.write_bytes(data)
    assert cli_main(["--data-dir", str(tmp_path / "store"), "import", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _stages(tmp_path, capsys) -> dict[str, int]:
    assert cli_main(["--data-dir", str(tmp_path / "store"), "metrics", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    return {s["stage"]: s["open_here"] for s in doc["stages"]}


@pytest.mark.parametrize("padding", [0, 70_000], ids=["in the sample", "past the sample"])
def test_a_cp1251_line_in_a_utf8_file_is_read_in_its_own_code_page_and_named(tmp_path, capsys, padding):
    """``padding``: bytes of a long note cell on deal 1, so that line 41 lies past the 64 KB the encoding is
    guessed from."""
    lines = list(LINES)
    lines[1] = lines[1] + "x" * padding if padding else lines[1]
    doc = _import(tmp_path, capsys, ("\n".join(lines) + "\n").encode("utf-8") + ODD)
    said = [f for f in doc["warnings"] if f["code"] == "readers.mixed_lines"]
    assert len(said) == 1 and "line 41" in said[0]["message"] and "read as Windows-1251." in said[0]["message"]
    assert doc["deals"] == 40


def test_the_stages_are_the_files_words(tmp_path, capsys):
    _import(tmp_path, capsys, ("\n".join(LINES) + "\n").encode("utf-8") + ODD)
    assert _stages(tmp_path, capsys) == {"Новая заявка": 39, "Переговоры": 1}


def test_ascii_lines_and_one_cp1251_line_are_a_cp1251_file():
    data = b"id;stage\n" + b"".join(f"{i};New\n".encode() for i in range(50)) + "51;Переговоры\n".encode("cp1251")
    assert detect_encoding(data, True) == "cp1251"
