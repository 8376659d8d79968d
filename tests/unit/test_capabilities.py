"""What a dataset can answer: computed at import, stored, derived on read for old datasets."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from funnel.capabilities import QUESTIONS, Capabilities
from funnel.importer import import_file
from funnel.metrics.fixture import story_dataset
from funnel.store import Store

ROOT = Path(__file__).resolve().parents[2]

# three deals: one won with an amount (10 days), one lost, one open; no lost... (see each test)
DEALS = ("ID,Stage,Amount,Created,Closed,Manager\n"
         "1,Lead,100,2024-01-02,,Ann\n"
         "2,Closed Won,250,2024-01-03,2024-01-13,Bob\n"
         "3,Closed Lost,0,2024-01-04,2024-03-31,\n")
EVENTS = "user_id,step,timestamp,variant\n" + "".join(
    f"u{i},{s},2024-05-0{d} 10:00,{'A' if i % 2 else 'B'}\n"
    for i in range(1, 5) for s, d in (("visit", 1), ("signup", 2)) if not (s == "signup" and i > 2))
COUNTS = "stage,count,source\nVisit,100,ads\nSignup,20,ads\nVisit,50,seo\nSignup,5,seo\n"


def _import(tmp_path, text, name="f.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store = Store(tmp_path / "store" / "funnel.duckdb")
    info, _built, _ = import_file(store, path)
    return store, info


def test_deals_file_capabilities_from_its_rows(tmp_path):
    _store, info = _import(tmp_path, DEALS)
    caps = info.capabilities
    # dates: earliest created 2024-01-02, latest closed 2024-03-31
    assert (caps.date_min, caps.date_max) == (date(2024, 1, 2), date(2024, 3, 31))
    assert caps.has_deals and caps.has_dates and caps.has_won and caps.has_lost and caps.has_money
    assert caps.has_cycle and not caps.is_web_funnel and not caps.has_history
    assert caps.group_columns == ("manager",)  # source and variant are absent
    assert all(caps.can(q) for q in QUESTIONS)
    assert caps.covers(date(2024, 2, 1), date(2024, 2, 29))
    assert not caps.covers(date(2023, 12, 1), date(2023, 12, 31))


def test_capabilities_are_stored_with_the_dataset(tmp_path):
    store, info = _import(tmp_path, DEALS)
    row = store.row(info.id)
    assert Capabilities.from_json(row["meta"]["capabilities"]) == info.capabilities


def test_old_dataset_without_capabilities_still_opens(tmp_path):
    store, info = _import(tmp_path, DEALS)
    with store.writing() as con:  # as a store written before capabilities existed
        meta = json.loads(con.execute("SELECT meta FROM datasets WHERE id = ?", [info.id]).fetchone()[0])
        meta.pop("capabilities")
        con.execute("UPDATE datasets SET meta = ? WHERE id = ?", [json.dumps(meta), info.id])
    again = Store(store.path)
    assert "capabilities" not in again.row(info.id)["meta"]
    assert again.info(info.id).capabilities == info.capabilities


def test_a_dataset_stored_under_older_rules_is_derived_again(tmp_path):
    # stored by an earlier version: no "rules", and no field for the deals without a creation date
    text = "ID,Stage,Created,Closed\n1,Lead,2024-01-02,\n2,Lead,,\n3,Lead,,\n"
    store, info = _import(tmp_path, text)
    assert info.capabilities.no_created == 2  # deals 2 and 3
    with store.writing() as con:
        meta = json.loads(con.execute("SELECT meta FROM datasets WHERE id = ?", [info.id]).fetchone()[0])
        meta["capabilities"].pop("rules")
        meta["capabilities"].pop("no_created")
        con.execute("UPDATE datasets SET meta = ? WHERE id = ?", [json.dumps(meta), info.id])
    assert Store(store.path).info(info.id).capabilities.no_created == 2


def test_the_data_range_includes_stage_entries(tmp_path):
    # Maven's shape: no creation date; a stage's date column (engage_date) runs months before the first
    # close. Entries: deal 1 engaged 2016-10-20, deal 2 engaged 2016-11-05 and won 2017-03-01, deal 3
    # engaged 2017-05-02 (later than every close), still open. Range: 2016-10-20 .. 2017-05-02.
    text = ("opportunity_id,deal_stage,engage_date,close_date\n"
            "1,Engaging,2016-10-20,\n2,Won,2016-11-05,2017-03-01\n3,Engaging,2017-05-02,\n")
    _store, info = _import(tmp_path, text)
    assert (info.capabilities.date_min, info.capabilities.date_max) == (date(2016, 10, 20), date(2017, 5, 2))


def test_web_funnel_speaks_of_visitors(tmp_path):
    _store, info = _import(tmp_path, EVENTS)
    caps = info.capabilities
    assert caps.is_web_funnel and caps.n_deals == 4
    assert caps.why_not("win_rate") == "capabilities.web_no_win_rate"
    assert caps.why_not("cycle") == "capabilities.web_no_cycle"
    assert caps.why_not("money") == "capabilities.web_no_money"
    assert caps.can("deals") and caps.can("dates")


def test_counts_answer_no_deal_question(tmp_path):
    _store, info = _import(tmp_path, COUNTS)
    caps = info.capabilities
    assert caps.aggregate and caps.groups == ("ads", "seo") and caps.group_column == "source"
    for question in ("deals", "dates", "money", "cycle", "win_rate"):
        assert caps.why_not(question) is not None, question
    assert caps.can("groups")


def test_fixture_story_has_capabilities(mem_store):
    with mem_store.connect() as con:
        info = story_dataset(con)
    # STORIES: earliest created 2024-01-01, latest closed 2024-02-22
    assert (info.capabilities.date_min, info.capabilities.date_max) == (date(2024, 1, 1), date(2024, 2, 22))


def test_unknown_question_is_a_programming_error():
    with pytest.raises(ValueError):
        Capabilities().why_not("weather")


def test_pages_and_ui_ask_capabilities_not_shapes():
    """Pages and ui/ never branch on the input shape nor read the importer's meta dict."""
    offenders = []
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]:
        # the import flow and the dataset editor show and change the import's own settings (its shape,
        # mapping, order flags): that is their subject, not a question of what the data can answer
        if path.name in ("import_flow.py", "dataset_editor.py", "order_note.py"):
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bshape\s*[!=]=|\.meta\b", line):
                offenders.append(f"{path.name}:{no}: {line.strip()}")
    assert not offenders, offenders


def test_no_cycle_says_no_creation_date_when_no_deal_has_one():
    # 3 deals, none created (a Мегаплан list of status changes): the cycle needs a creation date
    assert Capabilities(has_deals=True, n_deals=3, no_created=3).why_not("cycle") == "velocity.reason.no_created"
    # one deal of 3 created, none won with a cycle: the general reason
    assert Capabilities(has_deals=True, n_deals=3, no_created=2).why_not("cycle") == "capabilities.no_cycle"
