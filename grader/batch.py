"""Grading many submissions so that no submission can stop, hang or lose the batch.

The design: a pool of at most `jobs` worker processes (multiprocessing, "spawn"), each given
the case data once when it starts and then one submission at a time, so imports and case data are
loaded once per worker, not once per submission (otter's classes, for the Gradescope files, only
in the parent). The parent waits on every
worker's exit sentinel and answer pipe with a deadline per job, so it always knows which
submission a dead or late worker was grading.
- Each worker starts its own session: a signal a kernel sends to its parent's process group
  (`killpg`) never reaches the batch, and Ctrl-C in the terminal reaches only the batch.
  SIGINT and SIGTERM do nothing in a worker; it dies with the batch (Linux).
- A worker sends each report back as length-prefixed JSON bytes on a pipe (bounded, parsed as
  data, never unpickled). A worker that ends without a complete answer is replaced by a new
  process and its submission queued again once; a second death gives it a "worker-died"
  record.
- A worker still grading after the budget per submission (`limits.submission_seconds`) plus
  a margin, counted from the moment it says it has started that submission (so a slow start
  on a loaded machine costs no one their budget), is killed with every process it started
  (all stopped first, so none can fork, then SIGKILL to its process group and to each
  descendant found in /proc); the submission gets a "timeout" record and a new worker takes
  the next one. A worker that has not started a job after STARTUP_SECONDS counts as dead.
- Each result is written (NAME.json, NAME.txt, then summary.csv, each through a temporary file
  and `os.replace`) as soon as it arrives. Ctrl-C or SIGTERM kills the workers and leaves a
  summary with a row per submission, the missing ones marked.
`ProcessPoolExecutor` cannot do this: when one worker dies, every pending future fails
(BrokenProcessPool) without saying whose worker it was, and one late worker cannot be killed
without breaking the pool. As with any spawned process, a script that calls `grade_batch`
needs the `if __name__ == "__main__":` guard. Processes that leave the worker's tree
(double-forked daemons) are out of reach here; the sandbox's PID namespace ends those.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader import otter_tests, sandbox
from grader.assignments import assignment
from grader.casedata import CaseData
from grader.execution import Limits, keep_kernels_warm, tidy_kernels
from grader.pipeline import INTERNAL_ERROR, _ungraded, check_submission
from grader.records import Finding, Report, RunRecord
from grader.report import render_text, to_dict

DEFAULT_BUDGET_SECONDS = 600.0
MARGIN_SECONDS = 60.0
STARTUP_SECONDS = 120.0
STARTED = b"+"
ANSWER = b"="
MAX_ATTEMPTS = 2
MAX_ANSWER = 16 * 1024**2
CHUNK = 1 << 16
JOIN_SECONDS = 10.0
PR_SET_PDEATHSIG = 1
HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM}
FIRST_COLUMNS = ["submission", "report", "score", "max_score", "run"]  # then one per function
HEADLINE_NOTICES = ("worker-died", "submission-timeout", "internal-error", "kernel-failed")
WORKER_DIED = (
    "The process grading this submission stopped before it returned a result, on the first "
    "try ({first}) and again when the submission was retried in a new process ({second}); it "
    "was not graded. Code in the notebook that kills the grader's processes, or grading that "
    "runs out of memory, does this."
)
TIMEOUT = (
    "Grading took longer than {total:g} s (the budget per submission, {budget:g} s, plus a "
    "margin of {margin:g} s), so the process grading it and every process it started were "
    "killed; it was not graded."
)
UNREADABLE = "its result could not be read: {error}"

GradeOne = Callable[[str, CaseData, Limits], Report]


@dataclass(frozen=True)
class Outcome:
    """What the batch got for one submission.

    status: "graded" (the engine's report), "worker-died", "timeout" or "grader-error" (the
        function grading it raised, or its result could not be read).
    report: the report's JSON contract (schema 1), as written to NAME.json.
    html: the report as a standalone feedback page; gradescope: Gradescope's results.json.
    attempts: how many worker processes it took (2 after a retry).
    """

    submission: str
    name: str
    status: str
    report: dict
    text: str
    headline: str
    attempts: int = 1
    html: str = ""
    gradescope: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return self.report["score"]

    @property
    def max_score(self) -> float:
        return self.report["max_score"]

    @property
    def run(self) -> str:
        return self.report["run"]["status"]


@dataclass(frozen=True)
class Batch:
    """How a batch ended: the outcomes in submission order, and the submissions left ungraded
    when it was interrupted (Ctrl-C or SIGTERM)."""

    outcomes: tuple[Outcome, ...]
    missing: tuple[str, ...] = ()
    interrupted: bool = False


def grade_batch(
    submissions: Sequence,
    cases: CaseData,
    limits: Limits | None = None,
    out_dir: str | Path = "out",
    jobs: int = 1,
    names: Sequence[str] | None = None,
    *,
    on_result: Callable[[Outcome], None] | None = None,
    grade_one: GradeOne = check_submission,
    margin_seconds: float = MARGIN_SECONDS,
    write_files: bool = True,
) -> Batch:
    """Grade every submission in a pool of `jobs` worker processes, writing NAME.json,
    NAME.txt and summary.csv into `out_dir` as each one finishes (unless `write_files` is
    false); `on_result` is called after each. A submission is a path, or any picklable job
    that `grade_one` (a module-level function: it is sent to new processes) grades. Never
    raises for a submission; Ctrl-C returns the batch so far."""
    subs = list(submissions)
    labels = [str(s) for s in subs]
    names = list(names) if names is not None else report_names(labels)
    if len(names) != len(subs) or len(set(names)) != len(names):
        raise ValueError(f"need {len(subs)} distinct report names, got {names!r}")
    try:
        pickle.dumps(grade_one)
    except Exception as exc:
        raise TypeError(
            f"grade_one must be importable by name (it runs in a new process); got {grade_one!r}"
        ) from exc
    out = Path(out_dir)
    if write_files:
        out.mkdir(parents=True, exist_ok=True)
    limits = limits or Limits()
    budget = float(getattr(limits, "submission_seconds", DEFAULT_BUDGET_SECONDS))
    seconds = budget + margin_seconds
    context = multiprocessing.get_context("spawn")
    queue = deque(range(len(subs)))
    attempts = [0] * len(subs)
    deaths: list[list[str]] = [[] for _ in subs]
    outcomes: dict[int, Outcome] = {}
    workers: list[_Worker] = []
    jobs = max(1, jobs)
    graded = (cases.assignment if cases is not None else assignment()).names

    def outcome(i: int, status: str, report: Report) -> Outcome:
        rendered = _rendered(report)
        return Outcome(labels[i], names[i], status, **rendered, attempts=attempts[i])

    def died(i: int, how: str) -> Outcome | None:
        deaths[i].append(how)
        if attempts[i] < MAX_ATTEMPTS:
            queue.append(i)
            return None
        message = WORKER_DIED.format(first=deaths[i][0], second=deaths[i][-1])
        report = _not_graded(labels[i], "kernel_died", "worker-died", message, cases)
        return outcome(i, "worker-died", report)

    def settle(i: int, answer: dict) -> Outcome:
        if not answer.get("ok"):
            return outcome(
                i, "grader-error", _grader_error(labels[i], str(answer.get("error")), cases)
            )
        rendered = _rendered_answer(answer)
        if rendered is None:
            error = UNREADABLE.format(error="it lacks the report, its text or its headline")
            return outcome(i, "grader-error", _grader_error(labels[i], error, cases))
        return Outcome(labels[i], names[i], "graded", **rendered, attempts=attempts[i])

    def ended(worker: _Worker, late: bool) -> Outcome | None:
        """The outcome of the job a worker held when it ended (None: queued again)."""
        i = worker.job
        if worker.oversize:
            error = UNREADABLE.format(error=f"it was longer than {MAX_ANSWER} bytes")
            return outcome(i, "grader-error", _grader_error(labels[i], error, cases))
        if late and not worker.started:
            return died(i, f"it had not started after {STARTUP_SECONDS:g} s")
        if late:
            message = TIMEOUT.format(total=seconds, budget=budget, margin=margin_seconds)
            report = _not_graded(labels[i], "timeout", "submission-timeout", message, cases)
            return outcome(i, "timeout", report)
        return died(i, _how(worker.exitcode))

    def record(i: int, result: Outcome | None) -> None:
        if result is None:
            return
        outcomes[i] = result
        if write_files:
            _write_outcome(out, result)
            _write_summary(out, labels, names, outcomes, "pending", graded)
        if on_result is not None:
            on_result(result)

    interrupted = False
    try:
        with _sigterm_as_interrupt():
            if write_files:
                _write_summary(out, labels, names, outcomes, "pending", graded)
            while queue or any(w.job is not None for w in workers):
                idle = [w for w in workers if w.job is None]
                while queue and (idle or len(workers) < jobs):
                    i = queue.popleft()
                    attempts[i] += 1
                    with _signals_held():
                        if not idle:
                            workers.append(_Worker.start(context, grade_one, cases, limits))
                            idle.append(workers[-1])
                        idle.pop(0).give(i, subs[i], seconds)
                for worker in [w for w in workers if w.job is None and not queue]:
                    with _signals_held():
                        worker.end()
                        workers.remove(worker)
                if not workers:
                    continue
                now = time.monotonic()
                busy = [w for w in workers if w.job is not None]
                wait = max(0.0, min(w.deadline for w in busy) - now) if busy else 0.0
                fds = [fd for w in workers for fd in w.waitables()]
                ready = set(multiprocessing.connection.wait(fds, wait))
                now = time.monotonic()
                for worker in list(workers):
                    if worker.fd in ready:
                        worker.read()
                    for i, answer in worker.answers():
                        record(i, settle(i, answer))
                    exited = worker.process.sentinel in ready or worker.eof or worker.oversize
                    late = worker.job is not None and now >= worker.deadline
                    if not (exited or late):
                        continue
                    with _signals_held():  # an interrupt now would leave it half ended
                        worker.end()
                        workers.remove(worker)
                    for i, answer in worker.answers():  # what it sent before it ended
                        record(i, settle(i, answer))
                    if worker.job is not None:
                        record(worker.job, ended(worker, late and not exited))
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for worker in workers:
            worker.end()
        _sweep()
        if write_files:
            _write_summary(out, labels, names, outcomes, "interrupted", graded)
    missing = tuple(labels[i] for i in range(len(subs)) if i not in outcomes)
    ordered = tuple(outcomes[i] for i in sorted(outcomes))
    return Batch(ordered, missing, interrupted)


def _sweep() -> None:
    """With every worker gone, end what a worker left running as its kernel users (a kernel
    started ahead of need while the worker was being ended escapes its own clean-up)."""
    try:
        sandbox.sweep_released_groups()
    except OSError:  # a grade is never lost over clean-up; the next claim of a group kills too
        pass


@dataclass
class _Worker:
    """One worker process, the job it holds and what it has sent so far.

    Jobs go to it pickled over `jobs` (the batch's own data); it answers on a raw pipe, per
    job: STARTED, then ANSWER, an 8-byte length and that many bytes of JSON. `deadline` is
    STARTUP_SECONDS after a job was given until the worker says it started it, then
    `seconds` after that.
    """

    process: multiprocessing.process.BaseProcess
    jobs: multiprocessing.connection.Connection
    reader: multiprocessing.connection.Connection
    fd: int
    job: int | None = None
    seconds: float = 0.0
    deadline: float = 0.0
    started: bool = False
    exitcode: int | None = None
    buffer: bytearray = field(default_factory=bytearray)
    done: list = field(default_factory=list)
    eof: bool = False
    oversize: bool = False

    @classmethod
    def start(cls, context, grade_one: GradeOne, cases, limits) -> _Worker:
        reader, writer = context.Pipe(duplex=False)
        jobs_out, jobs_in = context.Pipe(duplex=False)
        process = context.Process(
            target=_work,
            args=(writer, jobs_out, grade_one, cases, limits, os.getpid()),
            name="grading worker",
        )
        process.start()
        writer.close()
        jobs_out.close()
        os.set_blocking(reader.fileno(), False)
        return cls(process, jobs_in, reader, reader.fileno())

    def give(self, i: int, job, seconds: float) -> None:
        self.job, self.seconds, self.started = i, seconds, False
        self.deadline = time.monotonic() + STARTUP_SECONDS
        try:
            self.jobs.send((i, job))
        except OSError:  # it died already: seen as dead on the next wait
            self.eof = True

    def waitables(self) -> list[int]:
        return [self.process.sentinel] + ([] if self.eof else [self.fd])

    def read(self) -> None:
        """Take what the pipe holds now, without blocking; note its end."""
        while not self.eof:
            try:
                chunk = os.read(self.fd, CHUNK)
            except BlockingIOError:
                break
            if not chunk:
                self.eof = True
                break
            self.buffer += chunk
            if len(self.buffer) > MAX_ANSWER + len(ANSWER) + 8:
                self.oversize = self.eof = True
        self._parse()

    def _parse(self) -> None:
        while self.buffer:
            if self.buffer[:1] == STARTED and not self.started:
                del self.buffer[:1]
                self.started = True
                self.deadline = time.monotonic() + self.seconds
                continue
            if self.buffer[:1] != ANSWER or len(self.buffer) < 9:
                return
            size = int.from_bytes(self.buffer[1:9], "big")
            if size > MAX_ANSWER:
                self.oversize = self.eof = True
                return
            if len(self.buffer) < 9 + size:
                return
            data = bytes(self.buffer[9 : 9 + size])
            del self.buffer[: 9 + size]
            try:
                answer = json.loads(data.decode("utf-8"))
            except ValueError:
                answer = {"ok": False, "error": UNREADABLE.format(error="it is not JSON")}
            if not isinstance(answer, dict):
                answer = {"ok": False, "error": UNREADABLE.format(error="it is not an object")}
            self.done.append((self.job, answer))
            self.job, self.started = None, False

    def answers(self) -> list[tuple[int, dict]]:
        done, self.done = self.done, []
        return done

    def end(self) -> None:
        """Kill the worker and everything it started, reap it, then read what it left."""
        with contextlib.suppress(OSError):
            self.jobs.close()
        _kill_tree(self.process.pid)
        self.process.join(JOIN_SECONDS)
        self.exitcode = self.process.exitcode
        self.read()
        self.reader.close()
        with contextlib.suppress(ValueError):  # still there after SIGKILL: left to the OS
            self.process.close()


def _work(writer, jobs, grade_one: GradeOne, cases, limits, parent: int) -> None:
    """In the worker: leave the batch's session, then grade each job it is given and send
    the answer, until the batch closes the job pipe."""
    _detach(parent)
    keep_kernels_warm()
    out = writer.fileno()
    while True:
        try:
            i, job = jobs.recv()
        except (EOFError, OSError):
            return
        os.write(out, STARTED)
        try:
            data = json.dumps({"ok": True, **_answer(grade_one(job, cases, limits))})
        except Exception as exc:  # whatever grade_one raises becomes that submission's record
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300]
            data = json.dumps({"ok": False, "error": error})
        body = data.encode("utf-8")
        view = memoryview(ANSWER + len(body).to_bytes(8, "big") + body)
        while view:
            view = view[os.write(out, view) :]
        del data, body, view
        tidy_kernels()  # after the answer: the batch records it meanwhile
        _return_freed_memory()


def _return_freed_memory() -> None:
    """Give the heap's free pages back to the OS (glibc's malloc_trim): a submission's probe
    records and decoded arrays (megabytes, in many small blocks) otherwise stay resident in the
    worker as free heap, and a worker's size would creep up with the submissions it graded.
    Costs microseconds; does nothing where the C library has no malloc_trim."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _detach(parent: int) -> None:
    """A session of its own; SIGINT and SIGTERM handled as no-ops (a handler, not SIG_IGN, so
    the kernel it starts gets the default back) and only then unblocked (they were held since
    the spawn, see `_signals_held`); on Linux, SIGKILL when the batch dies."""
    os.setsid()
    for sig in HELD_SIGNALS:
        signal.signal(sig, _ignore)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)


