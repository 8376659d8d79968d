"""Stage names compared the way people mean them.

``Qualified To Buy`` (an export) and ``Qualified to Buy`` (a preset), HubSpot's internal
``qualifiedtobuy``, and Bitrix24's ``C3:PREPARATION`` (pipeline 3) against the preset's
``PREPARATION`` are the same stage: :func:`stage_key` folds case, punctuation, spaces and the
``C<n>:`` pipeline prefix (a smart process's ``DT<type>_<n>:``) away; :func:`align_order` lays a preset's default order over the names a
file really holds, in the file's spelling.
"""

from __future__ import annotations

import re

from .normalize import normalize_header

_PIPELINE_PREFIX = re.compile(r"^(?:c\d+|dt\d+_\d+):")  # Bitrix24: C3:PREPARATION, DT1036_8:CLIENT
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def stage_key(name: str | None) -> str:
    text = normalize_header(name)
    return _NON_WORD.sub("", _PIPELINE_PREFIX.sub("", text))


def align_order(preset_order: list[str] | None, names: list[str]) -> tuple[list[str], list[str]]:
    """(the file's stage names in the preset's order, the file's names the preset does not know).

    Preset stages the file does not hold are left out (no phantom stages); when no name matches,
    the order is ``[]`` and every name is unknown.
    """
    by_key: dict[str, list[str]] = {}
    for name in names:
        by_key.setdefault(stage_key(name), []).append(name)
    ordered: list[str] = []
    for stage in preset_order or []:
        for name in by_key.pop(stage_key(stage), []):
            ordered.append(name)
    unknown = [n for group in by_key.values() for n in group]
    return ordered, [n for n in names if n in unknown]


# «1-Qualify» (Dynamics 365's pipeline phases), «01. Новый лид», «3) Proposal», «2 - Demo»: a company's own
# order written into the names. Not «1С» or «2nd call» (no separator after the number). Letters too,
# followed by a dot or a bracket and a space (a monday.com board's «A. Lead Generated», «B. Sales
# Qualified Leads») or by a dash or a colon (a Chinese template's «A-初步接洽 … E-赢单, F-输单»): letters are
# ranked after every number. A word may stand before the number («阶段6：输单», «第2阶段、方案», «Stage 3 -
# Proposal», «Этап 2. Встреча»), or an «S» (a Kingdee company's «S1了解项目 … S8终止跟进», a Chinese name right
# after the number); «S4-1方案制定», «S4-2方案提交和谈判» are 4.01 and 4.02; «E-mail sent» is no lettered stage.
_NUMBERED = re.compile(r"(?i)^\s*(?:(?:stage|step|этап|шаг|阶段|第)\s*|s(?=\d))?(\d{1,3})(?:[-.](\d{1,2})(?=\D))?\s*"
                       r"(?:阶段|步)?\s*(?:[-.):_–—：、]\s*|\s+(?=\D)|(?=[\u4e00-\u9fff]))")
_LETTERED = re.compile(r"^\s*([A-Za-z])(?:[.)]\s+|\s*[-–—:：]\s*)(?![Mm][Aa][Ii][Ll]\b)(?=\w)")


# A stage named by a number alone, or a percent: SalesMan CRM names its stages by their probability
# («0», «20», «40» … «100»), a small CRM's export may write stage ids 1, 2, 3
_BARE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*(%?)\s*$")


# A stage named with its probability after it: «初步接洽(10%)», «赢单(100%)», «输单(0%)» (简道云 CRM templates
# and the teams that copy them; full-width brackets too): ordered by the percent, a certain order as
# «20%» alone; the name without it says whether the stage is won or lost
_PERCENT_SUFFIX = re.compile(r"\s*[(（]\s*(\d{1,3})\s*[%％]\s*[)）]\s*$")


def percent_suffix(name: str) -> int | None:
    """The percent a stage name ends with in brackets («方案报价(50%)» -> 50), else None."""
    match = _PERCENT_SUFFIX.search(name or "")
    return int(match.group(1)) if match else None


def bare_number(name: str) -> tuple[int, bool] | None:
    """(the number, whether it is a percent) of a stage named by a number alone, else None."""
    match = _BARE_NUMBER.match(name or "")
    return (int(match.group(1)), bool(match.group(2))) if match else None


def stage_number(name: str) -> float | None:
    """The step number ``name`` starts with (a sub-step's after a point: «S4-2» = 4.02; a letter's rank after
    1000: A = 1001), else None."""
    if (bare := bare_number(name)) is not None:
        return bare[0]
    if (percent := percent_suffix(name)) is not None:
        return percent
    match = _NUMBERED.match(name or "")
    if match:
        return int(match.group(1)) + (int(match.group(2)) / 100 if match.group(2) else 0)
    match = _LETTERED.match(name or "")
    return 1000 + ord(match.group(1).upper()) - ord("A") + 1 if match else None


def without_number(name: str) -> str:
    """``name`` less its leading step number or letter, and a trailing percent: «5-Won» and «赢单(100%)»
    are won stages."""
    return _LETTERED.sub("", _NUMBERED.sub("", _PERCENT_SUFFIX.sub("", name or ""), count=1), count=1)


def numbered_order(names: list[str]) -> tuple[list[str], bool] | None:
    """(``names`` by the numbers they start with, whether that order is certain), or None.

    Needs distinct numbers, three names at least, and a number on four names in five: a stage added
    without one (a board's «Project Completed») goes after them, and the order is then a guess."""
    numbers = {name: n for name in names if (n := stage_number(name)) is not None}
    if len(numbers) < 2 or len(set(numbers.values())) < len(numbers) or 5 * len(numbers) < 4 * len(names) \
            or len(numbers) < len(names) and len(names) < 3:
        return None
    # bare numbers without a percent sign may be ids: their order is a guess, said
    ids = any(b is not None and not b[1] for b in map(bare_number, numbers))
    return sorted(numbers, key=numbers.__getitem__) + [n for n in names if n not in numbers], \
        len(numbers) == len(names) and not ids
