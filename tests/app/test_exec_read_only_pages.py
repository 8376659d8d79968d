"""The executive's read-only link (``FUNNEL_READ_ONLY=1``) offers no way to change anything, by page or URL (session 49).

Every page an executive opens is run with link parameters that name the write paths (a dataset's edit, an import
into it, leak targets): no uploader, no rename / delete / import / share / edit control, no «Stored datasets»
heading (before, the Data page showed it alone over nothing), and the store file is byte for byte what it was.
The one uploader left is the Sources page's spend file: read into the reader's session for cost per lead, never
stored (a spend file uploaded there leaves the store as it was).
"""

from __future__ import annotations

import hashlib

import pytest

from tests.app.conftest import open_page, store_at
from tests.app.test_exec_drill_tables import small_folder

PAGES = ("overview", "funnel", "pipeline", "velocity", "managers", "diagnostics", "segments", "data", "ab")
WRITE_KEYS = ("rename", "del_", "confirm_import", "import_", "share", "unshare", "edit_", "apply_", "refresh")
# what a crafted link might try: a target for the leak benchmark, and parameters no page reads
TRICKS = {"dg_bench": "target", "dg_target": '{"Lead": 0.9}', "into": "1", "edit": "1", "import": "1"}


@pytest.fixture(scope="module")
def read_only_store(tmp_path_factory):
    folder = small_folder(tmp_path_factory.mktemp("exec_read_only"))
    with store_at(folder, FUNNEL_READ_ONLY="1"):
        yield folder


def _digest(folder) -> str:
    return hashlib.sha256((folder / "funnel.duckdb").read_bytes()).hexdigest()


@pytest.mark.parametrize("name", PAGES)
def test_no_write_control_on_any_page(read_only_store, name):
    before = _digest(read_only_store)
    at = open_page(f"pages/{name}.py", lang="ru", ds="1", **TRICKS)
    assert [u.key for u in at.get("file_uploader")] == (["sg_spend"] if name == "segments" else [])
    keys = [w.key or "" for kind in ("button", "text_input", "checkbox", "selectbox", "multiselect")
            for w in at.get(kind)]
    assert not [k for k in keys if k.startswith(WRITE_KEYS)], keys
    assert "Сохранённые наборы" not in [h.value for h in at.subheader]
    assert _digest(read_only_store) == before


def test_a_spend_file_is_read_for_the_session_and_stores_nothing(read_only_store):
    before = _digest(read_only_store)
    at = open_page("pages/segments.py", lang="ru", ds="1")
    spend = "date,source,cost\n2024-01-01,Ads,300\n"
    at.file_uploader(key="sg_spend").set_value(("spend.csv", spend.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _digest(read_only_store) == before
