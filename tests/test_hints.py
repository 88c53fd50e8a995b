"""Issue 9, point 6: every hint in an error message names an option that really exists.

Two checks:

1. **Dynamic** (``test_corpus_hints``): every case of the error corpus (:mod:`corpus_helpers`,
   the same cases as ``test_bad_inputs.py``) is run once and the message the user sees is
   collected (the exception text, or the ``levelup: error:`` line). In each message:

   - every keyword in a "pass ..." clause (``pass errors='report'``, ``pass x=, y=, crs=``) must
     be a parameter of the public function that was called (``inspect.signature``); from the
     command line it must instead be an option (``--errors``) of the subcommand run, since a
     CLI user cannot pass a keyword;
   - every ``geo.name(...)`` mentioned must exist, with the keywords written inside it;
   - every ``--option`` must be an option of the subcommand run (CLI), or a parameter of the
     function called (API: ``--value`` would be meaningless otherwise);
   - every ```levelup ...``` command suggested must be a complete command of
     ``geo.cli.build_parser()`` (subparsers walked) with options that command has;
   - LSOA 2011 -> 2021 is ``geo.convert``'s job: a message about those two levels must not
     send the user to ``geo.disaggregate``.

2. **Static** (``test_source_hints``): the package source (``geo/**/*.py``) is parsed with
   ``ast``; every string in a function body (docstrings excluded) with a "pass X=" hint is
   found, and the call graph of the package (calls by name) gives the public functions of
   ``geo.__all__`` that can reach that function. The keyword must be a parameter of each of
   them, because the message reaches the user of each unchanged. Approximations: calls are
   matched by bare name, and an intermediate function that catches the error and rewrites
   the message is not seen (list such functions in ``REWRITTEN_BY`` with the reason), nor a
   call made so that the callee's hint cannot arise (list it in ``GUARDED``, with a test that
   the claim holds). A hint whose text a caller passes as an argument (``prepare``'s
   ``exclude_option``, see ``HINT_ARGUMENTS``) is checked as a hint of that caller. The
   command line (``geo.cli.main``, which rewrites keywords as its options) is left to the
   dynamic check. Every ```levelup ...``` command in the source is checked against the parser
   as above.

3. ``levelup data fetch --all`` is recommended by every DataUnavailableError, so it must
   work: it may not try to fetch a template (the ``ess`` indicator template) as a product.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import corpus_helpers as corpus
import pandas as pd
import pytest

import geo
from geo import catalogue
from geo.cli import build_parser, main
from geo.cli_terms import leaves
from geo.errors import DataUnavailableError, InputError

PACKAGE = Path(geo.__file__).parent

#: functions that catch an error raised below them and rewrite its hints (name -> reason)
REWRITTEN_BY: dict[str, str] = {}

#: calls that keep the callee's hints from reaching the caller's users ((caller, callee) -> how);
#: each claim is tested by ``test_guarded_calls_hold``
GUARDED: dict[tuple[str, str], str] = {
    ("inputs.prepare", "detect.detect_level"): (
        "prepare lets detect_level raise (with its errors='report' hint) only when its caller passes "
        "exclude_option, i.e. offers errors= itself (aggregate); for every other caller unknown codes get "
        "prepare's own message, whose hint is that exclude_option"
    ),
    ("scorecard_metric._spread", "inequality.inequality"): (
        "the scorecard's spread passes one region's areas of a level that nests in the region's level (lad24, utla23, "
        "pfa24 in rgn24 or ctry), codes as the index and no weight: no code=, weight= or within= hint can arise "
        "(tested in test_scorecard.py::test_spread_is_guarded)"
    ),
    ("scorecard_pack.small_multiples", "classes.map_layer"): (
        "the scorecard's maps catch every LevelupError of map_layer: the map is left out, titled '(map not drawn)' and "
        "logged, so none of map_layer's hints reaches a user (tested in test_scorecard.py::test_maps_are_guarded)"
    ),
}

#: parameters whose text a function puts into a "pass ..." hint ((module, function) -> parameter):
#: a constant given for it at a call site is checked as a hint of the calling function
HINT_ARGUMENTS: dict[tuple[str, str], str] = {("inputs", "prepare"): "exclude_option"}

_PASS = re.compile(r"\bpass\b(.*?)(?:[.;:]\s|[.;:]?$|\(e\.g\.)", re.IGNORECASE | re.DOTALL)
_KEYWORD = re.compile(r"(?<![\w.\-])([a-z_][a-z0-9_]*)=(?!=)")
_GEO_CALL = re.compile(r"\bgeo\.([a-z_][a-z0-9_]*)(\(([^)]*)\))?")
_OPTION = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
_COMMAND = re.compile(r"`levelup ([^`]*)`")


def cli_commands() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command path of ``levelup`` (``()``, ``("data",)``, ``("data", "fetch")``...)."""
    found: dict[tuple[str, ...], argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        found[path] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*path, name))

    walk(build_parser(), ())
    return found


