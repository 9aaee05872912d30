"""Attacks on the probe's records and on what a probed call hands back: forged records, swapped
modules, hostile return values and exceptions, and messages that carry what the call was given."""

from __future__ import annotations

from attacks.code import DAEMON_SECONDS, fill

FORGED_RECORD = '''\
import json, re
from IPython.display import publish_display_data
_MIME = __MIME__

def _claim(cell):
    """A record saying the function of the probe in `cell` ran fine and returned None."""
    match = re.search(r'function[^a-z_]+([a-z_]+)', cell or "")
    name = match.group(1) if match else "rnn_cell_forward"
    return {"__dict__": [["function", name], ["ok", True], ["missing", None],
                         ["outputs", None], ["stub_calls", {"__dict__": []}], ["locals", []],
                         ["args_after", None]]}
'''

POST_RUN_CELL_ADDS = (
    FORGED_RECORD
    + """\
def _after(result):
    publish_display_data({_MIME: json.dumps(_claim(result.info.raw_cell))})
get_ipython().events.register("post_run_cell", _after)
print("hook registered")
"""
)

POST_RUN_CELL_REPLACES = (
    FORGED_RECORD
    + """\
_pub = get_ipython().display_pub
_real_publish = _pub.publish
_held = []

def _swallow(data, *args, **kwargs):
    if isinstance(data, dict) and _MIME in data:
        _held.append(data[_MIME])  # the probe's own record is never sent
        return None
    return _real_publish(data, *args, **kwargs)
_pub.publish = _swallow

def _after(result):
    if _held:
        record = json.loads(_held.pop())
        pairs = dict((k, v) for k, v in record.get("__dict__", []))
        pairs.update({"ok": True, "error": None})
        pairs.pop("error")
        record = {"__dict__": [[k, v] for k, v in pairs.items()]}
        _real_publish({_MIME: json.dumps(record)})
get_ipython().events.register("post_run_cell", _after)
print("publisher replaced")
"""
)

THREAD_FORGES = (
    FORGED_RECORD
    + """\
import threading, time
def _spray():
    for _ in range(__SECONDS__ * 50):
        try:
            publish_display_data({_MIME: json.dumps(_claim(""))})
        except Exception:
            pass
        time.sleep(0.02)
threading.Thread(target=_spray, daemon=True).start()
print("spraying records")
"""
)


def post_run_cell_adds(mime: str) -> str:
    return fill(POST_RUN_CELL_ADDS, mime=mime)


def post_run_cell_replaces(mime: str) -> str:
    return fill(POST_RUN_CELL_REPLACES, mime=mime)


def thread_forges(mime: str) -> str:
    return fill(THREAD_FORGES, mime=mime, seconds=DAEMON_SECONDS)


MODULE_SWAP = """\
import sys, types, json as _json_real, base64 as _b64_real

_fake_json = types.ModuleType("json")
_fake_json.__dict__.update(_json_real.__dict__)
def _dumps(obj, *args, **kwargs):
    text = _json_real.dumps(obj, *args, **kwargs)
    return text.replace('"ok": false', '"ok": true')
_fake_json.dumps = _dumps
_fake_json.loads = _json_real.loads
sys.modules["json"] = _fake_json

_fake_b64 = types.ModuleType("base64")
_fake_b64.__dict__.update(_b64_real.__dict__)
sys.modules["base64"] = _fake_b64

_real_open = open
def open(file, *args, **kwargs):  # the notebook's own open, shadowing the builtin
    return _real_open(file, *args, **kwargs)
print("json and base64 replaced in sys.modules")
"""


HUGE_TUPLE_BODY = """\
import numpy as np
huge = np.broadcast_to(np.float64(0.5), (10**9,))
return (huge, huge, np.empty(10**9, dtype=np.uint8), "z" * 10**8)
"""

HUGE_DICT_BODY = """\
import numpy as np
huge = np.broadcast_to(np.float64(0.5), (10**9,))
return {"dx": huge, "dxt": huge, "da0": huge, "da_prev": np.empty(10**9, dtype=np.uint8),
        "text": "z" * 10**8}
"""

HOSTILE_OBJECTS = """\
class _Endless:
    def __repr__(self):
        while True:
            pass
    def __len__(self):
        raise RuntimeError("no length")
    def __iter__(self):
        while True:
            yield self
    def __eq__(self, other):
        while True:
            pass
    __hash__ = object.__hash__

class _Greedy:
    def __array__(self, *args, **kwargs):
        import numpy as np
        return np.ones(50 * 1024**3 // 8)
    def __getattr__(self, name):
        return self

def _deep():
    value = []
    for _ in range(100000):
        value = [value]
    return value
"""

HOSTILE_EXCEPTIONS = """\
class _Unprintable(Exception):
    def __str__(self):
        while True:
            pass
    def __repr__(self):
        raise RuntimeError("no repr")

class _Huge(Exception):
    pass
"""

EXFILTRATE = """\
def _leak(value):
    raise ValueError("leak " + repr(value))
"""
