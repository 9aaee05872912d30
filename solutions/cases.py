"""Writes the case data: inputs, reference outputs, recorded callee calls, reference
intermediates and the fingerprints of known mistakes, for the public and the hidden sets.

Instructor-only. Everything the grader compares against comes from here, computed by
`solutions.reference`; nothing is typed by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from grader import probe
from grader.assignments import rnn_lstm as spec
from grader.compare import mismatches
from grader.memory import overlapping
from solutions import reference
from solutions.mistakes import MISTAKES, build

SCHEMA = 1
HIDDEN_SEED = 20261130
HIDDEN_CASES_PER_FUNCTION = 4
MIN_EXAMPLES = 2
EDGE_CASE = HIDDEN_CASES_PER_FUNCTION - 1
"""The last hidden case has edge sizes: one hidden unit (n_a = 1) and one time step (T_x = 1),
where a hard-coded size, a squeeze or a loop bound that assumes more than one step breaks."""


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------
def _rnn_parameters(draw, n_a, n_x, n_y, order=("Waa", "Wax")):
    shapes = {"Waa": (n_a, n_a), "Wax": (n_a, n_x)}
    params = {name: draw(*shapes[name]) for name in order}
    params["Wya"] = draw(n_y, n_a)
    params["ba"] = draw(n_a, 1)
    params["by"] = draw(n_y, 1)
    return {k: params[k] for k in spec.RNN_PARAMETERS}


def _lstm_parameters(draw, n_a, n_x, n_y, zero_output=False):
    params = {}
    for gate in ("f", "i", "o", "c"):
        params[f"W{gate}"] = draw(n_a, n_a + n_x)
        params[f"b{gate}"] = draw(n_a, 1)
    if zero_output:
        params["Wy"], params["by"] = np.zeros((n_y, n_a)), np.zeros((n_y, 1))
    else:
        params["Wy"], params["by"] = draw(n_y, n_a), draw(n_y, 1)
    return {k: params[k] for k in spec.LSTM_PARAMETERS}


def draw_inputs(name, draw, n_x, n_a, n_y, m, T_x, T_da):
    """The raw draws of one case, in the classic order; returns (args, forward_args)."""
    if name == "rnn_cell_forward":
        xt, a_prev = draw(n_x, m), draw(n_a, m)
        return [xt, a_prev, _rnn_parameters(draw, n_a, n_x, n_y)], None
    if name == "rnn_forward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        return [x, a0, _rnn_parameters(draw, n_a, n_x, n_y)], None
    if name == "lstm_cell_forward":
        xt, a_prev, c_prev = draw(n_x, m), draw(n_a, m), draw(n_a, m)
        return [xt, a_prev, c_prev, _lstm_parameters(draw, n_a, n_x, n_y)], None
    if name == "lstm_forward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        return [x, a0, _lstm_parameters(draw, n_a, n_x, n_y)], None
    if name == "rnn_cell_backward":
        xt, a_prev = draw(n_x, m), draw(n_a, m)
        fwd = [xt, a_prev, _rnn_parameters(draw, n_a, n_x, n_y, order=("Wax", "Waa"))]
        return [draw(n_a, m), None], fwd
    if name == "rnn_backward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        fwd = [x, a0, _rnn_parameters(draw, n_a, n_x, n_y, order=("Wax", "Waa"))]
        return [draw(n_a, m, T_da), None], fwd
    if name == "lstm_cell_backward":
        fwd, _ = draw_inputs("lstm_cell_forward", draw, n_x, n_a, n_y, m, T_x, T_da)
        return [draw(n_a, m), draw(n_a, m), None], fwd
    if name == "lstm_backward":
        x, a0 = draw(n_x, m, T_x), draw(n_a, m)
        fwd = [x, a0, _lstm_parameters(draw, n_a, n_x, n_y, zero_output=True)]
        return [draw(n_a, m, T_da), None], fwd
    raise KeyError(name)


def classic_inputs(name):
    """The fixed-seed public case instructors know: np.random.seed(1), then the classic draws."""
    np.random.seed(1)
    T_x = {"rnn_forward": 4, "rnn_backward": 4, "lstm_forward": 7, "lstm_backward": 7}.get(name, 1)
    T_da = 4
    return draw_inputs(name, np.random.randn, 3, 5, 2, 10, T_x, T_da)


def hidden_inputs(name, index):
    """Randomized cases with other shapes and lengths; the seed is fixed so grading repeats."""
    rng = np.random.default_rng([HIDDEN_SEED, spec.NAMES.index(name), index])
    classic = (3, 5, 2)
    while True:  # the first hidden case differs from the classic one in every size
        n_x, n_a, n_y = (int(v) for v in rng.integers([2, 3, 2], [7, 9, 5]))
        if index != 0 or all(v != c for v, c in zip((n_x, n_a, n_y), classic)):
            break
    # at least MIN_EXAMPLES examples everywhere: with one, a mean over the batch equals its
    # sum and an axis mistake passes unseen
    m = (MIN_EXAMPLES, int(rng.integers(2, 7)), int(rng.integers(7, 13)))[index % 3]
    T_x = int(rng.integers(3, 7))
    T_da = T_x if index != 1 else max(1, T_x - 1)
    if n_a == 5 and m == 10:
        m = 9
    if index == EDGE_CASE:
        n_a, T_x, T_da = 1, 1, 1
    return draw_inputs(name, lambda *shape: rng.standard_normal(shape), n_x, n_a, n_y, m, T_x, T_da)


# --------------------------------------------------------------------------------------------
# recording the reference
# --------------------------------------------------------------------------------------------
def _namespace():
    ns = {"np": np, "sigmoid": reference.sigmoid, "softmax": reference.softmax}
    ns.update({name: getattr(reference, name) for name in spec.NAMES})
    return ns


def stub_plan(callee_name):
    """How a replay stub of `callee_name` rebuilds its outputs; results are filled in per case."""
    callee = spec.function(callee_name)
    cache = None
    if callee.cache_layout:
        cache = {
            "output": "cache",
            "layout": list(callee.cache_layout),
            "passthrough": list(callee.passthrough),
        }
    return {
        "params": list(callee.params),
        "outputs": list(callee.outputs),
        "returns": callee.returns,
        "cache": cache,
        "results": [],
    }


def _as_outputs(fn_spec, result):
    if fn_spec.returns == "dict":
        return [result[k] for k in fn_spec.outputs]
    return list(result)


def _record_callee_calls(fn_spec, args):
    """Run the reference with recording wrappers around its callees."""
    calls = {}
    ns = reference.__dict__
    saved = {c: ns[c] for c in fn_spec.calls}

    def recorder(callee):
        real = saved[callee]
        callee_spec = spec.function(callee)

        def wrapper(*a):
            calls[callee]["args"].append(dict(zip(callee_spec.params, probe.snapshot(list(a)))))
            out = real(*a)
            calls[callee]["results"].append(probe.snapshot(_as_outputs(callee_spec, out)))
            return out

        return wrapper

    for callee in fn_spec.calls:
        calls[callee] = {**stub_plan(callee), "args": []}
        ns[callee] = recorder(callee)
    try:
        result = getattr(reference, fn_spec.name)(*probe.snapshot(args))
    finally:
        ns.update(saved)
    return result, calls


def _request(fn_spec, args, calls, capture):
    stubs = {c: {k: v for k, v in plan.items() if k != "args"} for c, plan in calls.items()}
    return {"function": fn_spec.name, "args": args, "stubs": stubs, "capture": capture}


def _output_diffs(fn_spec, record, expected):
    if not record["ok"]:
        return None
    got = record["outputs"]
    try:
        got = dict(zip(fn_spec.outputs, _as_outputs(fn_spec, got)))
    except Exception:  # a mistake that returns another structure: keep it whole
        return {"__structure__": got}
    diffs = {}
    for name, value in expected.items():
        if _structure_differs(got.get(name), value):
            diffs[name] = got.get(name)
    return diffs


def _structure_differs(a, b) -> bool:
    """Whether `a` differs from `b` by the grader's own comparison (so a fingerprint records
    exactly what the grader will see as wrong)."""
    return bool(mismatches(a, b))


def _call_diffs(record, calls):
    diffs = {}
    for callee, plan in calls.items():
        got = record["stub_calls"].get(callee, [])
        steps = {}
        for k in range(max(len(got), len(plan["args"]))):
            if k >= len(got) or k >= len(plan["args"]):
                steps[str(k)] = got[k] if k < len(got) else None
                continue
            bad = {p: v for p, v in got[k].items() if _structure_differs(v, plan["args"][k][p])}
            if bad:
                steps[str(k)] = bad
        if steps:
            diffs[callee] = steps
    return diffs


def _fingerprints(fn_spec, args, calls, expected):
    prints = []
    for mistake in MISTAKES:
        if mistake.function != fn_spec.name:
            continue
        fn = build(mistake, _namespace())
        ns = dict(fn.__globals__)
        ns[fn_spec.name] = fn
        record = probe.run(ns, _request(fn_spec, args, calls, capture=False))
        entry = {"mistake": mistake.id}
        if not record["ok"]:
            entry["error"] = record["error"]["type"]
        else:
            entry["outputs"] = _output_diffs(fn_spec, record, expected)
            entry["calls"] = _call_diffs(record, calls)
            if not entry["outputs"] and not entry["calls"]:
                continue
        prints.append(entry)
    return prints


def make_case(name, case_id, case_set, args, forward_args, *, edge=False):
    """One case of `name`: everything the diagnosis needs, computed by the reference."""
    fn_spec = spec.function(name)
    producer = None
    for fed_param, (fed_by, fed_output) in fn_spec.fed.items():  # one fed parameter here
        fwd_spec = spec.function(fed_by)
        fwd_out = getattr(reference, fwd_spec.name)(*probe.snapshot(forward_args))
        param = fn_spec.params.index(fed_param)
        args = list(args)
        args[param] = probe.snapshot(fwd_out[fwd_spec.output_index(fed_output)])
        producer = {
            "function": fwd_spec.name,
            "args": forward_args,
            "output": fwd_spec.output_index(fed_output),
            "param": param,
        }
    result, calls = _record_callee_calls(fn_spec, args)
    expected = dict(zip(fn_spec.outputs, probe.snapshot(_as_outputs(fn_spec, result))))
    shared = overlapping(probe.memory_layout(result))

    intermediates = {}
    if fn_spec.intermediates:
        record = probe.run(_namespace(), _request(fn_spec, args, {}, capture=True))
        local = record["locals"][0]
        for item in fn_spec.intermediates:
            intermediates[item.name] = local[item.name]

    return {
        "id": case_id,
        "set": case_set,
        "function": name,
        "args": args,
        "expected": expected,
        "calls": calls,
        "producer": producer,
        "intermediates": intermediates,
        "fingerprints": _fingerprints(fn_spec, args, calls, expected),
        "shared": shared,
        "edge": edge,
    }


def build_set(case_set, settings=None, *, points):
    cases = {}
    for name in spec.NAMES:
        if case_set == "public":
            args, fwd = classic_inputs(name)
            cases[name] = [make_case(name, "public-1", "public", args, fwd)]
        else:
            cases[name] = [
                make_case(
                    name, f"hidden-{i + 1}", "hidden", *hidden_inputs(name, i), edge=i == EDGE_CASE
                )
                for i in range(HIDDEN_CASES_PER_FUNCTION)
            ]
    mistakes = {
        m.id: {
            "function": m.function,
            "summary": m.summary,
            "hint": m.hint,
            "intermediates": list(m.intermediates),
        }
        for m in MISTAKES
    }
    return {
        "schema": SCHEMA,
        "assignment": spec.ASSIGNMENT.name,
        "set": case_set,
        "settings": dict(settings or {}),
        "points": points,
        "mistakes": mistakes,
        "cases": cases,
    }


def write(out_dir: Path, settings: dict | None = None, *, points: dict) -> dict[str, Path]:
    """Write public_cases.json and hidden_cases.json into `out_dir`; return their paths.

    settings: the plugin settings scoring reads (solutions.plugin_settings), stored in both.
    points: each question's points and their public/hidden split (solutions.points), in both.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case_set in ("public", "hidden"):
        path = out_dir / f"{case_set}_cases.json"
        data = build_set(case_set, settings, points=points)
        path.write_text(json.dumps(probe.encode(data)), encoding="utf-8")
        paths[case_set] = path
    return paths