def _ignore(signum, frame) -> None:
    """A signal a worker outlives."""


def _kill_tree(pid: int) -> None:
    """SIGKILL the worker `pid`, its process group and every descendant still linked to it.
    Everything is stopped first, so nothing can fork while the tree is walked."""
    stopped: set[int] = set()
    _send(os.killpg, pid, signal.SIGSTOP)
    while new := ({pid} | _descendants(pid)) - stopped:
        for proc in new:
            _send(os.kill, proc, signal.SIGSTOP)
        stopped |= new
    _send(os.killpg, pid, signal.SIGKILL)
    for proc in stopped:
        _send(os.kill, proc, signal.SIGKILL)


def _send(kill: Callable[[int, int], None], target: int, sig: int) -> None:
    with contextlib.suppress(OSError):  # gone already, or never became a group leader
        kill(target, sig)


def _descendants(pid: int) -> set[int]:
    """The processes below `pid`, from the parent ids in /proc (none where there is no /proc)."""
    children: dict[int, list[int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a worker is started and registered, then deliver them:
    the batch is never interrupted with a worker it does not know of, and the new worker
    (which inherits the blocked mask) cannot be stopped by Ctrl-C before it has left the
    terminal's process group. Other threads (numpy's BLAS pool) may take the signal, so it
    is also caught by a handler and raised again afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda n, frame: caught.append(n)) for sig in HELD_SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops the batch the way Ctrl-C does (in the main thread, where signals land)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _how(exitcode: int | None) -> str:
    if exitcode is None:
        return "it did not stop when killed"
    if exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-exitcode).name}"
        return f"killed by signal {-exitcode}"
    return f"it exited with status {exitcode} before its result was complete"


