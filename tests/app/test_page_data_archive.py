"""Data page under AppTest: a CRM's zip archive uploaded as it came (readers/archive.py).

The Salesforce Weekly Data Export of tests/unit/test_archives.py: Account.csv (8 rows), Opportunity.csv
(5 opportunities), OpportunityHistory.csv (17 stage changes). Expected values worked out there by hand."""

from __future__ import annotations

import io
import zipfile

from tests.app.conftest import open_page
from tests.unit.test_archives import ACCOUNT, HUBSPOT, OPPORTUNITY, OPPORTUNITY_HISTORY


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def _member_picker(at):
    return next(s for s in at.selectbox if (s.key or "").startswith("up_sheet_"))


def test_a_salesforce_export_zip_reads_its_opportunities_and_their_history(data_dir):
    at = open_page("pages/data.py", lang="en")
    data = _zip({"Account.csv": ACCOUNT, "Opportunity.csv": OPPORTUNITY, "OpportunityHistory.csv": OPPORTUNITY_HISTORY,
                 "__MACOSX/._Opportunity.csv": "\x00junk"})
    at.file_uploader[0].set_value(("export.zip", data, "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    picker = _member_picker(at)
    assert picker.label == "File in the archive"
    assert picker.options == ["Account.csv (8)", "Opportunity.csv (5)", "OpportunityHistory.csv (17)"]
    assert picker.value == "Opportunity.csv"
    # names go in as Markdown made literal (md_escape: "export\\.zip")
    assert any(s.value.startswith("Read 5 rows from export\\.zip › Opportunity\\.csv") for s in at.success)
    assert any("OpportunityHistory\\.csv" in i.value and "same archive" in i.value for i in at.info)
    # another member: the accounts hold no stage, refused naming the archive and its other files
    picker.set_value("Account.csv").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("file «Account\\.csv»" in e.value and "«Opportunity\\.csv»" in e.value for e in at.error)


def test_a_hostile_member_name_is_shown_as_text(data_dir):
    at = open_page("pages/data.py", lang="ru")
    name = "<img src=x onerror=alert(1)>*deals*.csv"  # "deals": the preferred member
    at.file_uploader[0].set_value(("x.zip", _zip({name: HUBSPOT, "Account.csv": ACCOUNT}), "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    picker = _member_picker(at)
    assert picker.label == "Файл в архиве" and picker.options[0] == f"{name} (4)"
    # the success line names the member with Markdown escaped (md_escape): no emphasis, no HTML
    read = next(s.value for s in at.success if "x\\.zip ›" in s.value)
    assert "\\<img" in read and "\\*deals\\*" in read
