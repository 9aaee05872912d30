"""Running a submission top to bottom in a fresh kernel, and keeping that kernel for the probes."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from grader.records import CellRun, RunRecord

KERNEL_NAME = "python3"
STARTUP_TIMEOUT = 60
TIMEOUT_ENAME = "CellTimeout"
STUCK_CHECK_SECONDS = 15
MAX_TEXT = 4000


@dataclass(frozen=True)
class Limits:
    """Time limits for one submission.

    cell_seconds: how long one notebook cell may run before it is interrupted.
    probe_seconds: how long one call of a student function may run.
    """

    cell_seconds: float = 60.0
    probe_seconds: float = 30.0


def cell_text(outputs: list) -> str:
    """The plain text a cell showed: streams, results and error lines, cut at MAX_TEXT."""
    parts = []
    for out in outputs or []:
        kind = out.get("output_type")
        if kind == "stream":
            text = out.get("text", "")
            parts.append(text if isinstance(text, str) else "".join(text))
        elif kind in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain", "")
            parts.append((text if isinstance(text, str) else "".join(text)) + "\n")
        elif kind == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}\n")
    return "".join(parts)[:MAX_TEXT]


def _error_of(outputs: list) -> tuple[str, str] | None:
    for out in outputs or []:
        if out.get("output_type") == "error":
            return str(out.get("ename", "")), str(out.get("evalue", ""))[:MAX_TEXT]
    return None


class _Client(NotebookClient):
    """Remembers that the last cell ran into its time limit."""

    timed_out = False

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)


class KernelSession:
    """A fresh kernel that ran the notebook; `execute` runs more code in it.

    Use through `fresh_kernel`, which starts the kernel in an empty working folder and shuts
    it down (and removes the folder) on exit.
    """

    def __init__(self, client: NotebookClient, workdir: Path, limits: Limits):
        self.client = client
        self.workdir = workdir
        self.limits = limits
        self.alive = True

    def run_notebook(self, nb: nbformat.NotebookNode) -> RunRecord:
        """Execute every code cell in order, continuing past errors."""
        cells: list[CellRun] = []
        status = "ok"
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if not self.alive:
                cells.append(CellRun(index, "skipped", "", "the kernel had stopped", ""))
                continue
            run = self._run_cell(cell, index, self.limits.cell_seconds)
            cells.append(run)
            if run.status == "timeout" and not self._responsive():
                status = "timeout"
                self.alive = False
            if run.status == "died":
                status = "kernel_died"
        if status == "ok" and any(c.status in ("error", "timeout") for c in cells):
            status = "timeout" if any(c.status == "timeout" for c in cells) else "errors"
        return RunRecord(status=status, cells=tuple(cells))

    def _run_cell(self, cell, index: int, seconds: float) -> CellRun:
        self.client.timeout = int(max(1, seconds))
        self.client.timed_out = False
        try:
            self.client.execute_cell(cell, index)
        except DeadKernelError:
            self.alive = False
            return CellRun(index, "died", "DeadKernelError", "the kernel died", "")
        except CellTimeoutError:
            return CellRun(index, "timeout", TIMEOUT_ENAME, f"ran longer than {seconds:g} s", "")
        except Exception as exc:  # nbclient raises a few others on a broken kernel
            self.alive = False
            return CellRun(index, "died", type(exc).__name__, str(exc)[:MAX_TEXT], "")
        text = cell_text(cell.get("outputs", []))
        error = _error_of(cell.get("outputs", []))
        if self.client.timed_out or (error and error[0] == TIMEOUT_ENAME):
            # nbclient interrupted the cell; the kernel's KeyboardInterrupt is not the cell's error
            return CellRun(index, "timeout", TIMEOUT_ENAME, f"ran longer than {seconds:g} s", text)
        if error:
            return CellRun(index, "error", error[0], error[1], text)
        return CellRun(index, "ok", "", "", text)

    def _responsive(self) -> bool:
        probe = nbformat.v4.new_code_cell("pass")
        return self._run_cell(probe, -1, STUCK_CHECK_SECONDS).status == "ok"

    def execute(self, code: str, seconds: float | None = None) -> CellRun:
        """Run `code` in the kernel as an extra, unsaved cell."""
        if not self.alive:
            return CellRun(-1, "died", "DeadKernelError", "the kernel had stopped", "")
        cell = nbformat.v4.new_code_cell(code)
        run = self._run_cell(cell, -1, seconds or self.limits.probe_seconds)
        if run.status == "timeout" and not self._responsive():
            self.alive = False
        return run


_OTTER_NOTEBOOK = re.compile(r"""otter\.Notebook\(\s*(?:nb_path\s*=\s*)?["']([^"']+)["']""")


def expected_names(nb: nbformat.NotebookNode) -> set[str]:
    """File names the notebook opens itself under (otter's `otter.Notebook("name.ipynb")`)."""
    names = set()
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            names.update(Path(m).name for m in _OTTER_NOTEBOOK.findall(cell.get("source", "")))
    return names


@contextlib.contextmanager
def fresh_kernel(
    nb: nbformat.NotebookNode,
    filename: str,
    limits: Limits | None = None,
    support: tuple[Path, ...] = (),
) -> Iterator[KernelSession]:
    """A new kernel whose working folder holds a copy of the submission (under its own name and
    the name it opens itself under) and the `support` files (public data only)."""
    limits = limits or Limits()
    workdir = Path(tempfile.mkdtemp(prefix="rnn-grader-"))
    try:
        for name in {Path(filename).name, *expected_names(nb)}:
            nbformat.write(nb, workdir / name)
        for path in support:
            shutil.copy(path, workdir / path.name)
        client = _Client(
            nb,
            timeout=int(limits.cell_seconds),
            startup_timeout=STARTUP_TIMEOUT,
            kernel_name=KERNEL_NAME,
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": TIMEOUT_ENAME, "evalue": "interrupted", "traceback": []},
            record_timing=False,
            resources={"metadata": {"path": str(workdir)}},
        )
        with client.setup_kernel():
            yield KernelSession(client, workdir, limits)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
