"""The sandbox a submission's kernel runs in: what the kernel can see, reach and keep.

Each test runs code in a real contained kernel (grader.execution.fresh_kernel, as the engine
does) and reads what it printed. These tests need bubblewrap and user namespaces; where the
sandbox cannot start they fail with the reason (the fallback has its own test), so a machine
without the sandbox is reported, never silently skipped.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import nbformat
import pytest

from grader import sandbox
from grader.execution import RECORD_MIME, Limits, fresh_kernel

ROOT = Path(__file__).resolve().parents[1]
MARKER = "rnn-grader-sandbox-test-daemon"


@pytest.fixture(scope="module")
def available():
    reason = sandbox.availability()
    assert reason is None, f"the sandbox cannot start on this machine: {reason}"


def run(code: str, limits: Limits | None = None, support=()) -> str:
    """Run `code` as the only cell of a notebook in a fresh contained kernel; its output."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(code))
    with fresh_kernel(nb, "probe.ipynb", limits or Limits(cell_seconds=30), support) as session:
        result = session.run_notebook(nb)
    cell = result.cells[0]
    return f"{cell.status} {cell.ename} {cell.evalue}\n{cell.text}"


def test_kernel_sees_only_its_scratch_and_python(available, built):
    """The checkout, the build (case data, solution notebook), /root, /work and the host's /tmp
    are not visible; the scratch folder holds only the notebook."""
    paths = [
        str(built["cases"]),
        str(built["solution"]),
        str(ROOT / "grader"),
        str(ROOT / "solutions"),
        str(ROOT / "dist"),
        "/root/.bashrc",
    ]
    code = (
        "import os, json\n"
        f"paths = {paths!r}\n"
        f"top = {str(ROOT)!r}\n"
        "print(json.dumps({'seen': [p for p in paths if os.path.exists(p)],\n"
        "                  'top': sorted(os.listdir(top)) if os.path.isdir(top) else [],\n"
        "                  'cwd': os.getcwd(), 'here': sorted(os.listdir('.')),\n"
        "                  'tmp': sorted(os.listdir('/tmp'))}))\n"
    )
    text = run(code)
    seen = json.loads(text.splitlines()[1])
    assert seen["seen"] == []
    assert set(seen["top"]) <= {".venv"}  # only the Python installation, read-only
    assert seen["cwd"] == sandbox.SCRATCH
    assert [n for n in seen["here"] if not n.startswith(".")] == ["probe.ipynb"]
    python_under_tmp = {  # a Python installed under /tmp (a CI checkout) is bound read-only
        Path(p).relative_to("/tmp").parts[0]
        for p in sandbox._python_paths()
        if p.startswith("/tmp/")
    }
    # nothing else: only its own channel's path
    assert all(n.startswith("rnn-grader-") or n in python_under_tmp for n in seen["tmp"])


def test_python_installation_is_read_only(available):
    """Site-packages (where a .pth backdoor would go) cannot be written."""
    code = (
        "import numpy, os\n"
        "target = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), 'evil.pth')\n"
        "try:\n"
        "    open(target, 'w').write('import os')\n"
        "    print('WROTE', target)\n"
        "except OSError as exc:\n"
        "    print('refused', exc.errno)\n"
    )
    text = run(code)
    assert "refused" in text and "WROTE" not in text


def test_no_process_outside_is_visible_or_reachable(available):
    """The kernel's parent is the sandbox's init: the grader's process is not in its view, and
    killing everything it can see leaves the grader standing."""
    code = (
        "import os, signal\n"
        "pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
        "print('pids', pids, 'ppid', os.getppid())\n"
        f"me = {os.getpid()}\n"
        "print('grader visible', me in pids and os.path.exists(f'/proc/{me}/cwd'))\n"
        "for pid in pids:\n"
        "    try: os.kill(pid, signal.SIGSTOP)\n"
        "    except OSError: pass\n"
    )
    text = run(code, Limits(cell_seconds=10))
    assert "grader visible False" in text or "pids" not in text
    assert os.getpid() > 0  # this process is alive and answering


