"""Calling each student function on the case inputs, as written and in isolation.

as written:   the student's function with the student's own callees, and (for a backward pass)
              the caches made by the student's own forward pass.
in isolation: the callees replaced by replay stubs of the recorded reference calls, and the
              reference caches as input; so the verdict is about this function's code alone.

The calls run through a `Runner` (request -> record): in the student's kernel for the engine,
in-process for student-side checks. Records are plain data from `grader.probe`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grader import probe, spec
from grader.casedata import Case, CaseData
from grader.execution import RECORD_MIME, KernelSession

Runner = Callable[[dict], dict]
PROBE_VAR = "__rnn_grader_probe__"


@dataclass(frozen=True)
class Evidence:
    """The records of one case: the isolated call and, where it differs, the as-written one."""

    case: Case
    isolated: dict
    as_written: dict


def isolated_request(case: Case) -> dict:
    fn = case.declared
    stubs = {
        callee: {k: v for k, v in plan.items() if k != "args"}
        for callee, plan in case.calls.items()
    }
    capture = bool(fn.intermediates) or fn.captures_locals
    return {
        "function": fn.name,
        "args": case.args,
        "stubs": stubs,
        "capture": capture,
        "seed": case.seed,
    }


def as_written_request(case: Case) -> dict | None:
    """None when running as written is the same call as in isolation."""
    fn = case.declared
    if not fn.calls and not fn.fed:
        return None
    return {
        "function": fn.name,
        "args": case.args,
        "producer": case.producer,
        "capture": False,
        "seed": case.seed,
    }


def collect(
    cases: CaseData, runner: Runner, names: tuple[str, ...] | None = None
) -> dict[str, list[Evidence]]:
    """Run every case of every function in `names` (all the assignment's by default); never
    raises for student failures.

    A runner with a `many` method gets the requests one level of the dependency order at a
    time (functions whose dependencies are all in earlier levels), so expected values of a
    function (in its dependents' stubs and caches) still enter the kernel only after that
    function has been probed."""
    names = cases.assignment.names if names is None else names
    if getattr(runner, "many", None) is not None:
        return _collect_by_level(cases, runner, names)
    evidence: dict[str, list[Evidence]] = {}
    for name in names:
        items = []
        for case in cases.for_function(name):
            isolated = runner(isolated_request(case))
            written_request = as_written_request(case)
            written = runner(written_request) if written_request else isolated
            items.append(Evidence(case, isolated, written))
        evidence[name] = items
    return evidence


def levels(names: tuple[str, ...], declared: spec.Assignment) -> list[list[str]]:
    """`names` grouped so that every function comes after everything it depends on."""
    level: dict[str, int] = {}

    def depth(name: str) -> int:
        if name not in level:
            deps = [d for d in declared.dependencies(name) if d in names and d != name]
            level[name] = 1 + max((depth(d) for d in deps), default=-1)
        return level[name]

    for name in names:
        depth(name)
    return [[n for n in names if level[n] == k] for k in range(max(level.values(), default=-1) + 1)]


def _collect_by_level(cases: CaseData, runner, names) -> dict[str, list[Evidence]]:
    evidence: dict[str, list[Evidence]] = {name: [] for name in names}
    for group in levels(names, cases.assignment):
        planned, requests = [], []
        for name in group:
            for case in cases.for_function(name):
                written = as_written_request(case)
                planned.append((name, case, len(requests), written is not None))
                requests.append(isolated_request(case))
                if written is not None:
                    requests.append(written)
        records = runner.many(requests)
        for name, case, at, has_written in planned:
            isolated = records[at]
            written = records[at + 1] if has_written else isolated
            evidence[name].append(Evidence(case, isolated, written))
    return evidence


def in_process_runner(namespace: dict) -> Runner:
    """Runs requests against `namespace` directly (student-side checks, the case builder)."""

    def run(request: dict) -> dict:
        return probe.run(namespace, request)

    return run


def failed_record(name: str, kind: str, message: str) -> dict:
    """A record for a call that could not be made or read back."""
    return {
        "function": name,
        "ok": False,
        "missing": None,
        "error": {"type": kind, "message": message, "frames": []},
        "stub_calls": {},
        "locals": [],
        "args_after": None,
    }


class KernelRunner:
    """Runs requests in the student's kernel and reads the records back as data.

    The record comes back as one display message on the kernel's own channel (bounded in size
    by the channel), is parsed as JSON and decoded into plain values only; a request that sends
    back no record, or more than one, gets a failed record instead.
    """

    def __init__(self, session: KernelSession):
        self.session = session
        source = Path(probe.__file__).read_text(encoding="utf-8")
        # installed afresh with every request, so nothing a student function did to the probe
        # during one call carries over to the next
        self.install = (
            f"{PROBE_VAR} = {{'__name__': 'rnn_grader_probe'}}\n"
            f"exec(compile({source!r}, {probe.PROBE_FILENAME!r}, 'exec'), {PROBE_VAR})\n"
        )
        # for a batch: the probe compiled once, each request run in a fresh namespace from it
        self.driver = (
            f"{PROBE_VAR} = {{'__name__': 'rnn_grader_probe'}}\n"
            f"{PROBE_VAR}['__code__'] = compile({source!r}, {probe.PROBE_FILENAME!r}, 'exec')\n"
            f"exec({PROBE_VAR}['__code__'], {PROBE_VAR})\n"
        )

    def many(self, requests: list[dict]) -> list[dict | None]:
        """Run `requests` in one round trip to the kernel, each in a fresh probe namespace,
        and read each record back as `__call__` does. A request whose record did not come
        because the kernel died or stopped first gets None (the caller runs it again on its
        own); one that timed out gets a Timeout record."""
        payloads = json.dumps([probe.encode(r) for r in requests])
        code = (
            self.driver
            + f"{PROBE_VAR}['run_many_json'](globals(), {payloads!r}, "
            + f"get_ipython().display_pub.publish, {RECORD_MIME!r}, {PROBE_VAR}['__code__'])"
        )
        run, texts, timed_out = self.session.execute_batch(code, len(requests))
        found: dict[int, list] = {}
        for text in texts:
            try:
                tagged = json.loads(text)
                found.setdefault(int(tagged["request"]), []).append(tagged["record"])
            except Exception:  # a forged or broken message: counted for no request
                continue
        stopped = run.status != "ok" and not self.session.alive
        records: list[dict | None] = []
        for index, request in enumerate(requests):
            name = request["function"]
            got = found.get(index, [])
            if not got and stopped:
                first = all(i in found for i in range(index))
                if timed_out and first:
                    seconds = self.session.limits.probe_seconds
                    late = f"did not return within {seconds:g} s"
                    records.append(failed_record(name, "Timeout", late))
                else:
                    records.append(None)
                continue
            records.append(self._read(name, run, got))
        return records

    def _read(self, name: str, run, got: list) -> dict:
        """The record of one request of a batch from the encoded records sent for it."""
        if len(got) != 1:
            what = "no result" if not got else "more than one result"
            return failed_record(
                name,
                "RecordMissing" if not got else "RecordForged",
                f"the call sent back {what}; code in the notebook interfered with the grader's "
                "probe",
            )
        try:
            record = probe.decode(got[0])
        except Exception as exc:  # any malformed record is the kernel's doing, never ours
            return failed_record(
                name,
                "RecordUnreadable",
                f"the result the call sent back is not plain data ({str(exc)[:160]})",
            )
        if not well_formed(record, name):
            return failed_record(
                name, "RecordUnreadable", "the result the call sent back was not a record"
            )
        return record

    def __call__(self, request: dict) -> dict:
        name = request["function"]
        payload = json.dumps(probe.encode(request))
        code = (
            self.install
            + f"{PROBE_VAR}['run_json'](globals(), {payload!r}, "
            + f"get_ipython().display_pub.publish, {RECORD_MIME!r})"
        )
        run, records = self.session.execute(code)
        if run.status == "timeout":
            if self.session.out_of_time:
                return failed_record(name, "Timeout", run.evalue)
            seconds = self.session.limits.probe_seconds
            return failed_record(name, "Timeout", f"did not return within {seconds:g} s")
        if run.status in ("died", "skipped"):
            return failed_record(name, "KernelDied", "the kernel stopped while running it")
        if len(records) != 1:
            detail = f"{run.ename}: {run.evalue[:160]}" if run.status == "error" else ""
            what = "no result" if not records else "more than one result"
            return failed_record(
                name,
                "RecordMissing" if not records else "RecordForged",
                f"the call sent back {what}"
                + (f" ({detail})" if detail else "")
                + "; code in the notebook interfered with the grader's probe",
            )
        try:
            record = probe.decode(json.loads(records[0]))
        except Exception as exc:  # any malformed record is the kernel's doing, never ours
            return failed_record(
                name,
                "RecordUnreadable",
                f"the result the call sent back is not plain data ({str(exc)[:160]})",
            )
        if not well_formed(record, name):
            return failed_record(
                name, "RecordUnreadable", "the result the call sent back was not a record"
            )
        return record


def _is_error(e) -> bool:
    return (
        isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and isinstance(e.get("message"), str)
        and isinstance(e.get("frames"), list)
        and all(
            isinstance(f, list)
            and len(f) == 3
            and isinstance(f[0], str)
            and isinstance(f[1], int)
            and isinstance(f[2], str)
            for f in e["frames"]
        )
    )


def well_formed(record, name: str) -> bool:
    """Whether a record read back from the kernel has the types the diagnosis relies on."""
    if not isinstance(record, dict) or record.get("function") != name:
        return False
    if not isinstance(record.get("ok"), bool) or not isinstance(record.get("missing"), str | None):
        return False
    for key in ("error", "producer_error"):
        if key in record and not _is_error(record[key]):
            return False
    calls = record.get("stub_calls", {})
    if not isinstance(calls, dict) or not all(
        isinstance(v, list) and all(isinstance(c, dict) for c in v) for v in calls.values()
    ):
        return False
    frames = record.get("locals", [])
    if not isinstance(frames, list) or not all(isinstance(f, dict) for f in frames):
        return False
    if not isinstance(record.get("args_after"), list | None):
        return False
    layout = record.get("layout", [])
    return isinstance(layout, list) and all(_is_layout_entry(e) for e in layout)


def _is_layout_entry(e) -> bool:
    if not (isinstance(e, list) and len(e) == 5 and isinstance(e[0], str)):
        return False
    _, address, shape, strides, itemsize = e
    return (
        isinstance(address, int)
        and isinstance(itemsize, int)
        and isinstance(shape, list)
        and isinstance(strides, list)
        and all(isinstance(n, int) for n in [*shape, *strides])
    )
