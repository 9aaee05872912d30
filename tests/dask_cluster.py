"""A real Dask cluster on 127.0.0.1 for tests and benchmarks: a scheduler and N workers, each a
process of its own (started with the `dask` command beside this Python), torn down with every
process they started however the `with` block ends; if the test process itself is killed, the
scheduler and the nannies get SIGKILL from the kernel (PR_SET_PDEATHSIG) and the workers end
when they lose the scheduler (--death-timeout).

    with local_cluster(2) as cluster:
        cluster.address              tcp://127.0.0.1:PORT
        cluster.worker_processes()   the pids of the worker processes (children of the nannies)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DASK = Path(sys.executable).parent / "dask"
START_SECONDS = 90.0
STOP_SECONDS = 10.0


@dataclass
class Cluster:
    address: str
    nannies: list[subprocess.Popen] = field(default_factory=list)

    def worker_processes(self) -> list[int]:
        """The worker processes the nannies run (a nanny starts its worker as a child)."""
        found = []
        for nanny in self.nannies:
            with contextlib.suppress(OSError):
                for task in Path(f"/proc/{nanny.pid}/task").iterdir():
                    with contextlib.suppress(OSError):
                        found += [int(pid) for pid in (task / "children").read_text().split()]
        return [pid for pid in found if "resource_tracker" not in _cmdline(pid)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _die_with_parent() -> None:
    """In the child before exec: SIGKILL when the test process dies, however it dies (a test
    run killed by a timeout would otherwise leave the cluster running, in its own session)."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group, then SIGKILL it after STOP_SECONDS."""
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, STOP_SECONDS)):
        with contextlib.suppress(OSError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(OSError):  # anything left in the group
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def local_cluster(workers: int = 2, log_dir: Path | None = None) -> Iterator[Cluster]:
    """A scheduler and `workers` workers (one thread each, with nannies) on 127.0.0.1."""
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    env["DASK_DISTRIBUTED__WORKER__DAEMON"] = "False"
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="rnn-grader-dask-") as tmp:
        logs = Path(log_dir or tmp)
        scheduler_file = Path(tmp) / "scheduler.json"

        def start(args: list[str], name: str) -> subprocess.Popen:
            log = open(logs / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
            process = subprocess.Popen(
                [str(DASK), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=tmp,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
            log.close()
            processes.append(process)
            return process

        try:
            start(
                [
                    "scheduler",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--no-dashboard",
                    "--scheduler-file",
                    str(scheduler_file),
                ],
                "scheduler",
            )
            deadline = time.monotonic() + START_SECONDS
            while not scheduler_file.is_file():
                if time.monotonic() > deadline or processes[0].poll() is not None:
                    raise RuntimeError(f"the Dask scheduler did not start; see {logs}")
                time.sleep(0.1)
            address = json.loads(scheduler_file.read_text())["address"]
            cluster = Cluster(address)
            for k in range(workers):
                cluster.nannies.append(
                    start(
                        [
                            "worker",
                            address,
                            "--nthreads",
                            "1",
                            "--nworkers",
                            "1",
                            "--no-dashboard",
                            "--host",
                            "127.0.0.1",
                            "--name",
                            f"w{k}",
                            "--death-timeout",
                            "60",
                        ],
                        f"worker-{k}",
                    )
                )
            from distributed import Client

            with Client(address, timeout=START_SECONDS) as client:
                client.wait_for_workers(workers, timeout=START_SECONDS)
            yield cluster
        finally:
            for process in reversed(processes):
                _stop(process)
