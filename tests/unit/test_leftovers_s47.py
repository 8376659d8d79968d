"""Five importer leftovers (session 47, helper h1): files shaped like the real exports, values worked out by hand.

1. **YetiForce's picklist keys shown raw.** YetiForce's export writes a picklist's stored key, not its label:
   ``PLL_QUOTE_ENQUIRY`` as the stage, ``PLL_WEBSITE`` as the source, and every page showed them so. A column made
   only of such keys is read as YetiForce's English labels (its ``languages/en-US/SSalesProcesses.json`` and
   ``Leads.json``: PLL_QUOTE_ENQUIRY «Quote enquiry», PLL_NEGOTIATIONS «Negotiations», PLL_WEBSITE «Website»,
   PLL_REQUIREMENTS_CARD «Requirements Card», PLL_LEAD_UNTAPPED «Unobtained»); a key those files do not list is
   its words in sentence case (PLL_SITE_VISIT «Site visit»).
2. **An unreadable WPS ``.et`` inside a zip** got the general «damaged or password-protected» refusal: now the
   WPS message, naming the member («export.zip › Сделки.et»).
3. **An unreadable ``.dps``** (WPS Presentation) was called a damaged workbook: now it is said to be a
   presentation, not a table, with how to export the table as .xlsx or .csv.
4. **Bitrix24's categories.** ``crm.category.list`` (dev.1c-bitrix.ru rest_help/crm/methodscrmcategory:
   ``crm.category.get`` answers ``{"category": {"id": 53, "name": "Общее", "sort": 500, "entityTypeId": 170,
   "isDefault": "N"}}``; ``crm.category.list`` an array of those under ``categories``) names every category of a
   deal or smart-process type, the default one (``isDefault`` Y) too. A smart process's items (``crm.item.list``:
   ``categoryId`` 8, stages ``DT1036_8:NEW``) never say which category is the default (its id is not 0, and the
   stage prefix is the same for every category), so without the list the ids stay; given as the second file,
   the list names the pipelines (before: refused as «a list of stages whose ids are not the deals' stages»).
5. **Pipedrive's localized date headers.** Czech: nothing found (the one public Czech header table, code search
   60191889885, says its Czech spellings are «educated guesses»): not added. Polish: nothing found. German,
   Portuguese and French were already read (test_crm_exports_locales). Spanish exports also name the deal
   «Negocio»: ``Negocio - Negocio creado el`` (code search 53829106461, 54083546677, 52889688522: a Madrid team's
   readers of their Pipedrive Excel export; 24731578424: a sales-forecast script over a deals export, which
   names ``Negocio - Fecha de ganado`` beside it) and ``Negocio - Fecha de ganado`` (41788230970, 42236873425:
   a Chilean team's loader of the Pipedrive Excel export, ``Negocio - ID, - Título, - Propietario``). Neither
   was read: no creation date, no won date.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from funnel.cli import main as cli_main
from funnel.errors import FunnelError

OLE2_HEAD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
WPS_OWN_HEAD = b"KSO\x00ET" + bytes(range(256)) * 4


def _cli_json(tmp_path, capsys, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path / "store"), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _refusal(tmp_path, name: str, data: bytes) -> FunnelError:
    from funnel.importer import import_file
    from funnel.store import Store

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FunnelError) as caught:
        import_file(Store(tmp_path / "store"), path)
    return caught.value


# ---------------------------------------------------------------- 1. YetiForce's picklist keys

# YetiForce's sales processes (SSalesProcesses) as its list view exports them: the status and the source are
# picklist keys. Six opportunities:
#   SP1 PLL_SALE_COMPLETED 50,000 created 1 March, actual date 11 March, PLL_WEBSITE
#   SP2 PLL_SALE_COMPLETED 80,000 created 2 March, actual date 22 March, PLL_PHONE
#   SP3 PLL_SALE_FAILED    30,000 created 5 March, actual date 8 March,  PLL_WEBSITE
#   SP4 PLL_NEGOTIATIONS   40,000 created 10 March,                      PLL_RECOMMENDATION
#   SP5 PLL_NEGOTIATIONS   20,000 created 12 March,                      PLL_WEBSITE
#   SP6 PLL_QUOTE_ENQUIRY  10,000 created 15 March,                      PLL_PHONE
YETIFORCE = (
    "Number,Subject,Assigned To,Status,Estimated value,Estimated date,Actual date,Source,Created Time\n"
    "SP1,Opportunity 1,Anna,PLL_SALE_COMPLETED,50000.00,2024-04-30,2024-03-11,PLL_WEBSITE,2024-03-01 10:00:00\n"
    "SP2,Opportunity 2,Boris,PLL_SALE_COMPLETED,80000.00,2024-04-30,2024-03-22,PLL_PHONE,2024-03-02 14:30:00\n"
    "SP3,Opportunity 3,Anna,PLL_SALE_FAILED,30000.00,2024-04-30,2024-03-08,PLL_WEBSITE,2024-03-05 09:00:00\n"
    "SP4,Opportunity 4,Boris,PLL_NEGOTIATIONS,40000.00,2024-04-30,,PLL_RECOMMENDATION,2024-03-10 09:00:00\n"
    "SP5,Opportunity 5,Anna,PLL_NEGOTIATIONS,20000.00,2024-04-30,,PLL_WEBSITE,2024-03-12 09:00:00\n"
    "SP6,Opportunity 6,Boris,PLL_QUOTE_ENQUIRY,10000.00,2024-04-30,,PLL_PHONE,2024-03-15 09:00:00\n")


def test_yetiforce_stages_and_sources_are_its_labels(tmp_path, capsys):
    """By hand: the stages are «Quote enquiry», «Negotiations», «Sale completed» (won), «Sale failed» (lost). The
    guessed order follows the labels' meaning, a quote enquiry (a proposal's word) before negotiations, though
    «Negotiations» holds more deals (2 to 1: by counts, it came first). Reached: Quote enquiry 6 (all; SP3's lost
    stage is unknown, counted at the first), Negotiations 4 (SP1, SP2, SP4, SP5), Sale completed 2 (SP1, SP2);
    open there 1 (SP6), 2 (SP4, SP5), 0. Won 2, lost 1, open 3; revenue 50,000 + 80,000 = 130,000. Sources:
    Website SP1, SP3, SP5 (3 deals: won 1, lost 1), Phone SP2, SP6 (2: won 1), Recommendation SP4 (1)."""
    path = tmp_path / "SSalesProcesses.csv"
    path.write_text(YETIFORCE, encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(path))
    assert doc["stage_order"] == {"": ["Quote enquiry", "Negotiations", "Sale completed"]}
    assert doc["lost_stages"] == {"": ["Sale failed"]}
    said = [f for f in doc["info"] if f["code"] == "readers.picklist_labels"]
    assert len(said) == 1 and "«Status»" in said[0]["message"] and "«Source»" in said[0]["message"], said
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert [(s["stage"], s["reached"], s["open_here"]) for s in metrics["stages"]] == [
        ("Quote enquiry", 6, 1), ("Negotiations", 4, 2), ("Sale completed", 2, 0)]
    assert (metrics["won"], metrics["lost"], metrics["open"], metrics["revenue"]) == (2, 1, 3, 130_000)
    rows = _cli_json(tmp_path, capsys, "segments", "1", "--by", "source")["segments"]
    assert {r["value"]: (r["deals"], r["won"], r["lost"]) for r in rows} == {
        "Website": (3, 1, 1), "Phone": (2, 1, 0), "Recommendation": (1, 0, 0)}


def test_picklist_labels_of_a_staged_table():
    """Only a column made wholly of keys is relabelled: «Type» mixes a key with a company's own value
    («Partner deal»: a value added by hand is stored as typed) and stays as written. Labels: YetiForce's files
    where they list the key (PLL_REQUIREMENTS_CARD «Requirements Card», not «Requirements card»; PLL_LEAD_UNTAPPED
    «Unobtained», not «Lead untapped»), else the key's words in sentence case (PLL_SITE_VISIT «Site visit»)."""
    import duckdb

    from funnel.readers.picklist_keys import label_picklist_keys
    from funnel.readers.staging import RawTable

    con = duckdb.connect()
    con.execute("CREATE TEMP TABLE raw (row_no INTEGER, c0 VARCHAR, c1 VARCHAR, c2 VARCHAR)")
    con.execute("INSERT INTO raw VALUES (1, 'PLL_REQUIREMENTS_CARD', 'PLL_NEW_SALES', 'PLL_LEAD_UNTAPPED'), "
                "(2, 'PLL_SITE_VISIT', 'Partner deal', NULL), (3, 'PLL_QUOTE_ENQUIRY', 'PLL_RENEWAL', 'PLL_PENDING')")
    raw = RawTable("raw", ["Status", "Type", "Lead status"], 3, "export.csv", "csv", "utf-8", ",", None, [], 1)
    label_picklist_keys(con, raw)
    rows = con.execute("SELECT c0, c1, c2 FROM raw ORDER BY row_no").fetchall()
    assert rows == [("Requirements Card", "PLL_NEW_SALES", "Unobtained"), ("Site visit", "Partner deal", None),
                    ("Quote enquiry", "PLL_RENEWAL", "Pending")]
    assert [code for code, _ in raw.notes] == ["readers.picklist_labels"]


