"""Issue 13, point 3: a release that installs.

``python -m build`` makes the sdist and, from it, the wheel (of a copy of the source, so the
repository gets no build files); ``twine check --strict`` passes both; the wheel carries every
catalogue TOML file, ``geo/static`` and ``geo/py.typed`` (read from its RECORD, against the
files of the source tree, so a file the packaging forgets fails here); and the wheel, installed
into a fresh virtual environment outside the repository, runs ``levelup levels``,
``levelup report`` for one area and the README's Python quick start (read from README.md) from
a folder outside the repository, against the mirror, with an empty cache.

The fresh environment's pip installs the dependencies as pip is configured on the machine
(its index and wheel folders; its cache makes a second run quick). About a minute in all.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

import geo
from geo import catalogue

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE_FOLDERS = ("boundaries", "lookups", "indicators")
AREA = ("Hartlepool", "E06000001")  # a small district with pockets: the report takes ~10 s from an empty cache
#: not copied into the build's source: environments, outputs, caches, earlier builds
IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "out", ".pytest_cache",
                                ".hypothesis", ".benchmarks", "_build", ".mypy_cache", ".ruff_cache")


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _expected_package_files() -> set[str]:
    """The files the wheel must hold, from the source tree: every file of ``geo/`` (modules,
    ``static/``, ``py.typed``) and the catalogue folders as ``geo.catalogue.*``."""
    files = {f"geo/{path.relative_to(ROOT / 'geo').as_posix()}" for path in (ROOT / "geo").rglob("*")
             if path.is_file() and "__pycache__" not in path.parts}
    for folder in CATALOGUE_FOLDERS:
        files |= {f"geo/catalogue/{folder}/{path.name}" for path in (ROOT / folder).iterdir() if path.suffix in {".toml", ".py"}}
    return files


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist and wheel built by ``python -m build`` from a copy of the source tree."""
    source = tmp_path_factory.mktemp("source") / "levelup-geo"
    shutil.copytree(ROOT, source, ignore=IGNORE)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out), str(source)], cwd=source)
    return out


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    assert len(found) == 1, (pattern, found)
    return found[0]


def test_build_makes_an_sdist_and_a_wheel_of_this_version(dist: Path) -> None:
    assert _one(dist, "*.tar.gz").name == f"levelup_geo-{geo.__version__}.tar.gz"
    assert _one(dist, "*.whl").name == f"levelup_geo-{geo.__version__}-py3-none-any.whl"


def test_twine_check_passes(dist: Path) -> None:
    done = _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, sorted(dist.iterdir()))], cwd=dist)
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_wheel_record_holds_the_catalogue_static_files_and_licences(dist: Path) -> None:
    with zipfile.ZipFile(_one(dist, "*.whl")) as wheel:
        names = set(wheel.namelist())
        info = f"levelup_geo-{geo.__version__}.dist-info"
        record = {row[0] for row in csv.reader(io.StringIO(wheel.read(f"{info}/RECORD").decode("utf-8"))) if row}
        meta = wheel.read(f"{info}/METADATA").decode("utf-8")
        entry_points = wheel.read(f"{info}/entry_points.txt").decode("utf-8")
    assert record == names  # RECORD lists exactly what the wheel holds
    expected = _expected_package_files()
    assert len([name for name in expected if name.endswith(".toml")]) >= 25
    assert {"geo/py.typed", "geo/static/leaflet.js", "geo/static/LEAFLET_LICENSE", "geo/catalogue/lookups/levels.toml"} <= expected
    missing = sorted(expected - record)
    assert missing == [], f"the wheel lacks {missing}: see [options.package_data] in setup.cfg"
    extra = sorted(name for name in record - expected if not name.startswith(f"{info}/"))
    assert extra == [], f"the wheel holds files that are not in the source tree: {extra}"
    licences = {name.rsplit("/", 1)[1] for name in record if name.startswith(f"{info}/") and "/licenses/" in f"/{name}"}
    assert licences == {"LICENSE", "NOTICE.md"}, licences
    headers = dict(re.findall(r"^([A-Za-z-]+): (.*)$", meta.split("\n\n", 1)[0], flags=re.M))
    assert headers["Version"] == geo.__version__ and headers["License"] == "MIT"
    assert headers["Description-Content-Type"] == "text/markdown"
    assert "## Quick start" in meta  # the README is the long description
    assert "levelup = geo.cli:run" in entry_points


