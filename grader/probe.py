"""The only grader code that runs next to student code.

The engine sends this module's source into the student's kernel and asks it to call one student
function on given inputs; student-side checks and the case builder import it and do the same
in-process. It computes and records, it never judges: every verdict is made from its records by
`grader.diagnosis`, outside the student's kernel.

Self-contained on purpose (standard library and numpy only), so that its text can be executed in
a fresh namespace without importing anything the student's kernel could have replaced.

A request (plain Python values, see `run`):
    function   name of the function to call, looked up in the namespace
    args       positional arguments
    stubs      {callee: StubPlan}: replace callees with replays of recorded reference calls
    producer   {"function", "args", "feeds": [[param, output], ...]}: first call another
               function and pass the `output`-th item of its result (None: the whole result)
               as argument `param`
    seed       np.random.seed(seed) before each call (the producer's and the function's), so
               that every call of a case starts from the same global generator state
    capture    record the local arrays of the function's frames on return
"""

from __future__ import annotations

import base64
import json
import sys
import traceback

import numpy as np

MAX_ARRAY_ELEMENTS = 2_000_000
MAX_DEPTH = 16
MAX_FRAMES = 64
MAX_REPR = 200
MAX_STRING = 100_000
STUB_TAG = "__rnn_grader_stub__"
PROBE_FILENAME = "<grader-probe>"
_THIS_FILE = globals().get("__file__", PROBE_FILENAME)


# --------------------------------------------------------------------------------------------
# codec: nested values <-> JSON, arrays as raw bytes (exact)
# --------------------------------------------------------------------------------------------
def encode(value, depth=0):
    """A JSON-ready form of `value` that `decode` turns back into equal values of the same types."""
    if depth > MAX_DEPTH:
        return {"__obj__": "nested too deep", "repr": ""}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)[:MAX_STRING]
    if isinstance(value, Opaque):
        return {"__obj__": value.type_name, "repr": value.text}
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2**53 else {"__obj__": "int", "repr": str(value)[:MAX_REPR]}
    if isinstance(value, np.generic):
        if value.dtype.hasobject or value.dtype.fields is not None:
            return {"__obj__": type(value).__name__, "repr": _short_repr(value)}
        return {"__np__": [value.dtype.str, base64.b64encode(value.tobytes()).decode()]}
    if isinstance(value, float):
        return {"__float__": float.__repr__(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject or value.dtype.fields is not None:
            return {"__obj__": f"ndarray[{value.dtype}]", "repr": _short_repr(value)}
        if value.size > MAX_ARRAY_ELEMENTS:
            return {"__obj__": "ndarray too large", "repr": f"shape {tuple(value.shape)}"}
        data = np.ascontiguousarray(value).tobytes()
        return {"__nd__": [value.dtype.str, list(value.shape), base64.b64encode(data).decode()]}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v, depth + 1) for v in value]}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[_key(k), encode(v, depth + 1)] for k, v in value.items()]}
    return {"__obj__": type(value).__name__, "repr": _short_repr(value)}


def decode(obj):
    """Inverse of `encode`; builds only arrays, numbers, strings, tuples, lists and dicts."""
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__nd__" in obj:
        dtype, shape, data = obj["__nd__"]
        dtype = _plain_dtype(dtype)
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
        ):
            raise ValueError("an encoded array has a malformed shape")
        size = 1
        for n in shape:
            size *= n
        if size > MAX_ARRAY_ELEMENTS or len(data) > (size * dtype.itemsize * 4) // 3 + 4:
            raise ValueError(f"an encoded array declares shape {shape[:8]}, over the limit")
        return np.frombuffer(base64.b64decode(data), dtype=dtype).reshape(shape).copy()
    if "__np__" in obj:
        dtype, data = obj["__np__"]
        dtype = _plain_dtype(dtype)
        return np.frombuffer(base64.b64decode(data[:64]), dtype=dtype)[0]
    if "__float__" in obj:
        return float(obj["__float__"])
    if "__tuple__" in obj:
        return tuple(decode(v) for v in obj["__tuple__"])
    if "__dict__" in obj:
        return {k: decode(v) for k, v in obj["__dict__"]}
    if "__obj__" in obj:
        return Opaque(obj["__obj__"], obj.get("repr", ""))
    raise ValueError(f"unknown encoded value with keys {sorted(obj)[:5]}")


