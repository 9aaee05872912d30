"""Grading on a Dask distributed cluster (`grade --scheduler tcp://HOST:PORT`).

The tasks are the local pool's: `grader.grade.grade_job` on one submission's bytes, rendered
by the same function, sent back as the same JSON answer; so a result is byte for byte the one
the local pool makes. The case data is not a task argument: a worker plugin carries it, and
the scheduler hands the plugin once to every worker that joins (a worker that replaces a dead
one included). Each task carries only the submission's bytes and its limits.

A task whose worker dies is run again elsewhere by the scheduler (up to its
`distributed.scheduler.allowed-failures`), then recorded as "worker-died". Each task keeps the
engine's own budget (`submission_seconds`, which kills the kernel); Ctrl-C cancels what has not
started, and running tasks end within that budget. Workers should run one task at a time
(`--nthreads 1`): each task runs a kernel of its own.
"""

from __future__ import annotations

import json
import traceback
import uuid
from collections.abc import Callable

from distributed.diagnostics.plugin import WorkerPlugin

from grader.batch import (
    UNREADABLE,
    WORKER_DIED,
    Outcome,
    _answer,
    _grader_error,
    _not_graded,
    _rendered,
    _rendered_answer,
)
from grader.casedata import CaseData
from grader.errors import GraderError
from grader.execution import Limits, keep_kernels_warm, stop_warm_kernels
from grader.sources import cases_digest

PLUGIN = "rnn-grader-cases"
CONNECT_SECONDS = 60
_CASES: dict[str, CaseData] = {}  # in a worker: the case data its plugin brought, by digest
UNREACHABLE = (
    "the Dask scheduler at {address} cannot be reached ({error}); start one (`dask scheduler`) "
    "or leave out --scheduler to grade on this machine"
)
NO_CASES = "this Dask worker has no case data {digest}; its plugin did not run"


class ClusterUnavailable(GraderError, ConnectionError):
    """The Dask scheduler cannot be reached."""

    def __init__(self, address: str, error: str):
        self.address = address
        super().__init__(UNREACHABLE.format(address=address, error=error))


class CaseDataPlugin(WorkerPlugin):
    """A Dask worker plugin that installs the case data in each worker once, when it joins
    (defined here, so workers unpickle it by reference to this module)."""

    name = PLUGIN

    def __init__(self, cases: CaseData, digest: str):
        self.cases, self.digest = cases, digest

    def setup(self, worker) -> None:
        _CASES[self.digest] = self.cases
        keep_kernels_warm()

    def teardown(self, worker) -> None:
        _CASES.pop(self.digest, None)
        if not _CASES:
            stop_warm_kernels()


def grade_remote(job, digest: str, limits: Limits) -> str:
    """The task: grade one job with this worker's case data; the worker's JSON answer."""
    from grader.grade import grade_job

    try:
        cases = _CASES.get(digest)
        if cases is None:
            raise RuntimeError(NO_CASES.format(digest=digest[:12]))
        return json.dumps({"ok": True, **_answer(grade_job(job, cases, limits))})
    except Exception as exc:  # the same record the local pool makes of a failing grader
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()[:300]
        return json.dumps({"ok": False, "error": error})


def outcome_of(job, answer_text: str | None, error: BaseException | None, cases=None) -> Outcome:
    """The outcome of a finished task (its answer) or of a failed one (its exception)."""
    label = str(job)
    if error is not None:
        if type(error).__name__ == "KilledWorker":
            how = "the Dask worker running it died, each time the scheduler retried it"
            message = WORKER_DIED.format(first=how, second=str(error)[:200])
            report = _not_graded(label, "kernel_died", "worker-died", message, cases)
            return Outcome(label, job.key, "worker-died", **_rendered(report))
        detail = f"{type(error).__name__}: {str(error)[:200]}"
        return _failed(job, detail, cases)
    try:
        answer = json.loads(answer_text or "")
    except ValueError:
        answer = {"ok": False, "error": UNREADABLE.format(error="it is not JSON")}
    if not isinstance(answer, dict) or not answer.get("ok"):
        error_text = str(answer.get("error")) if isinstance(answer, dict) else "not an object"
        return _failed(job, error_text, cases)
    rendered = _rendered_answer(answer)
    if rendered is None:
        error_text = UNREADABLE.format(error="it lacks the report, its text or its headline")
        return _failed(job, error_text, cases)
    return Outcome(label, job.key, "graded", **rendered)


def _failed(job, error: str, cases=None) -> Outcome:
    label = str(job)
    report = _grader_error(label, error, cases)
    return Outcome(label, job.key, "grader-error", **_rendered(report))


def grade_on_cluster(
    address: str,
    jobs: list,
    cases: CaseData,
    limits: Limits,
    on_result: Callable[[Outcome, str], None],
) -> bool:
    """Send every job to the cluster at `address`, calling `on_result(outcome, key)` as each
    finishes; True when interrupted (Ctrl-C)."""
    from distributed import Client, as_completed

    digest = cases_digest(cases)
    run = uuid.uuid4().hex[:8]
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterUnavailable(address, f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    with client:
        client.register_plugin(CaseDataPlugin(cases, digest), name=f"{PLUGIN}-{digest[:12]}")
        futures = {}
        for job in jobs:
            future = client.submit(
                grade_remote, job, digest, limits, key=f"grade-{job.key}-{run}", pure=False
            )
            futures[future.key] = (future, job)
        try:
            for future in as_completed([f for f, _ in futures.values()], loop=client.loop):
                _, job = futures[future.key]
                if future.status == "finished":
                    outcome = outcome_of(job, future.result(), None, cases)
                else:
                    outcome = outcome_of(job, None, future.exception(), cases)
                on_result(outcome, job.key)
                future.release()
        except KeyboardInterrupt:
            client.cancel([f for f, _ in futures.values()])
            return True
    return False
