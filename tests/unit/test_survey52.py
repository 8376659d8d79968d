"""Survey 52: real exports committed to public repositories (four Salesforce and Bitrix24 files met every hand value).
What it found: a real Salesforce Data Export's ``OwnerId`` («00546000001l1cJAAQ») made the Managers page's rows with no
word that they are ids, where a Bitrix24 file's numeric ids were said (``people.ids_only``)."""

from __future__ import annotations

from tests.unit.test_survey38 import _import

HEADER = '"Id","Name","StageName","Amount","CloseDate","IsClosed","IsWon","OwnerId","CreatedDate"\n'


def _owner_warnings(tmp_path, capsys, owners) -> list[str]:
    # three opportunities: one won, one lost, one open (the owners are all that differs between the runs)
    rows = "".join(f'"0064600000J5S5{k}AAV","Deal {k}","{stage}","{amount}","2024-03-{11 + k}","{closed}","{won}",'
                   f'"{owners[k]}","2024-03-0{1 + k} 10:00:00"\n'
                   for k, (stage, amount, closed, won) in enumerate((("Closed Won", 50000, 1, 1),
                                                                     ("Closed Lost", 30000, 1, 0),
                                                                     ("Negotiation/Review", 20000, 0, 0))))
    doc = _import(tmp_path, capsys, HEADER + rows, "Opportunity.csv")
    return [w["message"] for w in doc["warnings"] if w["code"] == "people.ids_only"]


def test_salesforce_owner_ids_are_said_to_be_ids(tmp_path, capsys):
    said = _owner_warnings(tmp_path, capsys, ("00546000001l1cJAAQ", "00546000001l1cJAAQ", "0055g00000XyZ12AAA"))
    assert len(said) == 1 and "is a record id" in said[0] and "«00546000001l1cJAAQ»" in said[0]


def test_owner_names_are_no_ids(tmp_path, capsys):
    assert _owner_warnings(tmp_path, capsys, ("Anna Smirnova", "Boris Ivanov", "Konstantinopolsky")) == []