def _not_graded(
    path: str, run_status: str, code: str, message: str, cases: CaseData | None = None
) -> Report:
    notice = Finding(code, message)
    functions = _ungraded(message, cases)
    return Report(Path(path).name, RunRecord(run_status), (), functions, (notice,))


def _grader_error(path: str, error: str, cases: CaseData | None = None) -> Report:
    message = INTERNAL_ERROR.format(error=error)
    return _not_graded(path, "errors", "internal-error", message, cases)


def _rendered_answer(answer: dict) -> dict | None:
    """The rendered report in a worker's answer, with its Gradescope results made here; None
    when a part is missing."""
    report, text, head = answer.get("report"), answer.get("text"), answer.get("headline")
    page, questions = answer.get("html", ""), answer.get("questions", [])
    if not (isinstance(report, dict) and isinstance(text, str) and isinstance(head, str)):
        return None
    if not (isinstance(page, str) and isinstance(questions, list)):
        return None
    run = report.get("run")
    if not (isinstance(run, dict) and "status" in run and {"score", "max_score"} <= report.keys()):
        return None
    try:
        scores = otter_tests.gradescope(questions, text, report["score"])
    except (KeyError, TypeError, ValueError):
        return None
    return {"report": report, "text": text, "headline": head, "html": page, "gradescope": scores}


