"""Running a submission top to bottom in a fresh, contained kernel, and keeping that kernel for
the probes.

Each kernel runs in a sandbox of its own (grader.sandbox) and talks to the grader over ZeroMQ
IPC sockets in a private channel folder; its standard streams are not the grader's. Every limit
is enforced from outside: a cell that runs past its time is not interrupted but killed, with
every process the submission started, and so is a submission past its total budget.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import nbformat
import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from grader import sandbox
from grader.records import CellRun, Finding, RunRecord

STARTUP_TIMEOUT = 60
TIMEOUT_ENAME = "CellTimeout"
MAX_TEXT = 4000
MAX_MESSAGE_BYTES = 96 * 1024**2  # one ZeroMQ message from the kernel (a probe record fits)
MAX_CELL_OUTPUT = 1024**2  # output kept per cell (the grader reads the first MAX_TEXT of it)
MAX_RUN_OUTPUT = 32 * 1024**2  # output kept per kernel
MAX_RECORDS = 2  # record outputs kept per request: one is right, a second shows tampering
RECORD_MIME = "application/vnd.rnn-grader.record+json"
IOPUB_CHECK_SECONDS = 0.01  # a kernel_info request again, until IOPub delivers
WATCH_INTERVAL = 0.05  # how often the probe watchdog looks at the time of the last record

# The kernel's entry point, in two stages (the sandbox's launcher runs the first before it is
# handed a submission, the second after): ipykernel_launcher's (the launcher takes the working
# folder off sys.path before either), less three costs of an interactive kernel that grading
# never uses. The debugger: importing debugpy at start-up (about 50 ms; `import debugpy` still
# works in a cell). Its name for each cell's code, a pure-Python hash of the whole source (about
# 0.15 s for one 400 kB probe batch): the same 32-bit name comes from zlib's crc32. The input
# history in SQLite (KERNEL_OPTIONS): every cell, probe batches included, written to a database
# under the kernel's home that nothing reads.
KERNEL_PREPARE = """\
import sys
sys.modules["debugpy"] = None
import ipykernel.debugger
del sys.modules["debugpy"]
import zlib, ipykernel.compiler
ipykernel.compiler.murmur2_x86 = lambda data, seed: zlib.crc32(data.encode("utf8"), seed)
from ipykernel import kernelapp
app = kernelapp.IPKernelApp.instance()
app.initialize()
"""
KERNEL_RUN = "app.start()\n"
KERNEL_OPTIONS = ("--HistoryManager.enabled=False",)


@dataclass(frozen=True)
class Limits:
    """Limits for one submission.

    cell_seconds: how long one notebook cell may run before its kernel is killed.
    probe_seconds: how long one call of a student function may run.
    submission_seconds: wall-clock budget of the whole submission (every run and re-run of the
        notebook and every probe); past it, the kernel is killed and nothing more is run.
    containment: the sandbox and its resource limits (grader.sandbox.Containment).
    """

    cell_seconds: float = 60.0
    probe_seconds: float = 30.0
    submission_seconds: float = 600.0
    containment: sandbox.Containment = field(default_factory=sandbox.Containment)

    @classmethod
    def from_settings(
        cls,
        cell_seconds: float,
        probe_seconds: float,
        submission_seconds: float,
        sandbox_mode: str,
        memory_mb: float,
    ) -> Limits:
        """Limits from the plain settings the CLI and the otter plugin take."""
        containment = sandbox.Containment(
            mode=sandbox.Mode(sandbox_mode), address_space=int(memory_mb * 1024**2)
        )
        return cls(cell_seconds, probe_seconds, submission_seconds, containment)


class Budget:
    """The wall-clock time a submission has left."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def left(self) -> float:
        return self.deadline - time.monotonic()


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
        if sum(map(len, parts)) >= MAX_TEXT:
            break
    return "".join(parts)[:MAX_TEXT]


def _error_of(outputs: list) -> tuple[str, str] | None:
    for out in outputs or []:
        if out.get("output_type") == "error":
            return str(out.get("ename", ""))[:200], str(out.get("evalue", ""))[:MAX_TEXT]
    return None


def _size(content: dict) -> int:
    if "text" in content:
        return len(str(content["text"]))
    data = content.get("data")
    if isinstance(data, dict):
        return sum(len(str(v)) for v in data.values())
    return len(str(content.get("traceback", ""))) + len(str(content.get("evalue", "")))