def test_sdist_holds_the_release_files_and_the_catalogue(dist: Path) -> None:
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        top = f"levelup_geo-{geo.__version__}/"
        names = {name.removeprefix(top) for name in sdist.getnames()}
    wanted = {"LICENSE", "NOTICE.md", "CITATION.cff", "CHANGELOG.md", "README.md", "setup.cfg", "pyproject.toml"}
    wanted |= {f"{folder}/{path.name}" for folder in CATALOGUE_FOLDERS for path in (ROOT / folder).glob("*.toml")}
    wanted |= {f"geo/static/{path.name}" for path in (ROOT / "geo" / "static").iterdir()}
    assert sorted(wanted - names) == []


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], Path]:
    """A fresh virtual environment outside the repository with the wheel installed: (its bin folder,
    the environment to run it in, a working folder outside the repository)."""
    base = tmp_path_factory.mktemp("fresh")
    assert not base.resolve().is_relative_to(ROOT)
    venv = base / "venv"
    started = time.perf_counter()
    _run([sys.executable, "-m", "venv", str(venv)], cwd=base)
    # --no-compile: Python compiles the modules the commands import when they import them (half of pip's time otherwise)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile", str(_one(dist, "*.whl"))], cwd=base, timeout=1200)
    print(f"fresh environment with the wheel and its dependencies: {time.perf_counter() - started:.1f} s")
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH"}}
    env |= {"PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "LEVELUP_CACHE": str(base / "cache"),
            "LEVELUP_MIRROR": os.environ["LEVELUP_MIRROR"], "LEVELUP_OFFLINE": "1"}
    work = base / "work"
    work.mkdir()
    return venv / "bin", env, work


def test_installed_package_is_the_wheel_with_its_catalogue(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_folder, env, work = installed
    code = ("import geo, sys; from geo import catalogue; from importlib import resources\n"
            "print(geo.__file__); print(geo.__version__); print(len(catalogue.products()))\n"
            "print(resources.files('geo').joinpath('static', 'leaflet.js').is_file())")
    lines = _run([str(bin_folder / "python"), "-c", code], cwd=work, env=env).stdout.splitlines()
    assert Path(lines[0]).is_relative_to(bin_folder.parent) and not Path(lines[0]).is_relative_to(ROOT), lines[0]
    assert lines[1:] == [geo.__version__, str(len(catalogue.products())), "True"]


def test_installed_levelup_levels(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_folder, env, work = installed
    out = _run([str(bin_folder / "levelup"), "levels"], cwd=work, env=env).stdout
    listed = [line.split()[0] for line in out.splitlines()[2:] if line.strip()]
    assert listed == list(geo.levels().index)


def test_installed_levelup_report_for_one_area(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_folder, env, work = installed
    name, code = AREA
    _run([str(bin_folder / "levelup"), "report", "--area", name, "--out", "report"], cwd=work, env=env)
    folder = work / "report"
    assert {path.name for path in folder.iterdir()} >= {"index.html", "map.html", "map.png", "pockets.gpkg", "summary.csv"}
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert re.search(rf"<title>{name} \(district\)", page) and code in page
    assert "Leaflet 1.9.4" in (folder / "map.html").read_text(encoding="utf-8")  # geo/static, inlined from the installed wheel


def test_installed_readme_python_quick_start(installed: tuple[Path, dict[str, str], Path]) -> None:
    bin_folder, env, work = installed
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 2 and "import geo" in blocks[0]
    script = work / "quick_start.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    _run([str(bin_folder / "python"), str(script)], cwd=work, env=env)
    assert (work / "durham.html").stat().st_size > 10_000 and (work / "durham.png").stat().st_size > 10_000
