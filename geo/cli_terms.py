"""Errors in the command-line user's terms.

The package's messages name API keywords (``threshold=``, ``path=``); a command-line user
typed options (``--threshold``, ``--out``). :func:`spellings` maps each command's keywords
to its options (from its argparse parser, plus :data:`RENAMED` where the names differ) and
:func:`in_cli_terms` rewrites a message once, in :func:`geo.cli.main`. :class:`Parser`
makes argparse's own usage errors end in the same single ``levelup: error:`` line.
"""

from __future__ import annotations

import argparse
import ast
import re
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn


@dataclass(frozen=True)
class Spelling:
    """How a command-line user says one keyword of the API.

    ``option`` is what the user types (``--threshold``, ``FROM``) followed by the value;
    ``values`` replaces ``keyword=VALUE`` as a whole for the values a command spells its own
    way (``overwrite=True`` is ``--overwrite``, ``higher_is_better=False`` is
    ``--lower-is-better``, ``weight=None`` is ``--weight none``).

    Examples
    --------
    >>> Spelling("--weight", {"None": "--weight none"}).say("None")
    '--weight none'
    """

    option: str
    values: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def flag(cls, option: str, on: str = "True", off: str = "False") -> Spelling:
        """An option without a value: it says ``keyword=on``; its absence ``keyword=off``."""
        return cls(option, {on: option, off: f"no {option}"})

    def say(self, value: str) -> str:
        """The option with ``value`` (the text after ``keyword=``, possibly empty).

        Examples
        --------
        >>> Spelling("--threshold").say("40"), Spelling.flag("--overwrite").say("True")
        ('--threshold 40', '--overwrite')
        >>> Spelling.flag("--lower-is-better", on="False", off="True").say("True")
        'no --lower-is-better'
        >>> Spelling("--area").say("'Durham'"), Spelling("--area").say("'County Durham'")
        ('--area Durham', "--area 'County Durham'")
        """
        if value in self.values:
            return self.values[value]
        return f"{self.option} {_as_typed(value)}" if value else self.option


def _as_typed(value: str) -> str:
    """A value as typed on the command line: a quoted word without its quotes
    (``'lad24'`` -> ``lad24``); anything else (spaces, quotes, an empty text) as written."""
    if value[:1] in {"'", '"'}:
        try:
            text = ast.literal_eval(value)
        except (SyntaxError, ValueError):
            return value
        if isinstance(text, str) and text and shlex.quote(text) == text:
            return text
    return value


#: keywords whose option has another name, by command ("*": every command having the option);
#: every other keyword is spelled by the parser itself (``min_population`` -> ``--min-population``)
RENAMED: dict[str, dict[str, Spelling]] = {
    "*": {"path": Spelling("--out"), "data": Spelling("INPUT")},
    "aggregate": {"errors": Spelling.flag("--report-unknown", on="'report'", off="'raise'")},
    "pockets": {"weight": Spelling("--weight", {"None": "--weight none"})},
    "map": {"higher_is_better": Spelling.flag("--lower-is-better", on="False", off="True")},
    "report": {"query": Spelling("--area"),
               "higher_is_better": Spelling("--higher-is-better", {"True": "--higher-is-better yes", "False": "--higher-is-better no"})},
    "area": {"query": Spelling("QUERY")},
}


def spellings(parser: argparse.ArgumentParser, command: str) -> dict[str, Spelling]:
    """Map the API keywords a command's errors may name to the command's own options.

    Each option's destination is a keyword (``--min-population`` for ``min_population=``,
    ``FROM`` for ``from_level=``); :data:`RENAMED` adds the keywords named otherwise, and
    its ``"*"`` entries apply where the command has that option (``path=`` is ``--out``).

    Examples
    --------
    >>> from geo.cli import build_parser
    >>> found = spellings(dict(leaves(build_parser()))[("lookup",)], "lookup")
    >>> found["from_level"].option, found["best_fit"].option
    ('FROM', '--best-fit')
    """
    found: dict[str, Spelling] = {}
    for action in parser._actions:
        if action.dest == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):
            continue
        name = max(action.option_strings, key=len) if action.option_strings else str(action.metavar or action.dest.upper())
        found[action.dest] = Spelling.flag(name) if isinstance(action, argparse._StoreTrueAction) else Spelling(name)
    options = {spelling.option for spelling in found.values()}
    found.update({k: v for k, v in RENAMED["*"].items() if v.option in options})
    found.update(RENAMED.get(command, {}))
    return found


# a `geo.name(...)` call (left as written), a quoted value (never rewritten inside), or keyword=value
_PROTECTED = r"(?P<call>\bgeo\.\w+\([^)]*\))|(?P<quoted>(?<!\w)(?:'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\")(?!\w))"
_VALUE = r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|-?[\w.]*\w"


def in_cli_terms(message: str, spelled: Mapping[str, Spelling]) -> str:
    """Rewrite the API keywords of an error ``message`` as the options of a command.

    Only ``keyword=`` where the keyword is one of ``spelled`` is rewritten, never inside a
    quoted value or a ``geo.name(...)`` call, so values in the message are left exactly as
    they are.

    Examples
    --------
    >>> spelled = {"path": Spelling("--out"), "overwrite": Spelling.flag("--overwrite")}
    >>> in_cli_terms("path='o.csv' exists; pass overwrite=True to replace it", spelled)
    '--out o.csv exists; pass --overwrite to replace it'
    >>> in_cli_terms("column 'x path=1' of path='a b' (geo.export(t, path=p))", spelled)
    "column 'x path=1' of --out 'a b' (geo.export(t, path=p))"
    """
    if not spelled:
        return message
    keywords = "|".join(sorted(map(re.escape, spelled), key=len, reverse=True))
    pattern = re.compile(rf"{_PROTECTED}|(?<![\w.\-])(?P<key>{keywords})=(?!=)(?P<value>{_VALUE})?")

    def rewrite(found: re.Match[str]) -> str:
        if found["key"] is None:
            return found[0]
        return spelled[found["key"]].say(found["value"] or "")

    return pattern.sub(rewrite, message)


class Parser(argparse.ArgumentParser):
    """``argparse`` whose usage errors end like every other error: one ``levelup: error:`` line
    (after the usage), exit status 2.

    Examples
    --------
    >>> Parser(prog="levelup demo").parse_args(["--nope"])  # stderr: levelup: error: unrecognized arguments: --nope ...
    Traceback (most recent call last):
    ...
    SystemExit: 2
    """

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"levelup: error: {message} (see {self.prog} --help)\n")


def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Return every command of ``parser`` as (its words, its parser), sub-commands included.

    Examples
    --------
    >>> from geo.cli import build_parser
    >>> [" ".join(words) for words, _ in leaves(build_parser())][:3]
    ['levels', 'data status', 'data fetch']
    """
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(leaves(sub, (*path, name)))
    return found or [(path, parser)]