class _Client(NotebookClient):
    """Keeps a bounded amount of what the kernel prints, and the probe records apart."""

    cell_bytes = 0
    run_bytes = 0
    dropped = 0

    def start_cell(self, max_records: int = MAX_RECORDS) -> None:
        self.cell_bytes = 0
        self.records: list[str] = []
        self.max_records = max_records
        self.last_record = time.monotonic()

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content") or {}
        data = content.get("data") if isinstance(content, dict) else None
        if isinstance(data, dict) and RECORD_MIME in data:
            if len(self.records) < self.max_records:
                self.records.append(str(data[RECORD_MIME]))
            self.last_record = time.monotonic()
            return None
        size = _size(content) if isinstance(content, dict) else 0
        if self.cell_bytes + size > MAX_CELL_OUTPUT or self.run_bytes + size > MAX_RUN_OUTPUT:
            self.dropped += 1
            return None
        self.cell_bytes += size
        self.run_bytes += size
        return super().output(outs, msg, display_id, cell_index)

    def on_comm_open(self, *args, **kwargs):  # widgets are not graded; their state is not kept
        return None


class _ReadyClient(AsyncKernelClient):
    """A kernel client that is ready as soon as the kernel has answered on the shell channel
    and one message has come through IOPub (so IOPub is connected). jupyter_client waits 0.2 s
    for that message (the first is usually sent before IOPub's subscription reaches the
    kernel, so that wait is spent in full), then for 0.2 s of IOPub silence; this client asks
    again every IOPUB_CHECK_SECONDS instead, and does not wait for silence: nbclient reads only
    the messages that answer its own requests, so a late status message of the start-up is
    never taken for a cell's."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            with contextlib.suppress(Empty):
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    with contextlib.suppress(Empty):
                        await self.iopub_channel.get_msg(timeout=IOPUB_CHECK_SECONDS)
                        self._handle_kernel_info_reply(reply)
                        return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    wait_for_ready = _async_wait_for_ready  # what nbclient awaits (the base binds its own)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is launched inside grader.sandbox, talking over IPC
    sockets in a private channel folder, with no standard streams shared with the grader."""

    def setup_sandbox(self, seed: Path, channel: Path, scratch: Path, containment, bwrap):
        self.seed, self.channel, self.scratch = seed, channel, scratch
        self.containment, self.bwrap = containment, bwrap
        self.client_factory = _ReadyClient
        self.transport = "ipc"
        self.ip = str(channel / "kernel")
        self.connection_file = str(channel / "kernel.json")
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.context = context

    def format_kernel_cmd(self, extra_arguments=None):
        program = sandbox.Program(
            ("-f", self.connection_file, *KERNEL_OPTIONS),
            prepare=KERNEL_PREPARE,
            run=KERNEL_RUN,
            wait_for_seed=True,
        )
        if self.bwrap is None:
            return sandbox.unwrapped(program, self.seed, self.scratch, self.containment, self.uid)
        return sandbox.wrap(
            program, self.seed, self.channel, self.containment, self.bwrap, self.uid
        )

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.uid is not None:  # the connection file is written 0600 by the grader's user
            os.chown(self.connection_file, self.uid, self.uid)
        kw.update(
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=sandbox.environment(str(self.scratch)) if self.bwrap is None else {},
            cwd="/",
        )
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    def client(self, **kwargs):
        kwargs.setdefault("context", self.context)
        return super().client(**kwargs)

    def kernel_pid(self) -> int | None:
        return getattr(self.provisioner, "pid", None)


