"""A report's ``map.png``, drawn in a second process while the rest of the pack is written.

Drawing the static map is a third of a one-area report's work, most of it loading
matplotlib, and none of the other files waits for it. So :func:`start` launches a helper
process as the report begins; it loads only numpy and matplotlib (:mod:`geo.outputs.drawing`,
no pandas or geopandas) while the report computes its tables, then draws the
:class:`~geo.outputs.drawing.Sketch` it is sent (:meth:`Painter.paint`) and writes the PNG
(written to a temporary name and renamed, so a half-written file is never seen). The
report waits for it (:meth:`Painter.finish`) before the pack is moved into place.

Nothing depends on the helper: when it cannot start or fails, the same sketch is drawn in
this process, with the same code, so the file is the same byte for byte (logged at DEBUG).
It is used only when a processor is free (:func:`spare_core`): on a busy machine the two
processes would share the same processors and the report would take longer, not less.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

from geo.data.atomic import atomic_open
from geo.outputs.drawing import Sketch, draw

log = logging.getLogger(__name__)

#: Resolution of the PNG (dots per inch), as :func:`geo.export` writes figures.
DPI = 150
#: How long the report waits for the helper before drawing the map itself (seconds).
TIMEOUT_S = 120.0


def _command() -> list[str]:
    """The helper's command line: this interpreter, with this copy of the package first on its path."""
    root = str(Path(__file__).resolve().parents[2])
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {root!r}); from geo.outputs.report_png import _serve; _serve()"]


def write(sketch: Sketch, path: Path) -> None:
    """Draw ``sketch`` and write it to ``path`` as a PNG (through a temporary file beside it).

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from geo.outputs.drawing import paths
    >>> square = np.array([[0, 0], [0, 1000], [1000, 1000], [1000, 0], [0, 0]], dtype=float)
    >>> shapes = paths((square, np.zeros(5, dtype=int), np.zeros(1, dtype=int)), 1)
    >>> made = Sketch(shapes, ["#bd0026"], [], None, [], "", [], [("1 (1)", "#bd0026")], (0.0, 0.0, 1000.0, 1000.0),
    ...               "A square", "Made up", (4.0, 4.0))
    >>> png = Path(tempfile.mkdtemp()) / "square.png"
    >>> write(made, png)
    >>> png.read_bytes()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    with atomic_open(path) as handle:
        draw(sketch).savefig(handle, dpi=DPI, format="png")


class Painter:
    """The helper process of one PNG (:func:`start`); ``None`` process means draw here.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> from geo.outputs.drawing import paths
    >>> square = np.array([[0, 0], [0, 1000], [1000, 1000], [1000, 0], [0, 0]], dtype=float)
    >>> shapes = paths((square, np.zeros(5, dtype=int), np.zeros(1, dtype=int)), 1)
    >>> sketch = Sketch(shapes, ["#bd0026"], [], None, [], "", [], [("1 (1)", "#bd0026")], (0.0, 0.0, 1000.0, 1000.0),
    ...                 "A square", "Made up", (4.0, 4.0))
    >>> folder = Path(tempfile.mkdtemp())
    >>> painter = start()
    >>> painter.paint(sketch, folder / "apart.png")
    >>> painter.finish()  # drawn by the helper
    True
    >>> write(sketch, folder / "here.png")
    >>> (folder / "apart.png").read_bytes() == (folder / "here.png").read_bytes()
    True
    """

    def __init__(self, process: subprocess.Popen[bytes] | None, errors: IO[bytes] | None) -> None:
        self.process, self.errors = process, errors
        self.sketch: Sketch | None = None
        self.path: Path | None = None
        self.feeder: threading.Thread | None = None

    def paint(self, sketch: Sketch, path: Path) -> None:
        """Send ``sketch`` to the helper, to be written to ``path``; return at once."""
        self.sketch, self.path = sketch, path
        if self.process is None:
            return
        payload = pickle.dumps((sketch, str(path)), protocol=pickle.HIGHEST_PROTOCOL)
        # the helper reads once it has loaded matplotlib: a thread writes, so the report goes on
        self.feeder = threading.Thread(target=_feed, args=(self.process, payload), name="levelup-png", daemon=True)
        self.feeder.start()

    def finish(self) -> bool:
        """Wait for the PNG; draw it here if the helper did not. True when the helper wrote it."""
        if self.sketch is None or self.path is None:
            self.close()
            return False
        done = False
        if self.process is not None:
            try:
                done = self.process.wait(timeout=TIMEOUT_S) == 0 and self.path.is_file()
            except subprocess.TimeoutExpired:
                done = False
            if not done:
                log.debug("map.png helper failed (%s): %s", self.process.returncode, self._errors())
        self.close()
        if not done:
            write(self.sketch, self.path)
        return done

    def _errors(self) -> str:
        if self.errors is None:
            return ""
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")[-2000:]

    def close(self) -> None:
        """Stop the helper if it still runs (the report failed or was interrupted)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.feeder is not None:
            self.feeder.join(timeout=5)
        if self.errors is not None:
            self.errors.close()
            self.errors = None


def _feed(process: subprocess.Popen[bytes], payload: bytes) -> None:
    assert process.stdin is not None
    try:
        process.stdin.write(payload)
        process.stdin.close()
    except OSError:  # the helper died: finish() sees it and draws here
        pass


def start() -> Painter:
    """Launch the helper (it starts loading matplotlib at once); a Painter that draws in this
    process when the helper cannot be started.

    Examples
    --------
    >>> painter = start()
    >>> painter.finish()  # nothing sent: the helper is stopped, nothing drawn
    False
    """
    errors = tempfile.TemporaryFile()
    try:
        process = subprocess.Popen(_command(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors)
    except OSError as exc:
        log.debug("map.png helper not started: %s", exc)
        errors.close()
        return Painter(None, None)
    return Painter(process, errors)


def spare_core() -> bool:
    """Whether a processor is free for the helper: at least two, and the load average of the
    last minute at least one below their number. On a busy machine the helper would only
    compete with the report for the same processors (and load matplotlib a second time).

    Examples
    --------
    >>> isinstance(spare_core(), bool)
    True
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average (Windows): assume the cores are free
        load = 0.0
    return cores >= 2 and load <= cores - 1


def painter_for(draw_apart: bool | Painter | None) -> Painter:
    """Who draws a report's map.png: a started helper unless ``draw_apart`` is False, or None
    while this process has matplotlib loaded already (a batch of areas) or no processor is
    free (:func:`spare_core`); a Painter is kept.

    Examples
    --------
    >>> painter_for(False).process is None  # drawn in this process
    True
    """
    if isinstance(draw_apart, Painter):
        return draw_apart
    apart = "matplotlib.figure" not in sys.modules and spare_core() if draw_apart is None else draw_apart
    return start() if apart else Painter(None, None)


def _serve() -> None:
    """The helper: load matplotlib, read ``(sketch, path)`` from standard input, write the PNG."""
    import matplotlib.backends.backend_agg
    import matplotlib.collections
    import matplotlib.figure
    import matplotlib.patches  # noqa: F401
    import PIL.PngImagePlugin  # noqa: F401 - matplotlib writes PNGs through Pillow

    sketch, path = pickle.load(sys.stdin.buffer)
    write(sketch, Path(path))