# ---------------------------------------------------------------- 2. an unreadable .et inside a zip

@pytest.mark.parametrize(("lang", "named"), [("en", "“export.zip › Сделки.et”"), ("ru", "«export.zip › Сделки.et»"),
                                             ("zh", "“export.zip › Сделки.et”")])
@pytest.mark.parametrize("head", [OLE2_HEAD, WPS_OWN_HEAD], ids=["ole2_unreadable", "not_a_workbook"])
def test_unreadable_et_inside_a_zip_gets_the_wps_message(tmp_path, lang, named, head):
    """The zip's one table is the .et (the readme is no table): it is refused as a WPS spreadsheet, named as
    the member of the archive (before: «the workbook … is damaged or password-protected» / «binary data»)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.md", "WPS export")
        zf.writestr("Сделки.et", head)
    error = _refusal(tmp_path, "export.zip", out.getvalue())
    assert error.code == "file.wps_unreadable"
    text = error.message(lang)
    assert named in text and "WPS Office" in text and ".xlsx" in text, text


# ---------------------------------------------------------------- 3. an unreadable .dps

def _pptx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("ppt/presentation.xml", "<p:presentation/>")
    return out.getvalue()


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("“slides.dps”", "WPS", "presentation", ".xlsx", ".csv")),
    ("ru", ("«slides.dps»", "WPS", "презентац", ".xlsx", ".csv")),
    ("zh", ("“slides.dps”", "WPS", "演示", ".xlsx", ".csv"))])
@pytest.mark.parametrize("data", [OLE2_HEAD, _pptx_like()], ids=["ole2", "zip"])
def test_unreadable_dps_is_said_to_be_a_presentation(tmp_path, lang, words, data):
    """A .dps no reader opens (WPS Presentation's binary file, or one in the zip of a .pptx) is no table at all:
    said so, with how to get the table (before: «the workbook … is damaged» / «the archive has no tables»)."""
    error = _refusal(tmp_path, "slides.dps", data)
    assert error.code == "file.wps_presentation"
    text = error.message(lang)
    assert all(w in text for w in words), text


# ---------------------------------------------------------------- 4. Bitrix24's category list

# crm.item.list of smart process 1036 saved as CSV (survey 38's columns): items 1–4 in category 8, 5–6 in 9
SMART_ITEMS = (
    "id,title,categoryId,stageId,opportunity,currencyId,assignedById,createdTime,movedTime\n"
    "1,A,8,DT1036_8:SUCCESS,40000,RUB,7,2024-03-01T10:00:00+03:00,2024-03-11T10:00:00+03:00\n"
    "2,B,8,DT1036_8:FAIL,5000,RUB,7,2024-03-02T10:00:00+03:00,2024-03-06T10:00:00+03:00\n"
    "3,C,8,DT1036_8:PREPARATION,7000,RUB,12,2024-03-03T10:00:00+03:00,2024-03-07T10:00:00+03:00\n"
    "4,D,8,DT1036_8:NEW,9000,RUB,12,2024-03-04T10:00:00+03:00,2024-03-04T10:00:00+03:00\n"
    "5,E,9,DT1036_9:NEW,3000,RUB,7,2024-03-05T10:00:00+03:00,2024-03-05T10:00:00+03:00\n"
    "6,F,9,DT1036_9:SUCCESS,60000,RUB,7,2024-03-06T10:00:00+03:00,2024-03-16T10:00:00+03:00\n")


def _categories(entity_type: int, rows: list[tuple[int, str, int, str]]) -> str:
    return json.dumps({"result": {"categories": [
        {"id": cid, "name": name, "sort": sort, "entityTypeId": entity_type, "isDefault": default}
        for cid, name, sort, default in rows]}, "total": len(rows)}, ensure_ascii=False)


def test_smart_process_categories_are_named_by_the_category_list(tmp_path, capsys):
    """The list: 8 «Продажи» (isDefault Y), 9 «Опт». By hand: «Продажи» holds items 1–4, «Опт» 5–6; the larger
    is the one ``metrics`` counts: 4 items, won 1 (SUCCESS, item 1), lost 1 (FAIL, item 2), open 2. Each
    category's stages in the smart process's default order NEW → PREPARATION → … → SUCCESS, as present."""
    deals, listed = tmp_path / "items.csv", tmp_path / "crm.category.list.json"
    deals.write_text(SMART_ITEMS, encoding="utf-8")
    listed.write_text(_categories(1036, [(8, "Продажи", 500, "Y"), (9, "Опт", 600, "N")]), encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(deals), "--history", str(listed))
    assert doc["stage_order"] == {"Продажи": ["DT1036_8:NEW", "DT1036_8:PREPARATION", "DT1036_8:SUCCESS"],
                                  "Опт": ["DT1036_9:NEW", "DT1036_9:SUCCESS"]}
    assert "category_list.applied" in {f["code"] for f in doc["info"]}
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert (metrics["pipeline"], metrics["pipelines"]) == ("Продажи", {"Продажи": 4, "Опт": 2})
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)


def test_deal_category_list_names_the_general_pipeline_as_the_account_does(tmp_path, capsys, monkeypatch):
    """``crm.category.list`` of deals (entityTypeId 2): 0 «Розница» (the default, renamed by the account), 1
    «Опт». The list's name wins over Bitrix24's stock «General»: deals 1–4 «Розница» (won 1, lost 1, open 2),
    5–6 «Опт» (the deals of test_leftovers_h1)."""
    from tests.unit.test_leftovers_h1 import B24_DEALS

    monkeypatch.setenv("FUNNEL_LANG", "en")
    deals, listed = tmp_path / "crm.deal.list.csv", tmp_path / "categories.json"
    deals.write_text(B24_DEALS, encoding="utf-8")
    listed.write_text(_categories(2, [(0, "Розница", 100, "Y"), (1, "Опт", 200, "N")]), encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(deals), "--history", str(listed))
    assert doc["stage_order"] == {"Розница": ["NEW", "PREPARATION", "WON"], "Опт": ["C1:NEW", "C1:WON"]}
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert metrics["pipelines"] == {"Розница": 4, "Опт": 2}
    assert (metrics["deals"], metrics["won"], metrics["lost"], metrics["open"]) == (4, 1, 1, 2)


# ---------------------------------------------------------------- 5. Pipedrive in Spanish: «Negocio - …»

# the six deals of surveys 40–42: created 1, 2, 5, 10, 12, 15 March 2024; deals 1 and 2 won on 11 and 22 March
# (50,000 and 80,000), deal 3 lost, 4–6 open. Dates as the forecast script parses them (%Y-%m-%d %H:%M:%S)
PIPEDRIVE_ES = (
    "Negocio - ID,Negocio - Título,Negocio - Propietario,Negocio - Etapa,Negocio - Estado,Negocio - Valor,"
    "Negocio - Negocio creado el,Negocio - Fecha de ganado\n"
    "1,Flota A,Lucía Gómez,Negociación,Ganado,50000,2024-03-01 10:00:00,2024-03-11 10:00:00\n"
    "2,Flota B,Pablo Ruiz,Negociación,Ganado,80000,2024-03-02 14:30:00,2024-03-22 14:30:00\n"
    "3,Flota C,Lucía Gómez,Propuesta enviada,Perdido,30000,2024-03-05 09:00:00,\n"
    "4,Flota D,Pablo Ruiz,Negociación,Abierto,40000,2024-03-10 09:00:00,\n"
    "5,Flota E,Lucía Gómez,Propuesta enviada,Abierto,20000,2024-03-12 09:00:00,\n"
    "6,Flota F,Pablo Ruiz,Calificado,Abierto,10000,2024-03-15 09:00:00,\n")


def test_pipedrive_spanish_negocio_dates_are_the_creation_and_the_win(tmp_path, capsys):
    """By hand: won 2 (deals 1, 2), lost 1, open 3; revenue 130,000; sales cycles from «creado el» to «Fecha de
    ganado»: 1 → 11 March 10:00 = 10 days, 2 March 14:30 → 22 March 14:30 = 20 days; median 15."""
    path = tmp_path / "deals-1234567-89.csv"
    path.write_text(PIPEDRIVE_ES, encoding="utf-8")
    doc = _cli_json(tmp_path, capsys, "import", str(path))
    fields = doc["mapping"]["fields"]
    assert (fields.get("created_at"), fields.get("won_at")) == ("Negocio - Negocio creado el",
                                                                "Negocio - Fecha de ganado")
    metrics = _cli_json(tmp_path, capsys, "metrics", "1")
    assert (metrics["won"], metrics["lost"], metrics["open"], metrics["revenue"]) == (2, 1, 3, 130_000)
    assert metrics["median_cycle_days"] == 15.0
