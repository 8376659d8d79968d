"""Streamlit's uploader texts replaced by translated ones (ui/uploader_text.py)."""

from funnel.i18n import Translator
from ui.uploader_text import css_string, stylesheet


def test_css_string_escapes_what_could_end_the_string_or_the_style():
    assert css_string("Upload") == '"Upload"'
    # " → \000022, \ → \00005c, < → \00003c, > → \00003e: written out by hand from the code points
    assert css_string('a"b\\c</style>') == '"a\\000022b\\00005cc\\00003c/style\\00003e"'


def test_stylesheet_per_language():
    ru = stylesheet(Translator("ru"), 500)
    assert 'content: "Загрузить"' in ru
    assert 'content: "До 500 МБ на файл"' in ru
    zh = stylesheet(Translator("zh"), 1024)
    assert 'content: "上传"' in zh
    assert "1,024" in zh  # Chinese groups thousands with a comma
    en = stylesheet(Translator("en"), 500)
    assert 'content: "Up to 500 MB per file"' in en
    assert en.startswith("<style>") and en.endswith("</style>") and en.count("<") == 2