class KernelSession:
    """A fresh kernel that ran the notebook; `execute` runs more code in it.

    Use through `fresh_kernel`, which starts the kernel in a sandbox of its own and kills it,
    with every process it started, on exit.
    """

    def __init__(self, client: _Client, km: SandboxedKernelManager, limits: Limits, budget):
        self.client = client
        self.km = km
        self.limits = limits
        self.budget = budget
        self.alive = True
        self.out_of_time = False

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
            if run.status == "timeout":
                status = "timeout"
            if run.status == "died" and status == "ok":
                status = "kernel_died"
        if status == "ok" and any(c.status == "error" for c in cells):
            status = "errors"
        return RunRecord(status=status, cells=tuple(cells))

    def _run_cell(self, cell, index: int, seconds: float, max_records=MAX_RECORDS) -> CellRun:
        left = self.budget.left()
        if left <= 0:
            self.out_of_time = True
            self.kill()
            budget = f"the submission used all of its {self.budget.seconds:g} s"
            return CellRun(index, "timeout", TIMEOUT_ENAME, budget, "")
        allowed = min(seconds, left)
        self.client.timeout = max(1, int(allowed + 0.999))
        self.client.start_cell(max_records)
        try:
            self.client.execute_cell(cell, index)
        except CellTimeoutError:
            self.kill()
            if allowed < seconds:
                self.out_of_time = True
                return CellRun(
                    index,
                    "timeout",
                    TIMEOUT_ENAME,
                    f"the submission used all of its {self.budget.seconds:g} s",
                    "",
                )
            return CellRun(index, "timeout", TIMEOUT_ENAME, f"ran longer than {seconds:g} s", "")
        except DeadKernelError:
            self.kill()
            return CellRun(index, "died", "DeadKernelError", "the kernel died", "")
        except Exception as exc:  # nbclient raises a few others on a broken kernel
            self.kill()
            return CellRun(index, "died", type(exc).__name__, str(exc)[:MAX_TEXT], "")
        text = cell_text(cell.get("outputs", []))
        error = _error_of(cell.get("outputs", []))
        if error:
            return CellRun(index, "error", error[0], error[1], text)
        return CellRun(index, "ok", "", "", text)

    def execute(self, code: str, seconds: float | None = None) -> tuple[CellRun, list[str]]:
        """Run `code` in the kernel as an extra, unsaved cell; returns its run and the probe
        records it sent (RECORD_MIME outputs, at most MAX_RECORDS)."""
        if not self.alive:
            return CellRun(-1, "died", "DeadKernelError", "the kernel had stopped", ""), []
        cell = nbformat.v4.new_code_cell(code)
        run = self._run_cell(cell, -1, seconds or self.limits.probe_seconds)
        return run, list(getattr(self.client, "records", []))

    def execute_batch(self, code: str, count: int) -> tuple[CellRun, list[str], bool]:
        """Run `code`, which sends `count` probe records one after another, as one unsaved
        cell. Each record must arrive within `limits.probe_seconds` of the one before (or of
        the start): a watchdog kills the kernel otherwise, as a cell past its time is killed.
        Returns the run, the records (at most 2 * count) and whether the watchdog fired."""
        if not self.alive:
            return CellRun(-1, "died", "DeadKernelError", "the kernel had stopped", ""), [], False
        seconds = self.limits.probe_seconds
        fired = threading.Event()
        stop = threading.Event()

        def watch() -> None:
            while not stop.wait(WATCH_INTERVAL):
                if time.monotonic() - self.client.last_record > seconds:
                    fired.set()
                    self.kill()
                    return

        cell = nbformat.v4.new_code_cell(code)
        watchdog = threading.Thread(target=watch, name="probe watchdog", daemon=True)
        self.client.last_record = time.monotonic()
        watchdog.start()
        try:
            run = self._run_cell(cell, -1, seconds * count + WATCH_INTERVAL, 2 * count)
        finally:
            stop.set()
            watchdog.join()
        return run, list(getattr(self.client, "records", [])), fired.is_set()

    def kill(self) -> None:
        """SIGKILL the kernel and every process of the submission; wait until they are gone."""
        self.alive = False
        pid = self.km.kernel_pid()
        if pid is not None:
            sandbox.kill_tree(pid, self.km.uid)


# otter's `otter.Notebook("name.ipynb")` and the student notebook's `grader.student.Notebook(...)`
_OTTER_NOTEBOOK = re.compile(r"""\bNotebook\(\s*(?:nb_path\s*=\s*)?["']([^"']+)["']""")


def expected_names(nb: nbformat.NotebookNode) -> set[str]:
    """File names the notebook opens itself under (`otter.Notebook("name.ipynb")`, or the
    `grader.student.Notebook` that wraps it)."""
    names = set()
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            for match in _OTTER_NOTEBOOK.findall(cell.get("source", "")):
                name = Path(match).name
                if name not in ("", ".", ".."):
                    names.add(name)
    return names