def options(parser: argparse.ArgumentParser) -> set[str]:
    return {s for action in parser._actions for s in action.option_strings}


def is_leaf(parser: argparse.ArgumentParser) -> bool:
    return not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)


def command_path(argv: list[str]) -> tuple[str, ...]:
    commands = cli_commands()
    path: tuple[str, ...] = ()
    for token in argv:
        if (*path, token) in commands:
            path = (*path, token)
        elif not token.startswith("-"):
            break
    return path


def command_problems(text: str) -> list[str]:
    """Problems with the ```levelup ...``` commands suggested in ``text``."""
    commands = cli_commands()
    problems = []
    for suggestion in _COMMAND.findall(text):
        path: tuple[str, ...] = ()
        words = suggestion.split()
        rest = []
        for i, word in enumerate(words):
            if (*path, word) in commands:
                path = (*path, word)
            else:
                rest = words[i:]
                break
        if not path or not is_leaf(commands[path]):
            problems.append(f"`levelup {suggestion}` is not a complete levelup command")
            continue
        for word in rest:
            option = word.split("=")[0]
            if option.startswith("--") and option not in options(commands[path]):
                problems.append(f"`levelup {suggestion}`: {' '.join(path)} has no option {option}")
    return problems


def pass_keywords(message: str) -> list[str]:
    """Keywords recommended by "pass ..." clauses (``pass errors='report'`` -> ``errors``)."""
    text = _GEO_CALL.sub(" ", message)
    return [k for clause in _PASS.findall(text) for k in _KEYWORD.findall(clause)]


def message_problems(message: str, func: Callable[..., Any], argv: list[str] | None = None) -> list[str]:
    """Every hint of ``message`` that cannot work for a user of ``func`` (or of ``levelup argv``)."""
    problems = command_problems(message)
    for name, _, inside in _GEO_CALL.findall(message):
        target = getattr(geo, name, None)
        if not callable(target):
            problems.append(f"geo.{name} does not exist")
            continue
        for keyword in _KEYWORD.findall(inside):
            if keyword not in inspect.signature(target).parameters:
                problems.append(f"geo.{name} has no parameter {keyword}=")
    if re.search(r"lsoa11|LSOA 2011", message) and re.search(r"lsoa21|LSOA 2021", message) and "geo.disaggregate" in message:
        problems.append("geo.disaggregate suggested for LSOA 2011 -> 2021 (that is geo.convert)")
    if argv is not None:  # the command line
        path = command_path(argv)
        known = options(cli_commands()[path]) if path in cli_commands() else set()
        for keyword in pass_keywords(message):
            if "--" + keyword.replace("_", "-") not in known:
                problems.append(f"`levelup {' '.join(path)}` users cannot pass {keyword}= and the command has no --{keyword.replace('_', '-')}")
            else:
                problems.append(f"`levelup {' '.join(path)}`: the hint says {keyword}= where the option is --{keyword.replace('_', '-')}")
        suggested = " ".join(_COMMAND.findall(message))
        for option in _OPTION.findall(message):
            if "--" + option not in known and "--" + option not in suggested:
                problems.append(f"`levelup {' '.join(path)}` has no option --{option}")
        return problems
    parameters = inspect.signature(func).parameters
    for keyword in pass_keywords(message):
        if keyword not in parameters:
            problems.append(f"{func.__name__}() has no parameter {keyword}=")
    for option in _OPTION.findall(_COMMAND.sub(" ", message)):
        if option.replace("-", "_") not in parameters:
            problems.append(f"{func.__name__}() message names the command-line option --{option}")
    return problems


