"""Two CLI imports into one data folder at once, and two datasets of one name (session 46, found by the audit of
the reference's hard cases, which ran its cases in parallel).

- Each import announces itself (``writer_priority``) so that the app lets go of the store; each also waited for
  the other's announcement, so two imports at once both waited until "busy" (four made no progress for a minute).
  Announced writers now go in the order they announced themselves; the app's plea to let go holds up everyone.
- ``import --name N`` a second time makes a second dataset «N»; ``metrics N`` then read the first one: last week's
  numbers under this week's command, silently. A name two datasets share is refused with both ids, and the
  second import says so.
"""

import os
import subprocess
import sys
from pathlib import Path

from funnel.store import PRIORITY_MARK, _writer_waiting, writer_marker, writer_priority

ROOT = Path(__file__).resolve().parents[2]
# by hand: A has 2 deals (1 won of 100, 1 lost); B has 3 deals (1 won of 300, 2 open)
DEALS_A = "id,name,stage,amount\n1,a,Won,100\n2,b,Lost,50\n"
DEALS_B = "id,name,stage,amount\n1,a,Won,300\n2,b,New,10\n3,c,New,20\n"


def _cli(data: Path, *args: str, timeout: float = 120) -> subprocess.Popen:
    env = {**os.environ, "FUNNEL_DATA_DIR": str(data), "FUNNEL_LANG": "en"}
    return subprocess.Popen([sys.executable, "-m", "funnel", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _run(data: Path, *args: str) -> tuple[int, str, str]:
    proc = _cli(data, *args)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


def test_an_announced_writer_waits_only_for_those_announced_before_it(tmp_path):
    store = tmp_path / "funnel.duckdb"
    other = writer_marker(store, os.getppid())  # a live process (pytest's parent) stands in for the other import
    with writer_priority(store):
        mine = writer_marker(store, os.getpid()).stat().st_mtime_ns
        other.write_text(PRIORITY_MARK)
        os.utime(other, ns=(mine + 10**9, mine + 10**9))  # announced a second after this process
        assert not _writer_waiting(store)
        os.utime(other, ns=(mine - 10**9, mine - 10**9))  # a second before
        assert _writer_waiting(store)
        other.write_text("")  # the app's plea to let go (empty), whenever made, holds up a writer too
        os.utime(other, ns=(mine + 10**9, mine + 10**9))
        assert _writer_waiting(store)
    other.write_text(PRIORITY_MARK)  # a process that announced nothing waits for any announced writer
    assert _writer_waiting(store)


def test_two_imports_into_one_folder_at_once_both_finish(tmp_path):
    data = tmp_path / "data"
    (tmp_path / "a.csv").write_text(DEALS_A)
    (tmp_path / "b.csv").write_text(DEALS_B)
    assert _run(data, "datasets")[0] == 0  # the store exists before both start
    procs = [_cli(data, "import", str(tmp_path / "a.csv"), "--name", "A"),
             _cli(data, "import", str(tmp_path / "b.csv"), "--name", "B")]
    results = [p.communicate(timeout=120) for p in procs]  # before: both waited for each other until "busy"
    assert [p.returncode for p in procs] == [0, 0], results
    code, out, _err = _run(data, "metrics", "A", "--json")
    assert code == 0 and '"deals": 2' in out and '"revenue": 100' in out
    code, out, _err = _run(data, "metrics", "B", "--json")
    assert code == 0 and '"deals": 3' in out and '"revenue": 300' in out
    assert not list(data.glob("funnel.duckdb.writer.*"))  # both announcements removed


def test_a_name_two_datasets_share_is_refused_with_both_ids(tmp_path):
    data = tmp_path / "data"
    (tmp_path / "week1.csv").write_text(DEALS_A)
    (tmp_path / "week2.csv").write_text(DEALS_B)
    assert _run(data, "import", str(tmp_path / "week1.csv"), "--name", "N")[0] == 0
    code, out, _err = _run(data, "import", str(tmp_path / "week2.csv"), "--name", "N")
    assert code == 0 and "Another dataset is named «N» too (id 1)" in out and "--into 1" in out
    code, out, err = _run(data, "metrics", "N")
    # before: dataset 1's 2 deals under this week's command
    assert code == 2 and out == ""
    assert "More than one dataset is named «N»: 1 (week1.csv" in err and "2 (week2.csv" in err
    code, out, _err = _run(data, "metrics", "2", "--json")
    assert code == 0 and '"deals": 3' in out
