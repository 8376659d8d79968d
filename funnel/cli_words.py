"""argparse's own words (usage, options, its errors) in the reader's language.

argparse writes them through ``gettext`` under the names it looks up at call time (``argparse._``), so a
Russian ``--help`` read «usage: … positional arguments … options: … show this help message and exit» under
translated option help (survey 31). :func:`install` puts our catalog's words in their place; a word not
listed stays argparse's English.
"""

from __future__ import annotations

import argparse

from .i18n import t

WORDS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positional",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "%(prog)s: error: %(message)s\n": "cli.argparse.error",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "expected one argument": "cli.argparse.expected_one",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
}


def install(lang: str) -> None:
    """argparse's words in ``lang`` from now on (the process's one CLI run)."""
    def words(text: str) -> str:
        key = WORDS.get(text)
        return t(key, lang) if key else text

    argparse._ = words  # type: ignore[attr-defined]
    # argparse writes a section's heading with its own «:» (not through gettext): «位置参数:», «选项:» under a
    # Chinese «用法：» (session 49); the language's colon in its place
    _HEADINGS.clear()
    _HEADINGS.update({f"\n{t(WORDS[w], lang)}:\n": f"\n{t('zh49.heading', lang, label=t(WORDS[w], lang))}\n"
                      for w in ("positional arguments", "options")})
    if not getattr(argparse.HelpFormatter.format_help, "_headings", False):
        argparse.HelpFormatter.format_help = _with_headings(argparse.HelpFormatter.format_help)  # type: ignore


_HEADINGS: dict[str, str] = {}


def _with_headings(format_help):
    def wrapped(self) -> str:
        text = format_help(self)
        for ascii_colon, own in _HEADINGS.items():
            text = text.replace(ascii_colon, own)
        return text

    wrapped._headings = True
    return wrapped


# the commands defined beside their code (cli_audit, cli_velocity, cli_report): their one-line help in
# ``python -m funnel --help`` (was English in RU and ZH: survey 33)
COMMAND_HELP = {
    "diagnose": "cli.help.command.diagnose",
    "managers": "cli.help.command.managers",
    "segments": "cli.help.command.segments",
    "velocity": "cli.help.command.velocity",
    "pipeline": "cli.help.command.pipeline",
    "forecast": "cli.help.command.forecast",
    "report": "cli.help.command.report",
}


def command_help(command: str) -> str:
    """A command's help line in FUNNEL_LANG's words (argparse formats help with ``%``)."""
    from .i18n import env_language

    return t(COMMAND_HELP[command], env_language()).replace("%", "%%")


def option_help(key: str) -> str:
    """An option's ``--help`` text (``cli.help.<key>``) in FUNNEL_LANG's words (survey 33: the options of
    ``diagnose``, ``velocity``, ``report``, … were English in RU and ZH)."""
    from .i18n import env_language

    return t(f"cli.help.{key}", env_language()).replace("%", "%%")
