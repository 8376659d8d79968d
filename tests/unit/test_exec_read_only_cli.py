"""A read-only installation refuses ``python -m funnel edit`` with one line (session 49).

Before, ``FUNNEL_READ_ONLY=1 python -m funnel edit 1 --stages ...`` printed a DuckDB traceback («Cannot execute
statement of type "DROP" ... attached in read-only mode») and exited 1: the store was safe (opened read-only), but
the refusal was not said. ``import`` was already refused with exit 2 and one line; ``edit`` now is too, and the
store file is byte for byte what it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from funnel.importer import import_file
from funnel.store import Store

ROOT = Path(__file__).resolve().parents[2]
DEALS = "id,stage,amount\n1,Lead,10\n2,Meeting,20\n3,Won,30\n"


def test_edit_is_refused_in_one_line_and_changes_nothing(tmp_path):
    folder = tmp_path / "data"
    csv = tmp_path / "deals.csv"
    csv.write_text(DEALS, encoding="utf-8")
    store = Store(folder / "funnel.duckdb")
    import_file(store, csv, csv.name, stages=["Lead", "Meeting", "Won"], name="three")
    store.close()
    before = (folder / "funnel.duckdb").read_bytes()
    env = dict(os.environ, FUNNEL_DATA_DIR=str(folder), PYTHONPATH=str(ROOT), FUNNEL_READ_ONLY="1")
    cli = subprocess.run([sys.executable, "-m", "funnel", "edit", "1", "--stages", "Meeting,Lead,Won"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 2 and cli.stdout == ""
    assert cli.stderr.count("\n") == 1 and "FUNNEL_READ_ONLY" in cli.stderr and "“edit”" in cli.stderr
    assert "Traceback" not in cli.stderr
    assert (folder / "funnel.duckdb").read_bytes() == before
