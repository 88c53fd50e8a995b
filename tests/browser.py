"""Open a page in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("Chromium is needed for browser tests: apt-get install chromium (.ci/run does)")
    return found


@dataclass
class Visit:
    messages: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    result: Any = None


def visit(page_path: Path, screenshot: Path, *, script: str | None = None, wait_for: str = "canvas") -> Visit:
    """Load a local page, wait for the map, optionally run ``script``, take a screenshot."""
    outcome = Visit()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: outcome.messages.append((m.type, m.text)))
            page.on("pageerror", lambda e: outcome.messages.append(("pageerror", str(e))))
            start = time.perf_counter()
            page.goto(page_path.resolve().as_uri(), wait_until="load", timeout=120_000)
            if wait_for:
                page.wait_for_selector(wait_for, state="attached", timeout=120_000)
            outcome.seconds = time.perf_counter() - start
            if script:
                outcome.result = page.evaluate(script)
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    return outcome
