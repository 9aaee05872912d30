"""The test cluster (tests/dask_cluster.py) dies with the process that started it, even when
that process is SIGKILLed and its `finally` never runs: no scheduler, nanny or worker is left
behind for the rest of the suite (or the machine) to trip over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dask_cluster import STOP_SECONDS

ROOT = Path(__file__).resolve().parents[1]
OWNER = """
import os, sys, time
sys.path[:0] = [{tests!r}, {root!r}]
from dask_cluster import local_cluster
with local_cluster(1) as cluster:
    print(" ".join(map(str, [p.pid for p in cluster.nannies] + cluster.worker_processes())))
    sys.stdout.flush()
    time.sleep(3600)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_owner_takes_its_cluster_with_it():
    code = OWNER.format(tests=str(ROOT / "tests"), root=str(ROOT))
    owner = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        line = owner.stdout.readline()  # bounded: local_cluster gives up after START_SECONDS
        pids = [int(p) for p in line.split()]
        assert len(pids) == 2, line  # the nanny and its worker
        scheduler = [
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit()
            and Path(entry, "stat").exists()
            and _parent(int(entry.name)) == owner.pid
        ]
        pids += scheduler
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(STOP_SECONDS)
        deadline = time.monotonic() + STOP_SECONDS
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in pids if _alive(p)], pids
    finally:
        if owner.poll() is None:
            owner.kill()


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1