def _answer(report: Report) -> dict:
    """Everything a worker sends about one report (plain JSON values, no otter object: the
    Gradescope conversion is made where the answer is read, `_rendered_answer`, so a worker
    never loads otter's classes)."""
    from grader.gradebook import feedback_html

    return {
        "report": to_dict(report),
        "text": render_text(report),
        "headline": headline(report),
        "html": feedback_html(report),
        "questions": [otter_tests.question(result) for result in report.functions],
    }


def _rendered(report: Report) -> dict:
    """Everything written about one report made in this process: a worker's answer, read."""
    return _rendered_answer(_answer(report))


def headline(report: Report) -> str:
    """One line about a report: why it was not graded, or the root causes, or all pass."""
    notices = [n for n in report.notices if n.code in HEADLINE_NOTICES]
    if report.run.status == "invalid_notebook" and report.notices:
        return report.notices[0].message
    if notices:
        return notices[0].message
    stale = f"; stale state: {len(report.stale)} item(s)" if report.stale else ""
    failing = [f for f in report.functions if f.status != "pass"]
    if not failing:
        return "all functions pass" + stale
    roots: list[str] = []
    for f in failing:
        for name in f.blame or (f.name,):
            if name not in roots:
                roots.append(name)
    more = " …" if len(roots) > 4 else ""
    return "root cause: " + ", ".join(roots[:4]) + more + stale