def test_the_checker_catches_known_bad_hints() -> None:
    """The checks themselves, on hand-written messages."""
    assert message_problems("data has 1 codes ...; pass errors='report' to exclude them", geo.disaggregate) == ["disaggregate() has no parameter errors="]
    assert message_problems("pass errors='report' to exclude them", geo.aggregate) == []
    assert message_problems("(e.g. geo.convert for lsoa11 -> lsoa21)", geo.detect_level) == []
    assert message_problems("geo.disaggregate(..., to='lsoa21') for lsoa11 values at lsoa21", geo.lookup)
    assert message_problems("Pass best_fit=True to assign each", geo.aggregate) == ["aggregate() has no parameter best_fit="]
    assert message_problems("fetch once with `levelup data fetch --everything`.", geo.boundaries)
    assert message_problems("fetch once with `levelup data fetch --all`.", geo.boundaries) == []
    assert message_problems("fetch once with `levelup data`.", geo.boundaries)
    assert message_problems("path='x' exists; pass overwrite=True to replace it", main, ["aggregate", "x.csv"])
    assert message_problems("--out 'x' exists; choose another folder or pass --overwrite", main, ["report", "--area", "x"]) == []
    assert message_problems("pass x=, y=, crs=", geo.assign) == []
    assert message_problems("pass x=, y=, crs=", geo.aggregate) == ["aggregate() has no parameter x=", "aggregate() has no parameter y=",
                                                                      "aggregate() has no parameter crs="]


def corpus_messages() -> list[tuple[corpus.Case, str]]:
    found = []
    for case in corpus.CASES:
        got = corpus.outcome(case)
        message = corpus.error_message(case, got)
        if message:
            found.append((case, message))
    return found


def test_corpus_hints() -> None:
    messages = corpus_messages()
    assert len(messages) >= 60, "the corpus should raise many package errors"
    problems = []
    for case, message in messages:
        argv = corpus.outcome(case).kwargs.get("argv") if case.func is main else None
        for problem in message_problems(message, case.func, argv):
            problems.append(f"{case.id}: {problem}  [message: {message[:160]}]")
    assert not problems, "hints that cannot work:\n" + "\n".join(problems)


# --------------------------------------------------------------------------------------------
# static


Node = tuple[str, str]  # (module, function name)


def _module_key(path: Path) -> str:
    """A module's short name (``prepare`` lives in ``inputs``): its file name, or for a
    sub-package's ``__init__.py`` the sub-package's dotted path below ``geo`` (``data``,
    ``catalogue.lookups``: an installed wheel has the catalogue's data folders as packages);
    ``__init__`` for the package's own."""
    if path.stem != "__init__" or path.parent == PACKAGE:
        return path.stem
    return ".".join(path.parent.relative_to(PACKAGE).parts)


def _modules() -> dict[str, ast.Module]:
    """Every module of the package, sub-packages included, by short name (the names are unique)."""
    paths = sorted(PACKAGE.rglob("*.py"))
    keys = [_module_key(path) for path in paths]
    assert len(set(keys)) == len(keys), f"two modules share a short name: {sorted(keys)}"
    return {key: ast.parse(path.read_text(encoding="utf-8")) for key, path in zip(keys, paths, strict=True)}


def _functions() -> dict[Node, ast.FunctionDef]:
    """Every function of the package (methods and nested functions too) by (module, name)."""
    found: dict[Node, ast.FunctionDef] = {}
    for module, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.setdefault((module, node.name), node)  # type: ignore[arg-type]
    return found


