"""What every attack's code is made of: filling grader-side values into cell text, function
definitions, the scope rule (`SCOPE`, `NOT_AS_ROOT`) and the case-data codec (`CODEC`).

Values from the grader's side that a real attacker would guess or find (the checkout's path,
the build folder, where reports go, the test's own process id) are written into the text with
`fill`, so an attack aims at the real targets. Everything an attack starts is bounded in time
and count by itself, so a defence that fails costs a failing test, not the machine: a daemon
ends after DAEMON_SECONDS, a fork bomb after a few generations.

Root inside the kernel means no sandbox is around it (the sandbox runs kernels as a user of
their own; stock otter runs them as whoever runs otter): then an attack keeps to its own
folders (`_WIDE` is false), and the ones that only make sense machine-wide refuse and print
REFUSED, which the tests report as a failure.
"""

from __future__ import annotations

from grader.assignments import rnn_lstm as spec

DAEMON_SECONDS = 90  # how long a planted daemon keeps working if nothing kills it
SEARCH_SECONDS = 3.0  # how long a file-system search may take inside one cell
REFUSED = "REFUSED-AS-ROOT"

SCOPE = (
    "import os as _scope_os\n"
    "_WIDE = _scope_os.getuid() != 0  # root: no sandbox around us, keep to our own folders\n"
)

# Attacks that only make sense machine-wide would take the machine down as root with no
# sandbox; they refuse (the kernel then runs as root outside a sandbox: a failure in itself).
NOT_AS_ROOT = (
    "import os\n"
    "if os.getuid() == 0:\n"
    f"    print({REFUSED!r}, 'this kernel runs as root outside a sandbox')\n"
    "    raise SystemExit('refused')\n"
)


def fill(template: str, **values) -> str:
    """`template` with each `__NAME__` replaced by the Python literal of values[NAME]."""
    for name, value in values.items():
        template = template.replace(f"__{name.upper()}__", repr(value))
    return template


def function_source(name: str, body: str) -> str:
    """A definition of assignment function `name` with `body` (indented by four spaces)."""
    params = ", ".join(spec.function(name).params)
    lines = "\n".join("    " + line if line else line for line in body.strip("\n").splitlines())
    return f"def {name}({params}):\n{lines}\n"


def every_function(body: str) -> dict[str, str]:
    """The same wrong body for all eight functions."""
    return {fn.name: function_source(fn.name, body) for fn in spec.FUNCTIONS}


# The case-data codec of grader.probe, rewritten by the attacker (no grader import needed).
CODEC = '''\
import base64 as _b64, glob as _glob, json as _json, os as _os, time as _time
import numpy as _np

def _dec(o):
    if isinstance(o, list):
        return [_dec(v) for v in o]
    if not isinstance(o, dict):
        return o
    if "__nd__" in o:
        dtype, shape, data = o["__nd__"]
        return _np.frombuffer(_b64.b64decode(data), dtype=dtype).reshape(shape).copy()
    if "__np__" in o:
        dtype, data = o["__np__"]
        return _np.frombuffer(_b64.b64decode(data), dtype=dtype)[0]
    if "__float__" in o:
        return float(o["__float__"])
    if "__tuple__" in o:
        return tuple(_dec(v) for v in o["__tuple__"])
    if "__dict__" in o:
        return {k: _dec(v) for k, v in o["__dict__"]}
    return o

def _enc(v):
    if isinstance(v, _np.ndarray):
        data = _b64.b64encode(_np.ascontiguousarray(v).tobytes()).decode()
        return {"__nd__": [v.dtype.str, list(v.shape), data]}
    if isinstance(v, _np.generic):
        return {"__np__": [v.dtype.str, _b64.b64encode(v.tobytes()).decode()]}
    if isinstance(v, float):
        return {"__float__": repr(v)}
    if isinstance(v, tuple):
        return {"__tuple__": [_enc(x) for x in v]}
    if isinstance(v, list):
        return [_enc(x) for x in v]
    if isinstance(v, dict):
        return {"__dict__": [[k, _enc(x)] for k, x in v.items()]}
    return v

def _read(path, limit=64 * 1024**2):
    """A regular file's text, or None (never a FIFO, a device or something huge)."""
    import stat
    try:
        info = _os.stat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None
'''
