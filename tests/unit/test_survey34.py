"""Issue 16, survey 34: real public exports no test had (public GitHub repositories; each file here is written in
the same layout, values invented, numbers worked out by hand):

- a Zoho CRM «Potentials» export (``Potential Name, Potential Owner, Created Time, Closing Date, Amount, Expected
  Revenue, Stage, Forecast Type, …, Probability``): its «Probability» and «Expected Revenue» made it «Odoo», and the
  weighted «Expected Revenue» became every deal's amount (revenue 773,250 for 741,900, said nowhere);
- a Kommo leads export in Portuguese (``ID, Funil de vendas, Etapa do lead, Criado em``, dd/mm dates): dates read
  month first, and a second pipeline's «em atendimento» shown as the first one's «EM ATENDIMENTO»;
- a Salesforce opportunity list with ``IsWon`` and no ``IsClosed`` or stage: the deals not won counted open and the
  win rate 100 %, with advice about «lost deals under a stage of its own name» the file cannot have;
- a pipeline of two open stages: their order guessed and said as known.
"""

from __future__ import annotations

import datetime as dt
import json

from funnel.cli import main as cli_main
from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import findings

ZOHO = ('Potential Name,Potential Owner,Created Time,Closing Date,Amount,Expected Revenue,Stage,Forecast Type,Probability\n'
        'A,Ann,"01 Apr, 2021 00:02:00","05 Apr, 2021 00:03:00","$10,000.00","$12,000.00",Closed Won,Won,100\n'
        'B,Bob,"02 Apr, 2021 00:02:00","06 Apr, 2021 00:03:00","$20,000.00","$2,000.00",Qualification,Open,10\n'
        'C,Ann,"03 Apr, 2021 00:02:00","07 Apr, 2021 00:03:00","$5,500.00","$5,000.00",Closed Won,Won,100\n'
        'D,Bob,"04 Apr, 2021 00:02:00","08 Apr, 2021 00:03:00","$8,000.00","$0.00",Closed Lost,Lost,0\n')