def containment_notice(limits: Limits) -> Finding | None:
    """The loud notice for a kernel that runs without the sandbox (None when it has one).

    Raises sandbox.SandboxUnavailable when the sandbox is required and cannot start.
    """
    mode = limits.containment.mode
    if mode is sandbox.Mode.OFF:
        return Finding("sandbox-off", sandbox.notice_text("it was turned off (--sandbox off)"))
    reason = sandbox.availability(limits.containment)
    if reason is None:
        return None
    if mode is sandbox.Mode.REQUIRED:
        raise sandbox.SandboxUnavailable(reason)
    return Finding("sandbox-unavailable", sandbox.notice_text(reason))


def _seed(folder: Path, nb, filename: str, support: tuple[Path, ...]) -> None:
    """What the kernel's scratch folder starts with: the notebook (under its own name and the
    name it opens itself under) and the public support files; then the marker that lets a
    kernel launched ahead of need go on (written last)."""
    for name in {Path(filename).name, *expected_names(nb)} - {sandbox.READY}:
        nbformat.write(nb, folder / name)
    for path in support:
        target = folder / path.name
        if path.is_dir():
            shutil.copytree(path, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(path, target)
    for entry in folder.rglob("*"):
        entry.chmod(0o755 if entry.is_dir() else 0o644)
    (folder / sandbox.READY).write_bytes(b"")


class Launched:
    """A kernel process started in a sandbox of its own, waiting for its submission (its
    launcher holds until the seed folder is filled). `seed` hands it one; `discard` kills it
    and removes its folders."""

    def __init__(self, containment: sandbox.Containment, slot: int = 0):
        self.containment = containment
        self.thread = threading.get_ident()  # its kernel manager's event loop is this thread's
        use_sandbox = (
            containment.mode is not sandbox.Mode.OFF and sandbox.availability(containment) is None
        )
        self.sandboxed = use_sandbox
        self.top = Path(tempfile.mkdtemp(prefix="rnn-grader-"))
        self.km: SandboxedKernelManager | None = None
        try:
            self.top.chmod(0o711)
            seed, channel, scratch = self.top / "seed", self.top / "channel", self.top / "scratch"
            seed.mkdir()
            seed.chmod(0o755)  # read by the kernel's user (mkdir's mode is cut by the umask)
            channel.mkdir(mode=0o700)
            uid = sandbox.kernel_uid(slot)
            if not use_sandbox:  # the fallback's kernel writes in a folder of the host's
                scratch.mkdir(mode=0o700)
                uid = sandbox.fallback_uid(slot)
                if uid is not None:
                    os.chown(scratch, uid, uid)
            if uid is not None:
                os.chown(channel, uid, uid)
            km = SandboxedKernelManager(kernel_name="python3")
            bwrap = sandbox.bwrap_path() if use_sandbox else None
            km.setup_sandbox(seed, channel, scratch, containment, bwrap)
            km.uid = uid
            self.km = km
            run_sync(km.start_kernel)()
        except BaseException:
            self.discard()
            raise

    def alive(self) -> bool:
        pid = self.km.kernel_pid() if self.km else None
        return pid is not None and sandbox.alive(pid)

    def seed(self, nb, filename: str, support: tuple[Path, ...]) -> None:
        _seed(self.top / "seed", nb, filename, support)

    def kill(self) -> None:
        pid = self.km.kernel_pid() if self.km else None
        if pid is not None:
            sandbox.kill_tree(pid, self.km.uid)

    def discard(self) -> None:
        """Kill the kernel with every process it started, then free what it held."""
        self.kill()
        if self.km is not None:
            with contextlib.suppress(Exception):  # reaps the process (nbclient did, if it ran)
                if run_sync(self.km.is_alive)():
                    run_sync(self.km.shutdown_kernel)(now=True)
                run_sync(self.km.cleanup_resources)()
            self.km.context.destroy(linger=0)
        shutil.rmtree(self.top, ignore_errors=True)


class WarmKernels:
    """Kernels started ahead of need: each `take` hands out the kernel launched at the last
    one (or a new one) and launches the next at once, so the next submission's kernel boots
    while this one is graded. One per grading process (a worker of a batch or of a cluster);
    the kernels take turns over the process's KERNEL_SLOTS users, so killing a finished
    kernel's user never reaches the warm one. None is launched ahead without the sandbox (the
    fallback's kernels could see the waiting kernel's process and folder)."""

    def __init__(self) -> None:
        self.spare: Launched | None = None
        self.slot = 0
        self.lock = threading.Lock()
        self.retired: list[Launched] = []

    def take(self, containment: sandbox.Containment) -> Launched:
        with self.lock:
            self._tidy()  # before a slot's user is given to a new kernel
            return self._take(containment)

    def retire(self, launched: Launched) -> None:
        """A used kernel, already killed: what is left of it (reaping it, its folders, its
        sockets) is freed by `tidy`, once its submission's result is on its way."""
        with self.lock:
            self.retired.append(launched)

    def tidy(self) -> None:
        with self.lock:
            self._tidy()

    def _tidy(self) -> None:
        retired, self.retired = self.retired, []
        for launched in retired:
            launched.discard()

    def _take(self, containment: sandbox.Containment) -> Launched:
        spare, self.spare = self.spare, None
        usable = spare is not None and spare.containment == containment and spare.alive()
        if spare is not None and not (usable and spare.thread == threading.get_ident()):
            spare.discard()
            spare = None
        if spare is None:
            spare = self._launch(containment)
        if spare.sandboxed:  # without the sandbox, a kernel could see the next one's files
            with contextlib.suppress(Exception):  # no warm kernel: the next take starts one
                self.spare = self._launch(containment)
        return spare

    def _launch(self, containment: sandbox.Containment) -> Launched:
        slot, self.slot = self.slot, (self.slot + 1) % sandbox.KERNEL_SLOTS
        return Launched(containment, slot)

    def close(self) -> None:
        with self.lock:
            self._tidy()
            spare, self.spare = self.spare, None
        if spare is not None:
            spare.discard()


_WARM: WarmKernels | None = None


def keep_kernels_warm() -> None:
    """From now on this process starts each kernel ahead of need (grading workers do; a single
    `check` does not, as no next submission comes). The warm kernel is killed at exit, and
    dies with the process in any case (bubblewrap's --die-with-parent)."""
    global _WARM
    if _WARM is None:
        _WARM = WarmKernels()
        atexit.register(stop_warm_kernels)


def tidy_kernels() -> None:
    """Free what the kernels this process used are still holding (between submissions)."""
    if _WARM is not None:
        _WARM.tidy()


def stop_warm_kernels() -> None:
    """Kill the kernel waiting for the next submission, and start none ahead from now on."""
    global _WARM
    warm, _WARM = _WARM, None
    if warm is not None:
        warm.close()


@contextlib.contextmanager
def fresh_kernel(
    nb: nbformat.NotebookNode,
    filename: str,
    limits: Limits | None = None,
    support: tuple[Path, ...] = (),
    budget: Budget | None = None,
) -> Iterator[KernelSession]:
    """A new contained kernel whose working folder holds a copy of the submission and the
    `support` files (public data only). On exit every process of it is killed."""
    limits = limits or Limits()
    budget = budget or Budget(limits.submission_seconds)
    launched = _WARM.take(limits.containment) if _WARM else Launched(limits.containment)
    try:
        launched.seed(nb, filename, support)
        km = launched.km
        client = _Client(
            nb,
            km=km,
            timeout=int(limits.cell_seconds),
            startup_timeout=int(min(STARTUP_TIMEOUT, max(1, budget.left()))),
            allow_errors=True,
            interrupt_on_timeout=False,
            record_timing=False,
            store_widget_state=False,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(km.scratch)}},
        )
        # cleanup_kc: nbclient stops the client's channels (their heartbeat thread), reaps the
        # kernel's process and removes its connection files only when asked, as the kernel
        # manager is ours; without it every submission a worker grades leaves a thread, a
        # zombie and the ZeroMQ context's threads and sockets behind
        with client.setup_kernel(cleanup_kc=True):
            session = KernelSession(client, km, limits, budget)
            try:
                yield session
            finally:
                session.kill()
    finally:
        if _WARM is not None and not launched.alive():
            _WARM.retire(launched)  # the rest of the shutdown, off the critical path
        else:
            launched.discard()
