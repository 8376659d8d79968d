"""Data page under AppTest: a CSV saved without its header row is refused before anything is proposed.

Session 49 made the import refuse such a file («the first line holds values»), but the page drew the preview first:
«Read 3 rows», «Import into», «Read the file as» and the column pickers, all built from the first deal's values
taken as titles («1001», «Alderline Inc - Enterprise plan», …), with the refusal under them. The refusal now comes
alone: no success line, no pickers, no «Column titles» box (another header row cannot give a file its missing
titles). Expected values worked out by hand from the file below."""

from __future__ import annotations

from tests.app.conftest import uploaded

# a Pipedrive-style export, header line dropped: the first line is deal 1001's values (id, name, manager, amount,
# currency, pipeline, …); «Olivia Hughes», «USD», «New business», «Lost» recur in their columns below it
NO_HEADER = (
    b"1001,Alderline Inc - Enterprise plan,Olivia Hughes,97900,USD,New business,Demo done,Lost,"
    b"2025-05-01 09:02:51,,2025-06-26 01:00:15,Chose competitor,Organic search,Enterprise\n"
    b"1002,Cedarstone Inc,Sofia Romero,27600,USD,New business,Lead,Lost,2025-05-01 09:06:39,,"
    b"2025-05-20 07:06:06,No budget,Outbound,Enterprise\n"
    b"1003,Birchfield Co,Olivia Hughes,34400,USD,New business,Demo done,Open,2025-05-01 09:56:53,,,,Referral,"
    b"Mid-market\n"
    b"1004,Rowanstone GmbH,Sofia Romero,26400,USD,Renewals,Won,Won,2025-05-01 10:32:32,2025-05-29 10:21:02,,,"
    b"Outbound,Enterprise\n"
)
FIRST_SIX = "1001, Alderline Inc - Enterprise plan, Olivia Hughes, 97900, USD, New business"


def _import_pickers(widgets) -> list[str]:
    """The import flow's pickers (its target, reading, columns: keyed «import_into», «g<n>_…»); the page also
    shows the sample dataset's own «Change this dataset» panel and filters below."""
    return [w.key for w in widgets if w.key and (w.key == "import_into" or w.key.startswith("g"))]


def test_a_csv_without_its_header_row_is_refused_alone(data_dir):
    at = uploaded("no_header.csv", NO_HEADER)
    # (the page escapes Markdown: «no\\_header\\.csv», «Inc \\- Enterprise»)
    assert [e.value.replace("\\", "") for e in at.error] == [
        f"“no_header.csv”: the first line holds values ({FIRST_SIX}…), not column names. Save the export with its "
        "header row (the column names on the first line) and upload it again."]
    # nothing built from the garbage titles: no «Read 4 rows» line, no reading, target or column pickers
    assert not at.success
    assert not _import_pickers(at.selectbox) and not _import_pickers(at.multiselect)
    assert not [h.value for h in at.subheader if h.value == "Columns"]
    assert not [e.label for e in at.expander if e.label == "Column titles"]
    assert not [b.label for b in at.button if b.key == "confirm_import"]


def test_the_refusal_in_russian_names_the_first_values(data_dir):
    at = uploaded("no_header.csv", NO_HEADER, lang="ru")
    assert len(at.error) == 1
    assert at.error[0].value.replace("\\", "").startswith(f"«no_header.csv»: в первой строке значения ({FIRST_SIX}…)")
    assert not at.success and not _import_pickers(at.selectbox)


def test_a_header_row_chosen_on_a_data_row_can_be_chosen_again(data_dir):
    """The titles are on row 2 (a report's title above them, tests/app/test_page_data_header_row.py); row 4 chosen
    by mistake reads «D2, Closed Lost, 500, 2024-01-12» as titles: refused as holding values, and «Header on row»
    stays under the refusal (the row was chosen here), so row 2 can be given back: 4 deals (rows 3–6)."""
    from tests.app.test_page_data_header_row import TITLED, _header_input

    at = uploaded("pipeline.csv", TITLED)
    _header_input(at).set_value(4).run()
    assert [e.value.replace("\\", "") for e in at.error][0].startswith(
        "“pipeline.csv”: the first line holds values (D2, Closed Lost, 500, 2024-01-12…)")
    _header_input(at).set_value(2).run()
    assert not at.exception and not at.error
    assert any(s.value.startswith("Read 4 rows from pipeline") for s in at.success)