def _plain_dtype(text):
    """A numeric dtype from its string, or ValueError (no objects, records or huge voids)."""
    dtype = np.dtype(str(text)[:16])
    if dtype.kind not in "biufc?" or dtype.itemsize > 32:
        raise ValueError(f"an encoded array has the dtype {dtype}, which is not a number")
    return dtype


class Opaque:
    """A value that could not cross as data: its type name and a short repr."""

    def __init__(self, type_name, text):
        self.type_name = type_name
        self.text = text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"

    def __eq__(self, other):
        return isinstance(other, Opaque) and (self.type_name, self.text) == (
            other.type_name,
            other.text,
        )


def _key(k):
    return k if isinstance(k, str) else repr(k)[:MAX_REPR]


def _short_repr(value):
    try:
        text = repr(value)
    except Exception as exc:  # a student's __repr__ may raise; we only want a label
        text = f"<repr failed: {type(exc).__name__}>"
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def snapshot(value, depth=0):
    """A deep copy of arrays and containers, taken now, so later writes cannot change it."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, np.ndarray):
        if value.size > MAX_ARRAY_ELEMENTS:  # judged by its declared size, never copied
            return Opaque("ndarray too large", f"shape {tuple(value.shape)}")
        return value.copy()
    if isinstance(value, tuple):
        return tuple(snapshot(v, depth + 1) for v in value)
    if isinstance(value, list):
        return [snapshot(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: snapshot(v, depth + 1) for k, v in value.items()}
    return value


def _holds_array(value, depth=0):
    if isinstance(value, (np.ndarray, np.generic)):
        return True
    if depth < 2 and isinstance(value, (tuple, list)):
        return any(_holds_array(v, depth + 1) for v in value[:32])
    if depth < 2 and isinstance(value, dict):
        return any(_holds_array(v, depth + 1) for v in list(value.values())[:32])
    return False


def memory_layout(value, path="", out=None, depth=0):
    """[(path, address, shape, strides, itemsize)] for every array inside `value`."""
    out = [] if out is None else out
    if depth > MAX_DEPTH:
        return out
    if isinstance(value, np.ndarray) and value.size:
        address = value.__array_interface__["data"][0]
        out.append([path, address, list(value.shape), list(value.strides), value.itemsize])
    elif isinstance(value, (tuple, list)):
        for i, v in enumerate(value):
            memory_layout(v, f"{path}[{i}]", out, depth + 1)
    elif isinstance(value, dict):
        for k, v in value.items():
            memory_layout(v, f"{path}[{_key(k)!r}]", out, depth + 1)
    return out


# --------------------------------------------------------------------------------------------
# replay stubs
# --------------------------------------------------------------------------------------------
class Stub:
    """Stands in for a callee: returns the recorded reference output of its k-th call.

    plan: {"params": [...], "outputs": [...], "returns": "tuple"|"dict"|"value",
           "cache": {"output": name, "layout": [...], "passthrough": [...]} or None,
           "results": [recorded output of call 0, call 1, ...]}
    Cache entries named in `passthrough` are the argument objects received, and entries named
    like an output are that very output object, as a real implementation would return them; a
    nested layout (a list inside the layout) rebuilds a nested tuple the same way.
    """

    def __init__(self, name, plan):
        self.name = name
        self.plan = plan
        self.calls = []
        setattr(self, STUB_TAG, True)

    def __call__(self, *args, **kwargs):
        params = self.plan["params"]
        if len(args) > len(params) or any(k not in params for k in kwargs):
            raise TypeError(f"{self.name}() takes the arguments ({', '.join(params)})")
        bound = dict(zip(params, args))
        bound.update(kwargs)
        missing = [p for p in params if p not in bound]
        if missing:
            raise TypeError(f"{self.name}() missing argument(s): {', '.join(missing)}")
        self.calls.append({p: snapshot(bound[p]) for p in params})
        k = len(self.calls) - 1
        results = self.plan["results"]
        if k >= len(results):
            raise RuntimeError(
                f"the grader's stand-in for {self.name} was called {k + 1} times; "
                f"the reference calls it {len(results)} times for this input"
            )
        return self._build(results[k], bound)

    def _build(self, recorded, bound):
        names = self.plan["outputs"]
        outs = {n: snapshot(v) for n, v in zip(names, recorded)}
        cache = self.plan.get("cache")  # protocol key
        if cache:
            outs[cache["output"]] = self._rebuild(outs[cache["output"]], cache, bound, outs)
        if self.plan["returns"] == "dict":
            return outs
        if self.plan["returns"] == "value":
            return outs[names[0]]
        return tuple(outs[n] for n in names)

    def _rebuild(self, recorded, cache, bound, outs):
        entries = list(recorded)
        for i, entry in enumerate(cache["layout"][: len(entries)]):
            if isinstance(entry, (list, tuple)):
                entries[i] = self._rebuild(entries[i], dict(cache, layout=entry), bound, outs)
            elif entry in cache["passthrough"] and entry in bound:
                entries[i] = bound[entry]
            elif entry in outs and entry != cache["output"]:
                entries[i] = outs[entry]
        return tuple(entries)


# --------------------------------------------------------------------------------------------
# one call
# --------------------------------------------------------------------------------------------
def _error_record(exc):
    frames = []
    for fs in traceback.extract_tb(exc.__traceback__):
        if fs.filename in (_THIS_FILE, PROBE_FILENAME):
            continue
        frames.append([fs.name, fs.lineno, (fs.line or "")[:MAX_REPR]])
    return {"type": type(exc).__name__, "message": _short_repr(str(exc)), "frames": frames[-6:]}


def _capture(code, sink):
    def hook(frame, event, arg):
        if event == "return" and frame.f_code is code and len(sink) < MAX_FRAMES:
            sink.append({k: snapshot(v) for k, v in frame.f_locals.items() if _holds_array(v)})

    return hook


def _seed(seed):
    if seed is not None:
        np.random.seed(int(seed))


def run(namespace, request):
    """Carry out one request against the functions in `namespace`; return plain records."""
    name = request["function"]
    record = {"function": name, "ok": False, "missing": None}
    fn = namespace.get(name)
    if not callable(fn):
        record["missing"] = name
        return record
    args = list(snapshot(request["args"]))

    seed = request.get("seed")
    producer = request.get("producer")
    if producer:
        source = namespace.get(producer["function"])
        if not callable(source):
            record["missing"] = producer["function"]
            return record
        try:
            _seed(seed)
            produced = source(*snapshot(producer["args"]))
            for param, output in producer["feeds"]:
                args[param] = produced if output is None else produced[output]
        except Exception as exc:
            record["producer_error"] = _error_record(exc)
            return record

    originals = {}
    globs = getattr(fn, "__globals__", None)
    stubs = {}
    for callee, plan in (request.get("stubs") or {}).items():
        stubs[callee] = Stub(callee, plan)
        if globs is not None:
            originals[callee] = globs.get(callee, STUB_TAG)
            globs[callee] = stubs[callee]

    frames = []
    code = getattr(fn, "__code__", None)
    previous = sys.getprofile()
    before = snapshot(args)
    try:
        _seed(seed)
        if request.get("capture") and code is not None:
            sys.setprofile(_capture(code, frames))
        try:
            result = fn(*args)
        finally:
            sys.setprofile(previous)
        record["ok"] = True
        record["outputs"] = snapshot(result)
        record["layout"] = memory_layout(result)
    except (Exception, SystemExit) as exc:
        record["error"] = _error_record(exc)
    finally:
        for callee, original in originals.items():
            if original is STUB_TAG:
                globs.pop(callee, None)
            else:
                globs[callee] = original
    record["stub_calls"] = {callee: stub.calls for callee, stub in stubs.items()}
    record["locals"] = frames
    record["args_after"] = snapshot(args)
    record["args_before"] = before
    return record


def run_json(namespace, request_text, publish, mime):
    """Kernel entry point: decode a request, run it, and send the encoded record to the grader
    as one display message of type `mime` (over the kernel's channel, not through a file)."""
    request = decode(json.loads(request_text))
    record = run(namespace, request)
    record.pop("args_before", None)
    publish({mime: json.dumps(encode(record))})


def run_many_json(namespace, requests_text, publish, mime, code):
    """Kernel entry point for a batch: each request (a JSON list of encoded requests) runs in a
    fresh namespace made from the probe's compiled `code`, so nothing one call did to the probe
    carries over to the next; each record is sent as its own display message, tagged with the
    request's position, as soon as it is made."""
    for index, text in enumerate(json.loads(requests_text)):
        try:
            fresh = {"__name__": "rnn_grader_probe"}
            exec(code, fresh)
            record = fresh["run"](namespace, fresh["decode"](text))
            record.pop("args_before", None)
            tagged = {"request": index, "record": fresh["encode"](record)}
            publish({mime: json.dumps(tagged)})
        except BaseException:  # e.g. KeyboardInterrupt raised by the student's code
            continue  # no record for this request (the grader says so); the next one runs