def test_no_network_not_even_loopback_of_the_host(available):
    """A port listening on the host's 127.0.0.1 cannot be reached from the kernel."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    code = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
        "    print('CONNECTED')\n"
        "except OSError as exc:\n"
        "    print('no route', type(exc).__name__)\n"
    )
    try:
        text = run(code)
    finally:
        server.close()
    assert "no route" in text and "CONNECTED" not in text


def test_resource_limits_hold(available):
    """Address space, file size and process count are capped inside the kernel."""
    code = (
        "import os, resource\n"
        "try:\n"
        "    block = bytearray(8 * 1024**3)\n"
        "    print('ALLOCATED')\n"
        "except MemoryError:\n"
        "    print('memory capped')\n"
        "try:\n"
        "    with open('big.bin', 'wb') as fh:\n"
        "        fh.seek(1024**3); fh.write(b'x')\n"
        "    print('WROTE BIG FILE')\n"
        "except OSError as exc:\n"
        "    print('file capped', exc.errno)\n"
        "print('nproc', resource.getrlimit(resource.RLIMIT_NPROC)[0])\n"
    )
    limits = Limits(cell_seconds=30, containment=sandbox.Containment(file_size=64 * 1024**2))
    text = run(code, limits)
    assert "memory capped" in text and "ALLOCATED" not in text
    assert "WROTE BIG FILE" not in text
    assert f"nproc {sandbox.DEFAULT_PROCESSES}" in text


def _marked_processes() -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if MARKER.encode() in cmdline:
            found.append(int(pid))
    return found


def test_daemons_die_with_the_submission(available):
    """A double-forked, setsid daemon does not outlive its kernel."""
    code = (
        "import subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time\\nwhile True: time.sleep(1)', "
        f"'{MARKER}'], start_new_session=True)\n"
        "print('started')\n"
    )
    text = run(code)
    assert "started" in text
    deadline = time.monotonic() + sandbox.KILL_WAIT_SECONDS
    while _marked_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _marked_processes() == []


def test_a_cell_past_its_limit_is_killed_not_interrupted(available):
    """A cell that ignores SIGINT and loops is stopped at its limit by killing the kernel."""
    code = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"
    start = time.monotonic()
    text = run(code, Limits(cell_seconds=3))
    elapsed = time.monotonic() - start
    assert text.startswith("timeout")
    assert elapsed < 3 + sandbox.KILL_WAIT_SECONDS + 15  # start-up, the limit, the kill


def test_forged_records_are_not_taken(available):
    """A hook that sends an extra record after each cell makes the call fail instead of
    replacing the probe's record."""
    from grader import isolation

    nb = nbformat.v4.new_notebook()
    hook = (
        "from IPython.display import publish_display_data\n"
        "def f(x):\n"
        "    return x\n"
        "def forge(*a, **k):\n"
        f'    publish_display_data({{{RECORD_MIME!r}: \'{{"function": "f", "ok": true}}\'}})\n'
        "get_ipython().events.register('post_run_cell', forge)\n"
    )
    nb.cells.append(nbformat.v4.new_code_cell(hook))
    with fresh_kernel(nb, "probe.ipynb", Limits(cell_seconds=30)) as session:
        session.run_notebook(nb)
        record = isolation.KernelRunner(session)({"function": "f", "args": [1]})
    assert record["ok"] is False
    assert record["error"]["type"] == "RecordForged"


def test_kernel_files_hold_no_expected_values(available, cases, tmp_path):
    """The case data a grading kernel is given has inputs and no expected outputs."""
    from grader.bundle import write_student_files

    support = write_student_files(cases, tmp_path)
    import grader

    loaded = grader.load_cases(support[0] / "data" / "public_cases.json")
    assert loaded.inputs_only
    for name, items in loaded.cases.items():
        for case in items:
            assert case.expected == {} and case.calls == {} and case.intermediates == {}
            for param, _ in (case.producer or {}).get("feeds", []):
                assert case.args[param] is None, name


def _zombie_children() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] == "Z" and int(fields[1]) == os.getpid():
                found.append(int(entry))
    return found


def test_a_finished_kernel_leaves_no_thread_socket_or_zombie(available):
    """When a kernel ends, its client's channels (the heartbeat thread), its ZeroMQ context
    (threads and sockets) and its process are all released: a worker grading hundreds of
    submissions one after another keeps the same threads and files open after each."""
    import threading

    run("print('warm-up')")  # the first kernel of a process loads what later ones reuse
    threads = {t.ident for t in threading.enumerate()}
    tasks, files = len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))
    for _ in range(2):
        assert run("print('ok')").startswith("ok")
    assert [t.name for t in threading.enumerate() if t.ident not in threads] == []
    assert len(os.listdir("/proc/self/task")) <= tasks
    assert len(os.listdir("/proc/self/fd")) <= files
    assert _zombie_children() == []
