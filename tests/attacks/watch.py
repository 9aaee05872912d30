"""What the tests observe from the grader's side: processes left behind, files changed, hidden
values shown to the student."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

DIGITS_PER_OUTPUT = 6  # hidden values checked per output array
SMALLEST = 0.05  # values this close to 0 print as too few digits to tell anything
LARGEST = 0.95  # saturated gates and states (0.999998...) could match by chance


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def marked_processes(marker: str) -> list[int]:
    """Live processes whose command line carries `marker`."""
    found = []
    for pid in _pids():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if marker.encode() in cmdline and _alive(pid):
            found.append(pid)
    return found


def processes_of_uid(uid: int) -> list[int]:
    """Live processes whose real user id is `uid`."""
    found = []
    for pid in _pids():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        line = next((x for x in status.splitlines() if x.startswith("Uid:")), "")
        if line.split()[1:2] == [str(uid)] and _alive(pid):
            found.append(pid)
    return found


def wait_until_gone(find, seconds: float) -> list[int]:
    """Poll `find()` until it returns nothing or `seconds` passed; its last answer."""
    deadline = time.monotonic() + seconds
    left = find()
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = find()
    return left


class FileGuard:
    """Remembers files' bytes; says which changed, and puts the originals back (so a defence
    that fails leaves the machine as it was, and the test fails instead)."""

    def __init__(self, paths: Iterable[Path]):
        self.saved: dict[Path, bytes | None] = {}
        for path in paths:
            path = Path(path)
            self.saved[path] = path.read_bytes() if path.is_file() else None

    def changed(self) -> list[str]:
        out = []
        for path, data in self.saved.items():
            now = path.read_bytes() if path.is_file() and not path.is_symlink() else None
            if path.is_symlink() or not _same(now, data):
                out.append(str(path))
        return out

    def restore(self) -> None:
        for path, data in self.saved.items():
            if path.is_symlink() or (path.exists() and not path.is_file()):
                path.unlink()
            if data is None:
                if path.is_file():
                    path.unlink()
            elif not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)


def _same(a: bytes | None, b: bytes | None) -> bool:
    if a is None or b is None:
        return a is b
    return hashlib.sha256(a).digest() == hashlib.sha256(b).digest()


def remove_marker(paths: Iterable[Path], marker: str) -> list[str]:
    """Take every line holding `marker` (and the line after a `# marker` comment) out of the
    files in `paths`, and delete files named after it; returns what had it."""
    hit = []
    for path in paths:
        path = Path(path)
        if marker in path.name and path.exists():
            path.unlink()
            hit.append(str(path))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if marker not in text:
            continue
        lines, kept, skip = text.splitlines(keepends=True), [], False
        for line in lines:
            if marker in line:
                skip = line.lstrip().startswith("#")
                continue
            if skip and "RNN_GRADER_BACKDOOR" in line:
                skip = False
                continue
            skip = False
            kept.append(line)
        path.write_text("".join(kept).rstrip("\n") + "\n" if kept else "", encoding="utf-8")
        hit.append(str(path))
    return hit


def hidden_digits(cases) -> set[str]:
    """Printed digits of hidden expected values: a few per output of every hidden case, as
    `0.123457` (six decimals, the sign left off). A report that shows one has leaked it."""
    digits = set()
    for items in cases.cases.values():
        for case in items:
            if case.set != "hidden":
                continue
            for value in case.expected.values():
                if not (isinstance(value, np.ndarray) and value.dtype.kind == "f"):
                    continue  # caches: their arrays are outputs above or the case's inputs
                picked = [x for x in value.ravel() if SMALLEST < abs(x) < LARGEST]
                digits.update(f"{abs(float(x)):.6f}" for x in picked[:DIGITS_PER_OUTPUT])
    return digits


def leaked_digits(text: str, digits: set[str]) -> list[str]:
    return sorted(d for d in digits if d in text)
