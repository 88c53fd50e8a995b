"""Issue 13, point 1: the licence, data licences, citation and changelog are present and true.

The version is written once (``geo.__version__``); ``setup.cfg`` reads it, and ``CITATION.cff``
and ``CHANGELOG.md`` must carry the same number. ``NOTICE.md`` must name every catalogue
product with its publisher and licence, and every vendored script with its licence file.
"""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml

import geo
from geo import catalogue

ROOT = Path(__file__).resolve().parents[1]
CFFCONVERT = Path(sys.executable).parent / "cffconvert"
#: how NOTICE.md writes each licence the catalogue declares
LICENCE_SHORT = {"Open Government Licence v3.0": "OGL v3.0"}


def _validate_cff(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True, timeout=120, check=False)


def test_licence_is_mit_for_the_contributors() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 levelup-geo contributors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in text
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    assert config["metadata"]["license"] == "MIT"
    assert config["metadata"]["license_files"].split() == ["LICENSE", "NOTICE.md"]


def test_version_is_written_once() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    assert config["metadata"]["version"] == "attr: geo.__version__"
    source = (ROOT / "geo" / "__init__.py").read_text(encoding="utf-8")
    assert re.findall(r"^__version__ = \"([^\"]+)\"", source, flags=re.M) == [geo.__version__]
    assert re.fullmatch(r"\d+\.\d+\.\d+", geo.__version__)
    # the installed distribution's metadata was made from that line (make test reinstalls the package)
    assert metadata.version("levelup-geo") == geo.__version__


def test_citation_is_valid_cff_with_the_package_version() -> None:
    done = _validate_cff(ROOT / "CITATION.cff")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid according to schema version 1.2.0" in done.stdout
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == geo.__version__
    assert cff["license"] == "MIT"
    assert cff["title"].startswith("levelup-geo")


def test_citation_check_fails_on_a_file_without_authors(tmp_path: Path) -> None:
    """The validation above can fail: the same file without its required ``authors`` is refused."""
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    broken = re.sub(r"^authors:\n(  - .*\n)+", "", text, flags=re.M)
    assert "authors" not in broken
    (tmp_path / "CITATION.cff").write_text(broken, encoding="utf-8")
    done = _validate_cff(tmp_path / "CITATION.cff")
    assert done.returncode != 0
    assert "authors" in done.stdout + done.stderr


def test_changelog_has_unreleased_then_the_current_version() -> None:
    headings = re.findall(r"^## (.+)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), flags=re.M)
    assert headings[0] == "Unreleased"
    versions = [heading.split()[0] for heading in headings[1:]]
    assert versions[0] == geo.__version__, f"CHANGELOG.md's latest version is {versions[0]}, the package's {geo.__version__}"
    assert re.fullmatch(rf"{re.escape(geo.__version__)} — \d{{4}}-\d{{2}}-\d{{2}}", headings[1])


def _notice_rows() -> list[list[str]]:
    text = (ROOT / "NOTICE.md").read_text(encoding="utf-8")
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in text.splitlines() if line.startswith("| ")]
    return [row for row in rows if not set(row[0]) <= {"-"}]


@pytest.mark.parametrize("product_id", sorted(catalogue.products()))
def test_notice_names_each_product_with_its_publisher_and_licence(product_id: str) -> None:
    product = catalogue.product(product_id)
    rows = [row for row in _notice_rows() if f"`{product_id}`" in row[1]]
    assert len(rows) == 1, f"NOTICE.md names {product_id!r} in {len(rows)} table rows; add it (publisher, products, licence)"
    publisher, _, licence = rows[0]
    assert publisher.startswith(product.publisher), (product_id, product.publisher, publisher)
    assert product.licence in LICENCE_SHORT, f"{product_id}: licence {product.licence!r} is not yet described in NOTICE.md"
    assert licence == LICENCE_SHORT[product.licence]


def test_notice_names_each_vendored_script_and_its_licence_file() -> None:
    text = (ROOT / "NOTICE.md").read_text(encoding="utf-8")
    static = ROOT / "geo" / "static"
    licences = sorted(path.name for path in static.iterdir() if path.name.endswith("LICENSE"))
    scripts = sorted(path.name for path in static.iterdir() if path.suffix in {".js", ".css"})
    assert licences == ["LEAFLET_LICENSE", "TOPOJSON_CLIENT_LICENSE"]
    for name in licences + scripts:
        assert f"`geo/static/{name}`" in text, f"NOTICE.md does not name geo/static/{name}"
    assert "BSD 2-Clause" in (static / "LEAFLET_LICENSE").read_text(encoding="utf-8") and "BSD 2-Clause" in text
    # topojson-client's licence is the ISC text (it names no licence; its package.json says ISC)
    assert "Permission to use, copy, modify, and/or distribute" in (static / "TOPOJSON_CLIENT_LICENSE").read_text(encoding="utf-8")
    assert "ISC" in text


def test_readme_points_to_the_licence_files() -> None:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Data sources and licences", 1)[1]
    for name in ("LICENSE", "NOTICE.md", "CITATION.cff", "CHANGELOG.md"):
        assert f"]({name})" in section, name
