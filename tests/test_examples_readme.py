"""The README quick-start and the scripts in examples/ run as written."""

from __future__ import annotations

import re
import runpy
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_readme_python_quick_start_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the quick start writes files where it runs
    blocks = _blocks("python")
    assert blocks, "README has no python quick-start"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "durham.html").is_file() and (tmp_path / "durham.png").is_file()


def test_readme_shell_quick_start_runs() -> None:
    levelup = Path(sys.executable).parent / "levelup"
    for block in _blocks("bash")[1:]:  # the first block is the set-up commands (make)
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if not line.startswith("levelup ") or "|" in line or "&&" in line:
                continue
            result = subprocess.run([str(levelup), *shlex.split(line)[1:]], check=False, capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, (line, result.stderr)


def _run_readme_commands(command: str, tmp_path: Path) -> list[Path]:
    """Run every ``levelup <command>`` line of the README's text blocks, each into its own
    folder under ``tmp_path``; return the folders."""
    levelup = Path(sys.executable).parent / "levelup"
    lines = [line.strip() for block in _blocks("text") for line in block.splitlines() if line.startswith(f"levelup {command}")]
    folders = []
    for number, line in enumerate(lines):
        words = shlex.split(line)[1:]
        out = tmp_path / f"{command}{number}"
        words[words.index("--out") + 1] = str(out)
        result = subprocess.run([str(levelup), *words], check=False, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, (line, result.stderr)
        folders.append(out)
    return folders


def test_readme_report_commands_run(tmp_path: Path) -> None:
    folders = _run_readme_commands("report", tmp_path)
    assert len(folders) >= 2  # the main job and the ESS example
    for out in folders:
        assert {p.name for p in out.iterdir()} == {"index.html", "map.html", "map.png", "pockets.gpkg", "summary.csv", "inequality.csv",
                                                   ".levelup-report"}


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "examples").glob("*.py")))
def test_example_runs(script: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = runpy.run_path(str(ROOT / "examples" / script))
    module["main"]()
    assert capsys.readouterr().out.strip()


def test_readme_scorecard_commands_run(tmp_path: Path) -> None:
    folders = _run_readme_commands("scorecard", tmp_path)
    assert len(folders) >= 1
    for out in folders:
        assert {p.name for p in out.iterdir()} == {"index.html", "scorecard.csv", "maps.png", ".levelup-report"}
        assert "Blackpool is in the worst national decile on" in (out / "index.html").read_text()
