"""Kernels started ahead of need (grader.execution.WarmKernels), as a grading worker uses them:
each submission gets the kernel launched while the one before was graded, holding its own
notebook and nothing of the last, under a user of its own, and no waiting kernel outlives the
process that launched it.

Real sandboxed kernels throughout (the fallback's parent-death test runs without the sandbox).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from grader import execution, sandbox
from grader.execution import Limits, fresh_kernel

ROOT = Path(__file__).resolve().parents[1]
LIMITS = Limits(cell_seconds=30)
LISTING = (
    "import json, os; print(json.dumps({'files': sorted(os.listdir('.')), 'uid': os.getuid()}))"
)


@pytest.fixture(scope="module")
def available():
    reason = sandbox.availability()
    assert reason is None, f"the sandbox cannot start on this machine: {reason}"


@pytest.fixture
def warm():
    execution.keep_kernels_warm()
    try:
        yield execution._WARM
    finally:
        execution.stop_warm_kernels()


def _notebook(*sources: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def _listing(name: str, *before: str) -> tuple[dict, object]:
    """Run a notebook named `name` (cells `before`, then the listing) in the next kernel; what
    the listing printed and the kernel manager it ran in."""
    nb = _notebook(*before, LISTING)
    with fresh_kernel(nb, name, LIMITS) as session:
        run = session.run_notebook(nb)
        km = session.km
    last = run.cells[-1]
    assert last.status == "ok", last
    return json.loads(last.text), km


def _processes_of(uid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    found.append(int(entry))
            except OSError:
                continue
    return found


def test_each_submission_gets_the_warm_kernel_with_only_its_own_files(available, warm):
    first, first_km = _listing("first.ipynb", "open('left-behind.txt', 'w').write('x')")
    spare = warm.spare
    assert spare is not None, "no kernel was launched ahead of the next submission"
    second, second_km = _listing("second.ipynb")
    assert second_km is spare.km, "the second submission did not get the warm kernel"
    assert "first.ipynb" in first["files"] and "left-behind.txt" in first["files"]
    assert "second.ipynb" in second["files"]
    leaked = {"first.ipynb", "left-behind.txt", sandbox.READY} & set(second["files"])
    assert not leaked, f"the second kernel sees {sorted(leaked)}"
    if os.geteuid() == 0:
        assert first["uid"] != second["uid"], "two kernels in a row shared one user"
        assert {first["uid"], second["uid"]} <= {sandbox.kernel_uid(s) for s in range(3)}


@pytest.mark.skipif(os.geteuid() != 0, reason="kernel users of their own exist only as root")
def test_ending_a_kernel_kills_its_user_and_spares_the_warm_one(available, warm):
    """A kernel that dies mid-run is ended as every kernel is, with every process of its user
    killed (kill(-1) as that user, outside the sandbox's namespaces): the warm kernel, under
    another user, lives on and takes the next submission."""
    nb = _notebook("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    with fresh_kernel(nb, "killer.ipynb", LIMITS) as session:
        run = session.run_notebook(nb)
        uid = session.km.uid
    assert run.status == "kernel_died", run
    assert _processes_of(uid) == [], f"processes of the ended kernel's user {uid} remain"
    spare = warm.spare
    assert spare is not None and spare.alive(), "the warm kernel died with the ended one"
    assert spare.km.uid != uid
    listing, km = _listing("next.ipynb")
    assert km is spare.km
    assert [f for f in listing["files"] if f != ".ipython"] == ["next.ipynb"]


def test_stopping_leaves_no_kernel_behind(available):
    execution.keep_kernels_warm()
    _listing("only.ipynb")
    spare = execution._WARM.spare
    pid = spare.km.kernel_pid()
    top = spare.top
    execution.stop_warm_kernels()
    assert not sandbox.alive(pid), "the warm kernel outlived stop_warm_kernels"
    assert not top.exists(), f"the warm kernel's folder {top} is still there"
    if os.geteuid() == 0:
        left = {s: _processes_of(sandbox.kernel_uid(s)) for s in range(3)}
        assert not any(left.values()), f"processes of the kernel users remain: {left}"


ORPHAN = textwrap.dedent(
    """
    import json, os, sys
    sys.path.insert(0, {root!r})
    import nbformat
    from grader import execution, sandbox
    limits = execution.Limits(containment=sandbox.Containment(mode=sandbox.Mode({mode!r})))
    execution.keep_kernels_warm()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("1"))
    with execution.fresh_kernel(nb, "one.ipynb", limits) as session:
        session.run_notebook(nb)
        spare = execution._WARM.spare
        pids = [session.km.kernel_pid()] + ([spare.km.kernel_pid()] if spare else [])
        print(json.dumps(pids), flush=True)
        os._exit(0)  # no atexit, no clean-up: as a killed worker ends
    """
)


@pytest.mark.parametrize("mode", ["auto", "off"])
def test_no_kernel_outlives_the_process_that_launched_it(available, mode):
    """A worker killed outright (no atexit, no clean-up) while grading leaves neither its
    kernel nor the warm one running: a sandbox dies with its parent (bubblewrap), and the
    fallback's launcher asked for its kernel to be killed when its parent dies. The fallback
    launches no kernel ahead of need."""
    script = ORPHAN.format(root=str(ROOT), mode=mode)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    pids = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(pids) == (2 if mode == "auto" else 1), pids
    deadline = time.monotonic() + sandbox.KILL_WAIT_SECONDS
    while time.monotonic() < deadline and any(sandbox.alive(p) for p in pids):
        time.sleep(0.05)
    assert not any(sandbox.alive(p) for p in pids), f"still running: {pids}"


def test_a_grading_worker_never_loads_otter():
    """The Gradescope conversion (otter's classes, tens of MiB) is made where the answers are
    read: a worker's modules and its answer for a report import nothing of otter."""
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import json
        import grader.batch, grader.cluster, grader.grade
        from grader.batch import _answer, _grader_error
        answer = _answer(_grader_error("x.ipynb", "test"))
        json.dumps(answer)
        print(sorted(m for m in sys.modules if m.split(".")[0] == "otter"))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


CLAIM = textwrap.dedent(
    """
    import json, os, sys, time
    sys.path.insert(0, {root!r})
    from grader import sandbox
    pretend = {pretend!r}
    if pretend is not None:  # as if this process had the pid of one that died
        real = os.getpid
        os.getpid = lambda: pretend
        uid = sandbox.kernel_uid(0)
        os.getpid = real
    else:
        uid = sandbox.kernel_uid(0)
    leftover = None
    if {leave!r}:  # a process of the kernel user, left behind when this one dies
        leftover = os.fork()
        if leftover == 0:
            os.setsid()
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.execv("/bin/sleep", ["sleep", "120"])
    print(json.dumps({{"pid": os.getpid(), "uid": uid, "leftover": leftover}}), flush=True)
    if {hold!r}:
        sys.stdin.readline()
    os._exit(0)
    """
)


def _claim(pretend=None, leave=False, hold=False):
    script = CLAIM.format(root=str(ROOT), pretend=pretend, leave=leave, hold=hold)
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    return process, json.loads(process.stdout.readline())


@pytest.mark.skipif(os.geteuid() != 0, reason="kernel users of their own exist only as root")
def test_live_grading_processes_never_share_kernel_users_and_leftovers_are_ended():
    """Two live processes get different kernel users even when their pids map to the same
    group; a group freed by a process that died is claimed with whatever it left running as
    its users killed first."""
    holder, held = _claim(hold=True)
    try:
        clash, clashed = _claim(pretend=held["pid"])
        clash.wait(60)
        assert clashed["uid"] != held["uid"], "a live process's kernel users were handed out again"
    finally:
        holder.stdin.close()
        holder.wait(60)
    dead, died = _claim(leave=True)
    dead.wait(60)
    assert sandbox.alive(died["leftover"]), "the test could not leave a process behind"
    heir, inherited = _claim(pretend=died["pid"])
    heir.wait(60)
    assert inherited["uid"] == died["uid"]
    deadline = time.monotonic() + sandbox.KILL_WAIT_SECONDS
    while time.monotonic() < deadline and sandbox.alive(died["leftover"]):
        time.sleep(0.05)
    assert not sandbox.alive(died["leftover"]), "a dead process's leftover still runs"


@pytest.mark.skipif(os.geteuid() != 0, reason="kernel users of their own exist only as root")
def test_the_sweep_ends_what_a_dead_process_left_and_spares_a_live_one():
    """After a grading run, the groups no live process holds are swept: a process left running
    as a dead process's kernel user is ended, and a live holder's kernel user is untouched
    (it still answers)."""
    holder, held = _claim(leave=True, hold=True)
    try:
        dead, died = _claim(leave=True)
        dead.wait(60)
        assert sandbox.alive(died["leftover"]), "the test could not leave a process behind"
        assert sandbox.sweep_released_groups() >= 1
        deadline = time.monotonic() + sandbox.KILL_WAIT_SECONDS
        while time.monotonic() < deadline and sandbox.alive(died["leftover"]):
            time.sleep(0.05)
        assert not sandbox.alive(died["leftover"]), "a dead process's leftover still runs"
        assert sandbox.alive(held["leftover"]), "the sweep ended a live holder's process"
    finally:
        holder.stdin.close()
        holder.wait(60)
        os.kill(held["leftover"], signal.SIGKILL)
