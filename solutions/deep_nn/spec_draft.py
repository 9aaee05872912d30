"""A declaration draft of the deep network assignment, as plain data, in the shape of
grader/spec.py's `Function` records. Design input for making the engine general (issue 10); no
engine module reads it yet, and it imports nothing from `grader`.

What in grader/spec.py is particular to the RNN/LSTM assignment
-------------------------------------------------------------
- `time_axis` ({"a": 2, ...}): the loop index is an axis of an output array. Here the loop
  index is a *layer*, and it lives in dictionary keys ("dW2", "dA1") and list positions
  (caches[l - 1] is layer l), never in an array axis.
- `Function.is_cell` ("cell" in the name, no callees) decides whether locals are captured; here
  the leaf functions are `linear_forward`, `compute_cost`, ... A `kind` field, or "has
  intermediates", should replace the name test.
- `fed_by` / `fed_param` / `fed_output`: one argument fed by one output. `L_model_backward` is fed
  two arguments (AL and caches) by `L_model_forward`, and `update_parameters` takes a whole
  returned dictionary (grads): a mapping {param: (function, output or None for the whole value)}.
- `cache_layout` is a flat tuple of names; here caches nest: cache = (linear_cache, Z) with
  linear_cache = (A_prev, W, b). A nested layout of names, flattened to paths for messages.
- `returns` is "tuple" or "dict" with fixed key names; here `initialize_parameters_deep`,
  `L_model_backward` and `update_parameters` return dictionaries whose keys depend on the depth
  ("W{l}", "dA{l}"), and `compute_cost` returns one 0-d value ("value").
- `HELPERS = ("sigmoid", "softmax")` and the literals "parameters" (grader/memory.py,
  grader/names.py) and "cache" (grader/outputs.py, grader/scoring.py) name the first
  assignment's objects inside engine modules; they belong in its declaration.
- `backward` also means "report step T-1 first" (scoring's "the last time step, where the loop
  starts"); for layers the words are "layer L, where the backward loop starts".

What a layer axis needs (the fields added below)
------------------------------------------------
- `layer_keys`: key patterns with `{l}` (or `{l-1}`), parsed to (quantity, layer) so that a wrong
  "dW2" reads "layer 2's dW"; "dA{l-1}" says that key "dA1" is what layer 2 returns. The set of
  layers comes from the reference output of each case, not from here.
- `layer_lists`: for list outputs, the layer of position 0 ({"caches": 1}).
- `choices`: string arguments with a closed set of values ({"activation": ("sigmoid", "relu")});
  every case set covers each value, and verdicts on the callee say "wrong for relu" the way the
  RNN's say "wrong at t = 3". Recorded callee calls keep the choice, so a replay stub can also
  report a caller that passed "relu" for the last layer.
- `value_outputs`: outputs compared as one number (a float or a 0-d array is right, (1, 1) is
  not).
- `seeds_global_rng`: the function seeds np.random itself; the probe must set another global
  seed before calling it (solutions.deep_nn.cases.Case.global_seed).
- `must_not_mutate`: the inputs an in-place write into counts against (the first engine reports
  mutated inputs for every function; here update_parameters's contract forbids it outright).
- `points` sit here for the notebook generator (solutions/deep_nn/notebook.py) only; the engine
  keeps reading them from the master notebook, as it does for the first assignment.

What I would change in the engine
---------------------------------
1. grader/spec.py keeps only the record types; each assignment declares its FUNCTIONS, HELPERS,
   cache layouts and reference module in its own package, found through a registry keyed by the
   notebook metadata's "grader": {"assignment": ...} (the draft master sets it).
2. Replace `time_axis` by one `loop` declaration: kind "time" (an array axis) or "layer" (key
   patterns and list offsets), with the words for a position ("t = 3" / "layer 2") and the order
   the loop walks (forward, or backward from the last) in it, not in scoring.py.
3. Replace fed_by / fed_param / fed_output by `fed` (many parameters, whole values).
4. Nested cache layouts, flattened to paths such as cache[0][1] -> "W" for every message.
5. `returns="value"` with shape-strict comparison (0-d or float right, (1, 1) wrong).
6. `choices` for string arguments, recorded in callee calls and named in verdicts.
7. Global-RNG state as part of a case (`global_seed`), set by the probe before each call.
8. `is_cell`, the "parameters" and "cache" literals and HELPERS move into the declaration.
9. One Mistake record for every catalog (the draft copies solutions.mistakes.Mistake).
10. The build's fill_master takes the reference module and the number of marks from the
    declaration instead of `reference` and 8.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LINEAR_CACHE = ("A_prev", "W", "b")
CACHE = (LINEAR_CACHE, "Z")
"""cache = (linear_cache, activation_cache), linear_cache = (A_prev, W, b), activation_cache = Z."""

HELPERS = ("sigmoid", "relu", "sigmoid_backward", "relu_backward")
ACTIVATIONS = ("sigmoid", "relu")


@dataclass(frozen=True)
class Intermediate:
    """As grader.spec.Intermediate: a local worth checking and the outputs it feeds."""

    name: str
    feeds: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Function:
    """One graded function. The fields up to `backward` are grader.spec.Function's (with `fed`
    replacing fed_by / fed_param / fed_output, and a nested `cache_layout`); the rest are new."""

    name: str
    params: tuple[str, ...]
    outputs: tuple[str, ...]
    returns: str  # "tuple", "dict" or "value"
    points: float
    calls: tuple[str, ...] = ()
    fed: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    cache_layout: dict[str, tuple] = field(default_factory=dict)
    passthrough: tuple[str, ...] = ()
    intermediates: tuple[Intermediate, ...] = ()
    backward: bool = False
    layer_keys: tuple[str, ...] = ()
    layer_lists: dict[str, int] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    value_outputs: tuple[str, ...] = ()
    seeds_global_rng: bool = False
    must_not_mutate: tuple[str, ...] = ()


_GRADS = ("dA_prev", "dW", "db")

FUNCTIONS: tuple[Function, ...] = (
    Function(
        name="initialize_parameters_deep",
        params=("layer_dims",),
        outputs=("W{l}", "b{l}"),
        returns="dict",
        points=1.0,
        layer_keys=("W{l}", "b{l}"),
        seeds_global_rng=True,
    ),
    Function(
        name="linear_forward",
        params=("A", "W", "b"),
        outputs=("Z", "cache"),
        returns="tuple",
        points=1.0,
        cache_layout={"cache": ("A", "W", "b")},  # linear_forward names A_prev simply A
        passthrough=("A", "W", "b"),  # the cache holds the argument objects themselves
    ),
    Function(
        name="linear_activation_forward",
        params=("A_prev", "W", "b", "activation"),
        outputs=("A", "cache"),
        returns="tuple",
        points=1.0,
        calls=("linear_forward",),
        cache_layout={"cache": CACHE},
        passthrough=("A_prev", "W", "b"),
        choices={"activation": ACTIVATIONS},
        intermediates=(Intermediate("Z", ("A", "cache"), "the pre-activation W A_prev + b"),),
    ),
    Function(
        name="L_model_forward",
        params=("X", "parameters"),
        outputs=("AL", "caches"),
        returns="tuple",
        points=2.0,
        calls=("linear_activation_forward",),
        layer_lists={"caches": 1},
    ),
    Function(
        name="compute_cost",
        params=("AL", "Y"),
        outputs=("cost",),
        returns="value",
        points=1.0,
        fed={"AL": ("L_model_forward", "AL")},
        value_outputs=("cost",),
    ),
    Function(
        name="linear_backward",
        params=("dZ", "cache"),
        outputs=_GRADS,
        returns="tuple",
        points=2.0,
        fed={"cache": ("linear_forward", "cache")},
        backward=True,
    ),
    Function(
        name="linear_activation_backward",
        params=("dA", "cache", "activation"),
        outputs=_GRADS,
        returns="tuple",
        points=2.0,
        calls=("linear_backward",),
        fed={"cache": ("linear_activation_forward", "cache")},
        choices={"activation": ACTIVATIONS},
        backward=True,
        intermediates=(
            Intermediate("dZ", _GRADS, "the gradient at the pre-activation, through g'(Z)"),
        ),
    ),
    Function(
        name="L_model_backward",
        params=("AL", "Y", "caches"),
        outputs=("dA{l-1}", "dW{l}", "db{l}"),
        returns="dict",
        points=3.0,
        calls=("linear_activation_backward",),
        fed={"AL": ("L_model_forward", "AL"), "caches": ("L_model_forward", "caches")},
        backward=True,
        layer_keys=("dA{l-1}", "dW{l}", "db{l}"),
        intermediates=(
            Intermediate(
                "dAL", ("dA{l-1}", "dW{l}", "db{l}"), "the cost's derivative at AL, per example"
            ),
        ),
    ),
    Function(
        name="update_parameters",
        params=("parameters", "grads", "learning_rate"),
        outputs=("W{l}", "b{l}"),
        returns="dict",
        points=1.0,
        fed={"grads": ("L_model_backward", None)},
        layer_keys=("W{l}", "b{l}"),
        must_not_mutate=("parameters",),
    ),
)

BY_NAME: dict[str, Function] = {f.name: f for f in FUNCTIONS}
NAMES: tuple[str, ...] = tuple(f.name for f in FUNCTIONS)


def function(name: str) -> Function:
    """The declaration of `name`; an unknown name lists the known ones."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(NAMES)
        raise KeyError(f"no function {name!r} in this assignment; known: {known}") from None


def dependencies(name: str) -> tuple[str, ...]:
    """Every graded function whose bugs can make `name` fail as written, nearest first."""
    seen: list[str] = []
    todo = [name]
    while todo:
        spec = BY_NAME[todo.pop(0)]
        for dep in (*spec.calls, *(fn for fn, _ in spec.fed.values())):
            if dep not in seen:
                seen.append(dep)
                todo.append(dep)
    return tuple(seen)