def report_names(submissions: Sequence[str | Path]) -> list[str]:
    """A distinct report name per submission: its stem, with its folder (then a number) added
    when two submissions share a file name, so no report overwrites another."""
    names: list[str] = []
    for submission in submissions:
        path = Path(submission)
        name = path.stem
        if name in names and path.parent.name:
            name = f"{path.parent.name}-{path.stem}"
        base, k = name, 2
        while name in names:
            name, k = f"{base}-{k}", k + 1
        names.append(name)
    return names


def _write_outcome(out: Path, outcome: Outcome) -> None:
    _write_atomic(out / f"{outcome.name}.json", json.dumps(outcome.report, indent=2))
    _write_atomic(out / f"{outcome.name}.txt", outcome.text)


def _write_summary(
    out: Path, subs, names, outcomes: dict[int, Outcome], unfinished: str, graded: tuple[str, ...]
) -> None:
    """summary.csv with a row per submission, a column per graded function (`graded`, the
    names of the case data's assignment); those without an outcome get `unfinished`."""
    buffer = io.StringIO()
    columns = [*FIRST_COLUMNS, *graded, "status"]
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    for i, (sub, name) in enumerate(zip(subs, names)):
        done = outcomes.get(i)
        if done is None:
            writer.writerow({"submission": sub, "status": unfinished})
            continue
        row = {
            "submission": sub,
            "report": f"{name}.json",
            "score": done.score,
            "max_score": done.max_score,
            "run": done.run,
            "status": done.status,
        }
        functions = done.report.get("functions", {})
        row.update({fn: functions[fn]["score"] for fn in graded if fn in functions})
        writer.writerow(row)
    _write_atomic(out / "summary.csv", buffer.getvalue())


def _write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("x", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