def _names(module: str, tree: ast.Module, functions: dict[Node, ast.FunctionDef]) -> tuple[dict[str, Node], dict[str, str]]:
    """What a module's names refer to: package functions, and aliases of package modules."""
    local = {name: (mod, name) for mod, name in functions if mod == module}
    modules: dict[str, str] = {}
    packages = {"geo", *(f"geo.{path.parent.name}" for path in PACKAGE.glob("*/__init__.py"))}
    for node in ast.walk(tree):  # imports inside functions too: the CLI imports a command's modules when it runs
        if isinstance(node, ast.ImportFrom) and node.module in packages:  # from geo(.layer) import module
            for alias in node.names:
                modules[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("geo."):
            source = node.module.split(".")[-1]
            for alias in node.names:
                if (source, alias.name) in functions:
                    local[alias.asname or alias.name] = (source, alias.name)
    return local, modules


def _calls() -> list[tuple[Node, Node, ast.Call]]:
    """Package calls: (caller, callee, call) for calls of imported or local package functions
    and of module.function()."""
    functions = _functions()
    found = []
    for module, tree in _modules().items():
        local, modules = _names(module, tree, functions)
        for (mod, name), node in functions.items():
            if mod != module:
                continue
            for call in ast.walk(node):
                if not isinstance(call, ast.Call):
                    continue
                if isinstance(call.func, ast.Name) and call.func.id in local:
                    found.append(((mod, name), local[call.func.id], call))
                elif (isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
                      and call.func.value.id in modules and (modules[call.func.value.id], call.func.attr) in functions):
                    found.append(((mod, name), (modules[call.func.value.id], call.func.attr), call))
    return found


def _graph() -> dict[Node, set[Node]]:
    """Package call graph, without the calls listed in ``GUARDED``."""
    graph: dict[Node, set[Node]] = defaultdict(set)
    for caller, callee, _ in _calls():
        if (".".join(caller), ".".join(callee)) not in GUARDED:
            graph[caller].add(callee)
    return graph


def _strings(node: ast.FunctionDef) -> list[str]:
    """String constants and f-strings of a function body, docstring excluded ({} for fields)."""
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    texts, parts = [], set()
    for statement in body:
        for item in ast.walk(statement):
            if isinstance(item, ast.JoinedStr):
                parts.update(id(v) for v in item.values)
                texts.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in item.values))
    for statement in body:
        for item in ast.walk(statement):
            if isinstance(item, ast.Constant) and isinstance(item.value, str) and id(item) not in parts:
                texts.append(item.value)
    return texts


def source_hints() -> list[tuple[Node, str]]:
    """(function, text) of every string in the package that recommends something, and of every
    hint passed as an argument (``HINT_ARGUMENTS``: ``prepare(..., exclude_option="errors='report'")``
    is a hint of the function making that call)."""
    found = []
    for key, node in _functions().items():
        for text in _strings(node):
            if pass_keywords(text) or _COMMAND.search(text):
                found.append((key, text))
    for caller, callee, call in _calls():
        for keyword in call.keywords:
            if keyword.arg == HINT_ARGUMENTS.get(callee) and isinstance(keyword.value, ast.Constant) and keyword.value.value:
                found.append((caller, f"pass {keyword.value.value}"))
    return found


def public_roots() -> dict[Node, set[str]]:
    """For each package function, the public functions (geo.__all__) that can reach it."""
    graph = _graph()
    reached: dict[Node, set[str]] = defaultdict(set)
    for root in geo.__all__:
        target = getattr(geo, root)
        if not inspect.isfunction(target):
            continue
        start = (target.__module__.split(".")[-1], target.__name__)
        seen, todo = {start}, [start]
        while todo:
            current = todo.pop()
            for callee in graph.get(current, ()):
                if callee not in seen and f"{callee[0]}.{callee[1]}" not in REWRITTEN_BY:
                    seen.add(callee)
                    todo.append(callee)
        for node in seen:
            reached[node].add(root)
    return reached


def test_static_analysis_finds_the_hints() -> None:
    """The hints are where they are written: detect_level's own (errors='report'), the one
    aggregate hands to prepare, export's (overwrite=True); and prepare is reached by the
    public functions that read indicator tables, detect_level's hint only by those with errors=."""
    hints = source_hints()
    where = {key for key, _ in hints}
    assert ("detect", "detect_level") in where and ("export", "export") in where, sorted(where)
    assert ("aggregation", "aggregate") in where and "errors" in pass_keywords(dict(hints)[("aggregation", "aggregate")])
    roots = public_roots()
    assert {"aggregate", "disaggregate", "inequality", "pockets"} <= roots[("inputs", "prepare")], roots[("inputs", "prepare")]
    assert roots[("detect", "detect_level")] == {"detect_level"}, roots[("detect", "detect_level")]
    assert roots[("export", "export")] == {"export"}, roots[("export", "export")]


def test_guarded_calls_hold() -> None:
    """GUARDED, checked: prepare's callers without errors= never see detect_level's hint (nor
    any errors= hint) for codes of no level; aggregate, which has errors=, does."""
    data = pd.DataFrame({"jobs": [1.0, 2.0]}, index=["E06000047", "X99999999"])
    for call in (lambda: geo.disaggregate(data, to="lsoa21", value="jobs", kind="count"),
                 lambda: geo.inequality(data, value="jobs", within="rgn24"),
                 lambda: geo.map(data, value="jobs")):
        with pytest.raises(InputError, match=r"data has 1 codes that are not lad24 areas \('X99999999'\)") as caught:
            call()
        assert "errors=" not in str(caught.value), caught.value
    with pytest.raises(InputError, match=r"errors='report'"):
        geo.aggregate(data, to="rgn24", value="jobs", kind="count")


