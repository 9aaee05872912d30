"""What every assignment's case data is made of, computed from its reference: one case's
expected outputs, recorded callee calls, reference intermediates, memory sharing and the
fingerprints of its cataloged mistakes. Each assignment draws its own inputs (solutions/cases.py,
solutions/deep_nn/casedata.py) and hands them to `make_case` with its `Source`.

Instructor-only; nothing here is typed by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from grader import probe
from grader.compare import mismatches
from grader.memory import overlapping
from grader.spec import Assignment, Function

SCHEMA = 1


@dataclass(frozen=True)
class Source:
    """An assignment's reference side.

    declared: its declaration (grader.assignments).
    namespace: the globals a notebook offers: np, the provided helpers, every reference function.
    mistakes: its catalog (records with id, function, summary, hint, intermediates, source).
    build: turns a mistake into the function it defines, given a namespace.
    """

    declared: Assignment
    namespace: dict
    mistakes: tuple
    build: Callable

    def reference(self, name: str) -> Callable:
        return self.namespace[name]

    def call(self, name: str, args, seed: int | None = None, namespace: dict | None = None):
        """The reference `name` on a copy of `args`, from the global seed `seed`."""
        if seed is not None:
            np.random.seed(seed)
        return (namespace or self.namespace)[name](*probe.snapshot(list(args)))


def as_outputs(fn: Function, result) -> list:
    """A returned value as the list of its outputs, in `fn.outputs` order."""
    if fn.keyed:
        raise ValueError(f"{fn.name} returns keys by pattern; record it whole")
    if fn.returns == "value":
        return [result]
    if fn.returns == "dict":
        return [result[k] for k in fn.outputs]
    return list(result)


def named_outputs(fn: Function, result) -> dict:
    """{output name: value} of a returned value (a keyed dict as it is)."""
    if fn.keyed:
        return dict(result)
    return dict(zip(fn.outputs, as_outputs(fn, result)))


def stub_plan(callee: Function) -> dict:
    """How a replay stub of `callee` rebuilds its outputs; results are filled in per case."""
    cache = None
    if callee.cache_layout:
        cache = {
            "output": callee.cache,
            "layout": [list(e) if isinstance(e, tuple) else e for e in callee.cache_layout],
            "passthrough": list(callee.passthrough),
        }
    return {
        "params": list(callee.params),
        "outputs": list(callee.outputs),
        "returns": callee.returns,
        "cache": cache,
        "results": [],
    }


def _record_callee_calls(source: Source, fn: Function, args, seed):
    """Run the reference with recording wrappers around its callees."""
    calls: dict[str, dict] = {}
    namespace = dict(source.namespace)

    def recorder(callee_name: str):
        real = source.namespace[callee_name]
        callee = fn.related(callee_name)

        def wrapper(*a):
            calls[callee_name]["args"].append(dict(zip(callee.params, probe.snapshot(list(a)))))
            out = real(*a)
            calls[callee_name]["results"].append(probe.snapshot(as_outputs(callee, out)))
            return out

        return wrapper

    for callee in fn.calls:
        calls[callee] = {**stub_plan(fn.related(callee)), "args": []}
        namespace[callee] = recorder(callee)
    function = _rebound(source.namespace[fn.name], namespace)
    if seed is not None:
        np.random.seed(seed)
    result = function(*probe.snapshot(list(args)))
    return result, calls


def _rebound(function: Callable, namespace: dict) -> Callable:
    """`function` with its globals replaced by `namespace` (its callees become the recorders)."""
    import types

    scope = dict(function.__globals__)
    scope.update(namespace)
    return types.FunctionType(
        function.__code__, scope, function.__name__, function.__defaults__, function.__closure__
    )


def request(fn: Function, args, calls, capture: bool, seed) -> dict:
    stubs = {c: {k: v for k, v in plan.items() if k != "args"} for c, plan in calls.items()}
    return {
        "function": fn.name,
        "args": args,
        "stubs": stubs,
        "capture": capture,
        "seed": seed,
    }


def _differs(a, b) -> bool:
    """Whether `a` differs from `b` by the grader's own comparison (so a fingerprint records
    exactly what the grader will see as wrong)."""
    return bool(mismatches(a, b))


def _output_diffs(fn: Function, record: dict, expected: dict):
    if not record["ok"]:
        return None
    got = record["outputs"]
    try:
        got = named_outputs(fn, got)
    except Exception:  # a mistake that returns another structure: keep it whole
        return {"__structure__": got}
    if fn.keyed and any(k not in got for k in expected):
        return {"__structure__": record["outputs"]}
    return {
        name: got.get(name) for name, value in expected.items() if _differs(got.get(name), value)
    }


def _call_diffs(record: dict, calls: dict) -> dict:
    diffs = {}
    for callee, plan in calls.items():
        got = record["stub_calls"].get(callee, [])
        steps = {}
        for k in range(max(len(got), len(plan["args"]))):
            if k >= len(got) or k >= len(plan["args"]):
                steps[str(k)] = got[k] if k < len(got) else None
                continue
            bad = {p: v for p, v in got[k].items() if _differs(v, plan["args"][k][p])}
            if bad:
                steps[str(k)] = bad
        if steps:
            diffs[callee] = steps
    return diffs


def _fingerprints(source: Source, fn: Function, args, calls, expected, seed) -> list[dict]:
    prints = []
    for mistake in source.mistakes:
        if mistake.function != fn.name:
            continue
        wrong = source.build(mistake, source.namespace)
        namespace = dict(wrong.__globals__)
        namespace[fn.name] = wrong
        record = probe.run(namespace, request(fn, args, calls, False, seed))
        entry = {"mistake": mistake.id}
        if not record["ok"]:
            entry["error"] = record["error"]["type"]
        else:
            entry["outputs"] = _output_diffs(fn, record, expected)
            entry["calls"] = _call_diffs(record, calls)
            if not entry["outputs"] and not entry["calls"]:
                continue
        prints.append(entry)
    return prints


def make_case(
    source: Source,
    name: str,
    case_id: str,
    case_set: str,
    args,
    forward_args=None,
    *,
    edge: bool = False,
    seed: int | None = None,
) -> dict:
    """One case of `name`: everything the diagnosis needs, computed by the reference.

    forward_args: for a function fed by another one's outputs (`Function.fed`), that function's
    inputs: the fed arguments are its reference outputs, and the case records it as the
    producer the function runs after when graded as written. None: the arguments are as given.
    seed: the global NumPy seed every call of the case starts from.
    """
    fn = source.declared.function(name)
    args = list(args)
    producer = None
    if fn.fed and forward_args is not None:
        made_by = fn.related(fn.producer)
        made = source.call(made_by.name, forward_args, seed)
        feeds = []
        for fed_param, (_, fed_output) in fn.fed.items():
            param = fn.params.index(fed_param)
            output = None if fed_output is None else made_by.output_index(fed_output)
            args[param] = probe.snapshot(made if output is None else made[output])
            feeds.append([param, output])
        producer = {"function": made_by.name, "args": list(forward_args), "feeds": feeds}
    result, calls = _record_callee_calls(source, fn, args, seed)
    expected = probe.snapshot(named_outputs(fn, result))
    shared = overlapping(probe.memory_layout(result))

    intermediates = {}
    if fn.intermediates:
        record = probe.run(source.namespace, request(fn, args, {}, True, seed))
        local = record["locals"][0]
        for item in fn.intermediates:
            intermediates[item.name] = local[item.name]

    case = {
        "id": case_id,
        "set": case_set,
        "function": name,
        "args": args,
        "expected": expected,
        "calls": calls,
        "producer": producer,
        "intermediates": intermediates,
        "fingerprints": _fingerprints(source, fn, args, calls, expected, seed),
        "shared": shared,
        "edge": edge,
    }
    if seed is not None:
        case["seed"] = seed
    return case


def catalog(source: Source) -> dict:
    """The mistakes as the case data lists them (what the report may say of each)."""
    return {
        m.id: {
            "function": m.function,
            "summary": m.summary,
            "hint": m.hint,
            "intermediates": list(m.intermediates),
        }
        for m in source.mistakes
    }


def case_set(source: Source, set_name: str, cases: dict, settings=None, *, points) -> dict:
    """A whole case file: `cases` ({function: [case, ...]}) with the catalog and the points."""
    return {
        "schema": SCHEMA,
        "assignment": source.declared.name,
        "set": set_name,
        "settings": dict(settings or {}),
        "points": points,
        "mistakes": catalog(source),
        "cases": cases,
    }


def write_sets(out_dir, build_set: Callable, settings: dict | None, points: dict) -> dict:
    """Write public_cases.json and hidden_cases.json into `out_dir` from an assignment's
    `build_set(case_set, settings, points=...)`; return their paths by set."""
    import json

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case_set in ("public", "hidden"):
        path = out_dir / f"{case_set}_cases.json"
        data = build_set(case_set, settings, points=points)
        path.write_text(json.dumps(probe.encode(data)), encoding="utf-8")
        paths[case_set] = path
    return paths
