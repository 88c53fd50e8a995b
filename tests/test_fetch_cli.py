"""`levelup data fetch`: one level, named products, or everything, reported per target; the
hint of a missing product names a command that works; the command exits cleanly every time."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import geo
from geo import catalogue, fetch
from geo.cli import build_parser, main
from geo.data import products

LAD_FILE = "boundaries/Local_Authority_Districts_May_2024_Boundaries_UK_BUC.geojson"


def _partial_mirror(mirror: Path, folder: Path, *files: str) -> Path:
    """A mirror holding only ``files`` (copies of the real ones)."""
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / name, folder / name)
    return folder


def test_the_hint_of_a_missing_product_is_a_command_that_exists(empty_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.moving.ess import _product

    monkeypatch.setattr(geo.settings, "mirror", None)
    monkeypatch.delenv("LEVELUP_MIRROR", raising=False)
    monkeypatch.setattr(geo.settings, "offline", True)
    for item in (catalogue.product("census21_population"), _product("healthy-life-expectancy")):
        with pytest.raises(geo.DataUnavailableError, match=rf"`levelup data fetch --product {item.id}`") as caught:
            products.load(item)
        assert "--all" not in str(caught.value)
        command = str(caught.value).split("`levelup ")[-1].split("`")[0].split()
        args = build_parser().parse_args(command)  # the recommended command parses ...
        assert args.product == [item.id]
        assert [p.id for p in fetch.resolve(args.product)] == [item.id]  # ... and names this product


def test_named_products_are_reported_each_and_a_failure_does_not_stop_the_others(
    mirror: Path, tmp_path: Path, empty_cache: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(geo.settings, "mirror", str(_partial_mirror(mirror, tmp_path / "mirror", LAD_FILE)))
    monkeypatch.setattr(geo.settings, "offline", True)
    assert main(["data", "fetch", "--product", "pfa20_buc", "--product", "lad24_buc", "--product", "countries"]) == 2
    out, err = capsys.readouterr()
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "FAILED: cannot obtain product 'pfa20_buc'" in lines["pfa20_buc"]
    assert "no file boundaries/Police_Force_Areas_December_2020_EW_BUC.geojson" in lines["pfa20_buc"]
    assert lines["lad24_buc"].split()[1:] == ["fetched"]
    assert "already cached: held in the catalogue" in lines["countries"]
    assert "data fetch: 1 fetched, 1 already cached, 0 levels ready, 1 failed, 0 skipped" in out
    assert "levelup: error: data fetch: 1 of 3 could not be fetched: 'pfa20_buc'" in err
    assert main(["data", "fetch", "--product", "lad24_buc"]) == 0
    assert capsys.readouterr().out.splitlines()[0].split()[1:] == ["already", "cached"]


def test_fetch_all_covers_every_product_template_id_and_level(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data", "fetch", "--all"]) == 0
    out = capsys.readouterr().out
    names = [line.split()[0] for line in out.splitlines()[:-1]]
    concrete = [p.id for p in catalogue.products().values() if p.kind != "indicator_template"]
    ess = [f"ess_{i}" for i in fetch.template_ids(catalogue.product("ess"))]
    levels = list(geo.geography.registry.specs())
    assert sorted(names) == sorted(concrete + ess + ["level"] * len(levels))
    assert len(ess) >= len(catalogue.product("ess").known) >= 60
    assert "FAILED" not in out
    assert out.splitlines()[-1].endswith("levels ready, 0 failed, 0 skipped") and f"{len(levels)} levels ready" in out


def test_a_template_lists_its_known_ids_and_the_mirrors_or_is_skipped_with_a_note(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = catalogue.product("ess")
    listed = sorted(p.name for p in (mirror / "indicators/ess").iterdir() if (p / f"{p.name}.csv").is_file())
    assert sorted(fetch.template_ids(dataclasses.replace(template, known=()))) == listed
    monkeypatch.setattr(geo.settings, "mirror", str(tmp_path))
    assert fetch.template_ids(dataclasses.replace(template, known=("a-b",))) == ["a-b"]
    bare = dataclasses.replace(template, known=())
    monkeypatch.setattr(fetch.catalogue, "products", lambda: {"ess": bare})
    monkeypatch.setattr(fetch.registry, "specs", dict)
    assert fetch.fetch_all() == [fetch.Outcome("ess", "skipped", "a template with no known ids and no mirror to list")]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["data", "fetch"], "give one LEVEL, --product ID or --all"),
        (["data", "fetch", "lad24", "--all"], "give one LEVEL, --product ID or --all"),
        (["data", "fetch", "--product", "nope"], "--product nope is not in the catalogue"),
        (["data", "fetch", "--product", "ess_Bad Id"], "neither an existing file nor an ESS indicator id"),
    ],
)
def test_bad_fetch_requests_fail_clearly(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_fetch_exits_cleanly_every_time(mirror: Path, tmp_path: Path) -> None:
    """`levelup data fetch` once aborted at interpreter exit ("terminate called without an
    active exception", rc -6): 20 runs, a quarter of them on an empty cache, all exit 0."""
    levelup = Path(sys.executable).with_name("levelup")
    cache = tmp_path / "cache"
    for run in range(20):
        if run % 4 == 0:
            shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "LEVELUP_MIRROR": str(mirror), "LEVELUP_CACHE": str(cache), "LEVELUP_OFFLINE": "1"}
        done = subprocess.run([str(levelup), "data", "fetch", "pfa24"], check=False, env=env, capture_output=True, text=True, timeout=60)
        assert "terminate called" not in done.stderr, f"run {run}: {done.stderr[-500:]}"
        assert done.returncode == 0, f"run {run}: rc {done.returncode}: {done.stderr[-500:]}"
        assert done.stdout.startswith("level pfa24") and "ready: pfa24 (43 areas" in done.stdout