def test_source_hints() -> None:
    roots = public_roots()
    problems: list[str] = []
    for (module, function), text in source_hints():
        for problem in command_problems(text):
            problems.append(f"{module}.{function}: {problem}")
        for keyword in pass_keywords(text):
            lacking = [root for root in sorted(roots.get((module, function), set()))
                       if keyword not in inspect.signature(getattr(geo, root)).parameters]
            if lacking:
                problems.append(f"{module}.{function}: 'pass {keyword}=' reaches {', '.join(f'geo.{r}()' for r in lacking)}, which have no {keyword}=")
    problems = list(dict.fromkeys(problems))
    assert not problems, "hints in the source that cannot work:\n" + "\n".join(problems)


#: (command, keyword): why a "pass keyword=" hint the command cannot spell never reaches its users
CLI_GUARDED: dict[tuple[str, str], str] = {
    ("report", "approximate"): "report never aggregates a median: the cell is left blank with the reason (report_summary._aggregated)",
    ("report", "weight"): "report weighs by Census population only where it covers every area, else equally (Indicator.weight)",
    ("report", "errors"): "report refuses an indicator's unknown codes itself, naming --indicator (prepare_report; "
                          "test_cli.test_report_refuses_unknown_codes_in_its_terms); aggregate and pockets see known codes only",
    ("report", "code"): "report indexes every indicator by its codes before any geo function sees it (load_indicator), "
                        "so prepare's row-number hint (pass code=) cannot arise",
    ("report", "decile_of"): "report passes decile_of= from the index's catalogue entry, an 'Overall' column and one per domain "
                             "(report._profile; test_pocket_profile checks the catalogue's indices), so its hints reach API callers only",
}


def test_cli_source_hints() -> None:
    """Every "pass X=" hint a command can reach (call graph from its ``_cmd_`` function) is a
    keyword the command spells as one of its options (:func:`geo.cli_terms.spellings`), so the
    rewrite in ``geo.cli.main`` turns it into an option the user can type."""
    from geo.cli_terms import spellings

    graph, hints = _graph(), source_hints()
    problems = []
    for path, parser in leaves(build_parser()):
        start = ("cli", parser.get_default("func").__name__)
        seen, todo = {start}, [start]
        while todo:
            for callee in graph.get(todo.pop(), ()):
                if callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
        spelled = spellings(parser, path[-1])
        for node, text in hints:
            for keyword in pass_keywords(text) if node in seen else []:
                if keyword not in spelled and (path[-1], keyword) not in CLI_GUARDED:
                    problems.append(f"`levelup {' '.join(path)}` reaches {'.'.join(node)}'s 'pass {keyword}=', and has no option for {keyword}=")
    assert ("cli", "_cmd_aggregate") in graph and ("aggregation", "aggregate") in graph[("cli", "_cmd_aggregate")]
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


# --------------------------------------------------------------------------------------------
# `levelup data fetch --all`, the hint of every DataUnavailableError


def test_data_fetch_all_does_not_fetch_templates(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Products are fetched through a fake that fails, as the real one does, on a template's
    unfilled ``{indicator}``; levels are not built (only the product loop is under test)."""
    loaded: list[str] = []

    def fake_load(product_id: Any, *, refresh: bool = False) -> None:
        item = product_id if isinstance(product_id, catalogue.Product) else catalogue.product(product_id)
        if "{" in str(item.file) or "{" in str(item.url):
            raise DataUnavailableError(f"cannot obtain product {item.id!r}: file {item.file} is a template")
        loaded.append(item.id)

    class Layer(list):
        pass

    monkeypatch.setattr(geo.data.products, "load", fake_load)
    monkeypatch.setattr(geo.fetch, "boundaries", lambda level, **kw: Layer([0]))  # the fetch loop lives in geo.fetch
    monkeypatch.setattr(geo.geography.lookups, "lookup", lambda *a, **kw: None)
    code = main(["data", "fetch", "--all"])
    err = capsys.readouterr().err
    assert code == 0, f"`levelup data fetch --all` fails: {err.strip()}"
    concrete = [p.id for p in catalogue.products().values() if "{" not in str(p.file) and p.kind != "table"]
    assert set(concrete) <= set(loaded), set(concrete) - set(loaded)