def _metrics(tmp_path, capsys, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _import(tmp_path, capsys, text: str, name: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    return capsys.readouterr().out


def test_a_zoho_list_with_amount_and_expected_revenue_reads_the_amount(tmp_path, capsys):
    """Won: A 10,000 and C 5,500, so revenue 15,500 (the weighted «Expected Revenue» would give 12,000 + 5,000 =
    17,000); B open, D lost."""
    out = _import(tmp_path, capsys, ZOHO, "Potentials.csv")
    assert "Amount ← «Amount»" in out and "preset odoo" not in out
    doc = _metrics(tmp_path, capsys)
    assert (doc["deals"], doc["won"], doc["lost"], doc["open"]) == (4, 2, 1, 1)
    assert doc["revenue"] == 15500


def test_portuguese_headers_read_ambiguous_dates_day_first(mem_store):
    """«Criado em» 01/02/2026 … 05/02/2026 (no day above 12): a Brazilian export writes the day first, 1 February."""
    text = "ID,Etapa,Criado em\n" + "".join(f"{k},Zeta,0{k}/02/2026\n" for k in range(1, 6))
    info, _built, _ = import_file(mem_store, text.encode(), "leads.csv")
    with mem_store.connect() as con:
        created = dict(con.execute(f"SELECT deal_id, created_at FROM ds_{info.id}.deals").fetchall())
    assert created["1"].date() == dt.date(2026, 2, 1) and created["5"].date() == dt.date(2026, 2, 5)
    assert findings(mem_store, info)["date.ambiguous_order"][2]["why_key"] == "quality.date.why.headers"


def test_each_pipeline_keeps_its_own_spelling_of_a_stage(tmp_path, capsys):
    """P1 writes «EM ATENDIMENTO» (two deals), P2 «em atendimento» (one): two pipelines, each its own stage name."""
    out = _import(tmp_path, capsys, "ID,Pipeline,Etapa\n1,P1,EM ATENDIMENTO\n2,P1,EM ATENDIMENTO\n3,P2,em atendimento\n",
                  "kommo.csv")
    assert "[P2]: em atendimento" in out
    assert [s["stage"] for s in _metrics(tmp_path, capsys, "--pipeline", "P2")["stages"]] == ["em atendimento"]


def test_spellings_are_still_merged_within_one_pipeline(tmp_path, capsys):
    """P1: «Lead» ×2 and «lead» ×1 are one stage «Lead» of 3 deals; P2's «lead» ×1 stays P2's own."""
    _import(tmp_path, capsys, "ID,Pipeline,Etapa\n1,P1,Lead\n2,P1,Lead\n3,P1,lead\n4,P2,lead\n", "sheet.csv")
    p1 = _metrics(tmp_path, capsys, "--pipeline", "P1")["stages"]
    assert [(s["stage"], s["reached"]) for s in p1] == [("Lead", 3)]
    assert [s["stage"] for s in _metrics(tmp_path, capsys, "--pipeline", "P2")["stages"]] == ["lead"]


def test_a_won_flag_alone_says_lost_and_open_cannot_be_told_apart(tmp_path, capsys, mem_store):
    """IsWon 1, 0, 0 and nothing else of the outcome: 1 won, 2 counted open (either may be lost). The import says
    so of the flag (not the advice about a lost stage), and `metrics` says the 100 % win rate is by construction
    and that there is no funnel (it printed an empty stage table)."""
    text = "Id,CreatedDate,IsWon\na,2025-01-06,1\nb,2025-01-07,0\nc,2025-01-08,0\n"
    info, _built, _ = import_file(mem_store, text.encode(), "Opportunity.csv")
    found = findings(mem_store, info)
    assert "deals.no_lost" not in found
    severity, n, detail = found["deals.won_flag_only"]
    assert (severity, n, detail["column"], detail["won"]) == ("warning", 2, "«IsWon»", 1)
    out = _import(tmp_path, capsys, text, "Opportunity.csv")
    assert "stage order" not in out  # no empty «stage order [-]:» line
    doc = _metrics(tmp_path, capsys)
    assert (doc["won"], doc["lost"], doc["open"], doc["no_lost_recorded"]) == (1, 0, 2, True)
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1"]) == 0
    text_out = capsys.readouterr().out
    assert "reads 100% by construction" in text_out and "No stage column" in text_out and "Reached" not in text_out


def test_metrics_says_lost_deals_without_their_stage(tmp_path, capsys):
    """Lead 4, Meeting 2 (one of them won later), 1 won, 2 at «Closed Lost»: the two lost deals have no stage they
    were lost at, counted at the first stage (the web Overview said so, `metrics` did not)."""
    rows = ["1,Lead", "2,Lead", "3,Meeting", "4,Closed Won", "5,Closed Lost", "6,Closed Lost"]
    _import(tmp_path, capsys, "ID,Stage\n" + "\n".join(rows) + "\n", "deals.csv")
    assert _metrics(tmp_path, capsys)["lost_stage_unknown"] == 2
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1"]) == 0
    assert "2 lost deals have no record of the stage they were lost at" in capsys.readouterr().out


def test_two_open_stages_in_a_guessed_order_are_said_a_guess(tmp_path, capsys):
    """«Zeta» ×3, «Alpha» ×2, nothing else: which comes first is a guess (a third stage made it said; two did not)."""
    out = _import(tmp_path, capsys, "ID,Etapa\n1,Zeta\n2,Zeta\n3,Zeta\n4,Alpha\n5,Alpha\n", "two.csv")
    assert "The stage order was guessed from the data" in out
    assert _metrics(tmp_path, capsys)["order_guessed"] is True


PAIRS = ("id,dealname,createdate,pipeline,"
         "deal_stage_1_value,deal_stage_1_timestamp,deal_stage_1_source_type,"
         "deal_stage_2_value,deal_stage_2_timestamp,deal_stage_2_source_type,"
         "deal_stage_3_value,deal_stage_3_timestamp,deal_stage_3_source_type\n"
         "1,A,2021-01-01T10:00:00Z,default,closedwon,2021-02-01T10:00:00Z,CRM_UI,"
         "qualifiedtobuy,2021-01-10T10:00:00Z,CRM_UI,appointmentscheduled,2021-01-01T10:00:00Z,CRM_UI\n"
         "2,B,2021-01-02T10:00:00Z,default,closedlost,2021-03-01T10:00:00Z,CRM_UI,"
         "qualifiedtobuy,2021-01-12T10:00:00Z,CRM_UI,appointmentscheduled,2021-01-02T10:00:00Z,CRM_UI\n"
         "3,C,2021-01-03T10:00:00Z,default,qualifiedtobuy,2021-01-20T10:00:00Z,CRM_UI,"
         "appointmentscheduled,2021-01-03T10:00:00Z,MOBILE_IOS,,,\n"
         "4,D,2021-01-04T10:00:00Z,default,appointmentscheduled,2021-01-04T10:00:00Z,CRM_UI,,,,,,\n")


def test_a_stage_history_written_as_numbered_pairs_is_the_deals_history(tmp_path, capsys, mem_store):
    """HubSpot's stage history flattened beside each deal (pwkasay/anzu-data-exporter ``deal.csv``: newest entry
    first, ``deal_stage_N_value / _timestamp / _source_type``) was refused for want of a stage column. By hand: A
    entered appointmentscheduled, qualifiedtobuy, closedwon (won); B the first two, then closedlost; C the first two;
    D the first only. Reached 4, 3, 1; won 1, lost 1, open 2; 3 + 3 + 2 + 1 = 9 stage events. No pair column is
    taken for the amount (a blank «deal_stage_3_value» was)."""
    out = _import(tmp_path, capsys, PAIRS, "deal.csv")
    assert "stage events: 9" in out and '"amount"' not in out
    doc = _metrics(tmp_path, capsys)
    assert [(s["stage"], s["reached"]) for s in doc["stages"]] == [
        ("appointmentscheduled", 4), ("qualifiedtobuy", 3), ("closedwon", 1)]
    assert (doc["won"], doc["lost"], doc["open"]) == (1, 1, 2)
    info, _built, _ = import_file(mem_store, PAIRS.encode(), "deal.csv")
    assert findings(mem_store, info)["readers.stage_pairs"][1] is None


def test_a_stage_column_named_by_a_number_and_a_value_word_is_no_amount():
    """«deal_stage_6_value» (blank in the sample) was the amount: a stage's value is the stage."""
    from funnel.mapping.matcher import header_score

    assert header_score("amount", "deal_stage_6_value") == 0 and header_score("amount", "deal_value") > 0


def test_a_stage_id_written_as_a_uuid_is_a_stage(tmp_path, capsys):
    """The anzu file's first rows: HubSpot stage ids, one company stage written as its id (a uuid), «closedlost»,
    no deal won yet. The uuid stage's entries were dropped (its «date_entered_fcb42f25-…» column was no stage's),
    so deal A stood at «qualifiedtobuy». By hand: A appointmentscheduled → qualifiedtobuy → the uuid stage, B
    appointmentscheduled → closedlost, C appointmentscheduled → qualifiedtobuy → closedlost: reached 3, 2, 1. No
    stage says which is the sale, so the last (the uuid) is taken for it, and said."""
    uuid = "fcb42f25-939f-4d36-bc86-55d1d935658f"
    text = ("id,dealname,createdate,deal_stage_1_value,deal_stage_1_timestamp,deal_stage_2_value,deal_stage_2_timestamp,"
            "deal_stage_3_value,deal_stage_3_timestamp\n"
            f"1,A,2021-01-01T10:00:00Z,{uuid},2021-02-01T10:00:00Z,qualifiedtobuy,2021-01-10T10:00:00Z,"
            "appointmentscheduled,2021-01-01T10:00:00Z\n"
            "2,B,2021-01-02T10:00:00Z,closedlost,2021-01-20T10:00:00Z,appointmentscheduled,2021-01-02T10:00:00Z,,\n"
            "3,C,2021-01-03T10:00:00Z,closedlost,2021-02-20T10:00:00Z,qualifiedtobuy,2021-01-15T10:00:00Z,"
            "appointmentscheduled,2021-01-03T10:00:00Z\n")
    out = _import(tmp_path, capsys, text, "deal.csv")
    assert f"(«{uuid}») counts as the sale" in out
    doc = _metrics(tmp_path, capsys)
    assert [(s["stage"], s["reached"]) for s in doc["stages"]] == [
        ("appointmentscheduled", 3), ("qualifiedtobuy", 2), (uuid, 1)]
    assert (doc["won"], doc["lost"]) == (1, 2)
