"""A sentence that names a stage, a column or a file quotes it, as the rest of the catalog does: Russian «…»,
Chinese “…”, English «…», “…” or "…" (all three in use). An error said «fb_ads.csv: no column for the required field
«stage»» and «Файл C:/x.csv не найден», a spend error «The spend file spend.csv has no source column», the import's
won/lost line and the Velocity page's «no deal has left these stages: Lead, Meeting» listed names bare.

The rules this test checks, for every text of every catalog (plural forms too):

- ``{stage}``, ``{column}``, ``{file}``, ``{name}`` stand inside the language's quotation marks (or in bold, or in a
  command's ``"…"``), unless the key is in :data:`PRE_QUOTED` (the code passes the name already quoted: a finding's
  detail, ``f"«{stage}»"``) or :data:`NOT_A_NAME_IN_A_SENTENCE` (a number, a CLI listing, a title or label);
- ``{stages}`` (a list each of whose names the code quotes: ``names_in_quotes``, ``f"«{s}»"``) is never put inside
  quotes again (it would read ««A», «B»»), and every caller of such a key quotes its names: the keys whose list is no
  list of quoted names (a count, an arrow order) are in :data:`STAGES_NOT_QUOTED_NAMES`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "funnel" / "i18n" / "catalog"
NAMES = ("stage", "column", "file", "name")
PAIRS = {"ru": ("«»",), "zh": ("“”", "«»"), "en": ("«»", "“”", "‘’")}  # (a Chinese finding's «» becomes “” on screen)

# the caller passes the name already in quotes (a finding's JSON detail, or f"«{stage}»" at the call)
PRE_QUOTED = {
    # step_place.placement_note passes the step names quoted «…» (in_quotes makes them “…” for ZH)
    "quality.import50.step_placed", "quality.import50.step_placed_counts_between",
    "quality.import50.step_placed_counts_first", "quality.import50.step_placed_counts_last",
    "quality.import50.step_placed_file_between", "quality.import50.step_placed_file_first",
    "quality.import50.step_placed_file_last",
    "import50.refresh.file",  # refresh_summary.summary_lines quotes the file name
    "quality.stages.closing_both", "quality.stages.last_is_won", "quality.status.none_won_yet",
    "quality.stages.none_candidate", "quality.deals.id_from_history", "quality.deals.won_flag_only",
    "quality.stages.won_by_close_date", "quality.stages.lost_by_close_date", "crmimport.note_won_by_close_date",
    "crmimport.note_lost_by_close_date", "quality.people.ids_only", "quality.people.ids_codes",
    "quality.refresh.column_gone", "quality.refresh.column_moved", "quality.refresh49.column_back",
    "quality.refresh49.column_back_empty", "quality.refresh49.choice_kept", "quality.stages.candidate_taken",
    "audit.managers.ids",
}
# a placeholder that is no name inside a sentence: a number (JSON's column position), a CLI listing or arrow line, a
# title or a label (a dataset's name in a heading, a table's column label), a command's role code (edit --map {name}=)
NOT_A_NAME_IN_A_SENTENCE = {
    "error.json.cut", "error.json.unreadable",  # {column}: the character's position on its line
    "cli.datasets_line", "cli.datasets_line_counts", "cli.datasets_line_visitors", "cli.imported",
    "crmimport.cli_edited", "crmimport.cli_refreshed", "velocity.cli.compared", "engines.exported",
    "audit.cli.manager_gap",
    "ab.drill.title", "ab.web.drill.title", "ab.skipped.title", "report.table.deals_behind", "report.ab.title",
    "report.cover.filter", "audit.segment_gap.better.title", "audit.segment_gap.worse.title",
    "report48.managers.empty_column", "ui.data.quality_title", "crmimport.into_existing", "zh49.repro.dataset",
    "rerun.report.logo_kept", "report.summary.manager", "ui.data.read_ok",
    "error.engines.missing_column",  # the canonical columns missing, joined by the attach code
}
# {stages} that is no list of quoted names: a count, an order written with arrows, id → name pairs
STAGES_NOT_QUOTED_NAMES = {"readers.stage_pairs", "error.limits.too_many_stages", "ui.data.order_caption",
                           "sheets9.order_from_sheet", "stage_list.preset_named"}


def _texts(value) -> list[str]:
    return [value] if isinstance(value, str) else [v for v in value.values() if isinstance(v, str)]


def _entries():
    for path in sorted(CATALOG.glob("*.json")):
        lang = path.name.split(".")[-2]
        for key, value in json.loads(path.read_text(encoding="utf-8")).items():
            for text in _texts(value):
                yield lang, key, text


def _inside(text: str, at: int, lang: str) -> bool:
    """Whether ``text[at]`` stands inside a pair of the language's quotation marks, straight quotes or bold."""
    before = text[:at]
    if any(before.count(o) > before.count(c) for o, c in PAIRS[lang]):
        return True
    return before.count('"') % 2 == 1 or before.count("**") % 2 == 1


def _unquoted(name: str) -> list[tuple[str, str, str]]:
    found = []
    for lang, key, text in _entries():
        for m in re.finditer(r"\{" + name + r"\}", text):
            if not _inside(text, m.start(), lang):
                found.append((lang, key, text))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_a_named_stage_column_or_file_is_quoted(name):
    bare = [(lang, key) for lang, key, _text in _unquoted(name)
            if key not in PRE_QUOTED and key not in NOT_A_NAME_IN_A_SENTENCE]
    assert not bare, bare


def test_a_list_of_quoted_names_is_not_quoted_again():
    twice = [(lang, key) for lang, key, text in _entries() for m in re.finditer(r"\{stages\}", text)
             if _inside(text, m.start(), lang) and text[m.start() - 2:m.start()] != "**"]
    assert not twice, twice


def test_the_allowlists_name_keys_that_exist():
    """An allowlisted key that no catalog has any more is a stale exception, removed."""
    keys = {key for _lang, key, _text in _entries()}
    assert not (PRE_QUOTED | NOT_A_NAME_IN_A_SENTENCE | STAGES_NOT_QUOTED_NAMES) - keys


def test_a_pre_quoted_key_is_not_quoted_again_in_the_catalog():
    """A placeholder the code passes quoted stands bare in the text: «««Stage»»» otherwise."""
    twice = [(lang, key) for lang, key, text in _entries() if key in PRE_QUOTED
             for name in NAMES for m in re.finditer(r"\{" + name + r"\}", text)
             if text[m.start() - 1:m.start()] in ("«", "“")]
    assert not twice, twice


@pytest.mark.parametrize(("call", "said"), [
    ("ab", "«Visit», «Signup»"),
    ("targets", "«Lead», «Meeting»"),
])
def test_an_unknown_stage_error_quotes_the_stages_it_offers(call, said):
    """The A/B step and the target's stage: «Stages: Visit, Signup» listed the names bare."""
    from funnel.ab_dataset import parse_step
    from funnel.audit.targets import check_stages
    from funnel.errors import FunnelError

    with pytest.raises(FunnelError) as caught:
        if call == "ab":
            parse_step("Visit:Nowhere", ["Visit", "Signup"])
        else:
            check_stages({"Nowhere": 0.5}, ["Lead", "Meeting", "Won"])
    assert said in caught.value.message("ru"), caught.value.message("ru")
