"""md_escape: a name reads as typed in Markdown and never becomes a link, image or HTML."""

import pytest

from funnel.markdown_escape import WORD_JOINER, md_escape


@pytest.mark.parametrize("name, breaks", [
    ("![x](http://127.0.0.1:9/p.png)", ["http:" + WORD_JOINER + "//"]),
    ("see www.evil.example", ["www" + WORD_JOINER]),
    ("mail a@evil.example", ["@" + WORD_JOINER + "evil"]),
    ("HTTPS://X.EXAMPLE", ["HTTPS\\:" + WORD_JOINER + "//"]),
])
def test_autolinks_are_broken_by_an_invisible_joiner(name, breaks):
    escaped = md_escape(name)
    for piece in breaks:
        assert piece.replace("http:", "http\\:") in escaped
    # the reader sees the same characters once escapes and the joiner are removed
    assert escaped.replace(WORD_JOINER, "").replace("\\", "") == name


def test_plain_text_keeps_its_characters():
    assert md_escape("p: 0.153 · Acme, Inc.") == "p\\: 0\\.153 · Acme, Inc\\."
    assert md_escape("<img src=x onerror=alert(1)>") == "\\<img src=x onerror=alert\\(1\\)\\>"
    assert md_escape(None) == ""
