"""Mac Roman and Mac Cyrillic: a CSV saved by Excel for Mac or Numbers in its "Mac" encoding.

charset-normalizer is asked among the encodings CRM exports are written in (``sniff.CANDIDATE_ENCODINGS``),
which leave out the Mac code pages: a Mac Cyrillic file was read as cp1251 («Новая заявка» as «ЌоваЯ заЯвка»,
«Дата» as «„ата») and a Mac Roman one as cp1251 or cp1252 («José Müller» as «JosЋ Mџller», «€» as «Ы»). The
two families share the ASCII half and differ in every other byte, so the wrong one leaves words no language
writes; the reading whose letters form words is taken.

A word is odd (:func:`odd_words`) when, around a character outside ASCII, a lowercase letter is followed by an
uppercase one («ЌоваЯ», «CafŽ»), a symbol sits between two letters («Gro§e», «M¸ller») or starts a word
glued to a lowercase letter («„ата»), Latin and Cyrillic letters mix in one word («Josй»), or letters found
only in Serbian and Macedonian sit beside letters found only in Russian («Џереговоры»). ASCII words are never
odd (``iPhone``, ``HubSpot``). The Mac reading is taken only when the chosen one has at least
:data:`MIN_ODD` odd words and the Mac one fewer than a third as many: a Windows file's «Smith’s – deal» or
«Café» read as Mac Roman gives «Smithís ñ deal», «CafÈ», so correct Windows text is never switched.
"""

from __future__ import annotations

import re
import unicodedata

MAC_ENCODINGS = ("mac_cyrillic", "mac_roman")
MIN_ODD = 2  # odd words the chosen reading must show before another is considered
_WORD = re.compile(r"\S+")
_JOINERS = frozenset("'’‘ʼ-‐‑–—.·/&+")  # between letters in real words: «l’offre», «Санкт-Петербург»
_BALKAN = frozenset("ЂђЃѓЉљЊњЌќЋћЏџЅѕЈј")
_RUSSIAN = frozenset("ЫыЭэЪъЁё")


def _odd(word: str) -> bool:
    for a, b in zip(word, word[1:], strict=False):
        if ord(a) <= 127 and ord(b) <= 127:
            continue
        if a.isalpha() and b.isalpha() and a.islower() and b.isupper():
            return True
        if (not a.isalnum() and not a.isspace() and a not in _JOINERS and b.isalpha() and b.islower()
                and ord(b) > 127):
            return True
    for a, s, b in zip(word, word[1:], word[2:], strict=False):
        if a.isalpha() and b.isalpha() and ord(s) > 127 and not s.isalnum() and s not in _JOINERS:
            return True
    letters = [c for c in word if c.isalpha()]
    scripts = {unicodedata.name(c, "").split(" ")[0] for c in letters}
    if {"LATIN", "CYRILLIC"} <= scripts and any(ord(c) > 127 for c in letters):
        return True
    chars = set(word)
    return bool(chars & _BALKAN and chars & _RUSSIAN)


def odd_words(text: str) -> int:
    """How many whitespace-separated words of ``text`` no language writes (module docstring)."""
    return sum(1 for m in _WORD.finditer(text) if any(ord(c) > 127 for c in m.group()) and _odd(m.group()))


def mac_reading(sample: bytes, encoding: str) -> str:
    """``encoding``, or the Mac code page whose reading of ``sample`` forms words where ``encoding``'s does not."""
    chosen = odd_words(sample.decode(encoding, errors="replace"))
    if chosen < MIN_ODD:
        return encoding
    best, fewest = encoding, chosen
    for mac in MAC_ENCODINGS:
        n = odd_words(sample.decode(mac, errors="replace"))
        if n * 3 < chosen and n < fewest:
            best, fewest = mac, n
    return best
