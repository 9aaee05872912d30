"""The record types an assignment is declared in; the declarations themselves live in
grader.assignments (one module per assignment, found by name in its registry).

Every other module reads a declaration: the case builder (which inputs to draw, which callees to
record), the isolation probe (which names to stub), the diagnosis (which outputs carry a loop
axis, which intermediates feed which outputs) and the report (order, and the words for a loop
position or a cache entry). What each question is worth is not here: the master notebook sets
it, and the build writes it into the case data (solutions.points, grader.casedata.Points).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

LOOP_KINDS = ("time", "layer")
LOOP_ORDERS = ("forward", "backward")
RETURNS = ("tuple", "dict", "value")
_PATTERN = re.compile(r"^(?P<name>[A-Za-z_]\w*?)\{(?P<var>[a-z])(?P<offset>[+-]\d+)?\}$")

Layout = tuple  # a cache layout: entry names, or nested layouts for nested tuples


def flat_entries(layout: Layout) -> tuple[str, ...]:
    """Every entry name of a (possibly nested) cache layout, in order."""
    names: list[str] = []
    for entry in layout:
        names += flat_entries(entry) if isinstance(entry, (tuple, list)) else [entry]
    return tuple(names)


def entry_at(layout: Layout, indices: list[int]) -> tuple[str | None, int]:
    """The name of the entry that `indices` (cache[i][j]...) lead to in a nested layout, and how
    many indices the layout consumed; (None, 0) outside it. A nested tuple that is reached but
    not entered is named by its entries ("(x, w, b)")."""
    here, used = layout, 0
    for i in indices:
        if not isinstance(here, (tuple, list)) or i >= len(here):
            break
        here, used = here[i], used + 1
        if not isinstance(here, (tuple, list)):
            return here, used
    if used == 0:
        return None, 0
    return "(" + ", ".join(flat_entries(here)) + ")", used


@dataclass(frozen=True)
class Intermediate:
    """A quantity computed inside a step function that is worth checking on its own.

    `feeds` names the outputs that are wrong whenever this quantity is wrong; `passed_as` the
    parameters of a called function that it is handed to (a function whose callees are
    replaced in isolation shows a wrong quantity only in what it passes them). An intermediate
    is reported when no local value matches it and every output it feeds is wrong, or an
    argument it is passed as is.
    """

    name: str
    feeds: tuple[str, ...]
    description: str
    passed_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loop:
    """The loop of a function that calls its step function once per position.

    kind: how a position shows in the outputs; "time": an array axis per output (`axes`);
        "layer": the position is part of a returned key ("grad{l}", `keys`), or the index in a
        list output (`caches`, whose item 0 is position `first`).
    axes: for outputs stacked over the loop, the axis that indexes the position.
    keys: for a layer loop, the patterns of the returned keys: a name and `{l}`, `{l-1}` or
        `{l+1}`, so "out{l-1}" says that key "out1" belongs to layer 2.
    first: the number of the first position (0 for time steps, 1 for layers).
    order: "forward" walks from the first position, "backward" from the last one.
    carried: the callee's arguments that one step hands to the next (the others are each
        step's own input).
    unit: what one position is called ("time step").
    position: one position in words, formatted with its index ("t = {}").
    caches: the output that holds one step-function cache per position, and
    caches_layout: its entries: None where the list of step caches sits, else the entry's name;
        empty when the output is itself the list of step caches.
    """

    kind: str = "time"
    axes: dict[str, int] = field(default_factory=dict)
    keys: tuple[str, ...] = ()
    first: int = 0
    order: str = "forward"
    carried: tuple[str, ...] = ()
    unit: str = "time step"
    position: str = "t = {}"
    caches: str | None = None
    caches_layout: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in LOOP_KINDS:
            raise ValueError(f"loop kind {self.kind!r} is unknown; known: {', '.join(LOOP_KINDS)}")
        if self.order not in LOOP_ORDERS:
            raise ValueError(f"loop order {self.order!r} is unknown; known: forward, backward")
        bad = [k for k in self.keys if not _PATTERN.match(k)]
        if bad:
            raise ValueError(
                f"loop key pattern(s) {', '.join(bad)} are not NAME{{l}} or NAME{{l-1}}"
            )

    @property
    def backward(self) -> bool:
        return self.order == "backward"

    def at(self, index: int) -> str:
        """One position in words: "t = 3"."""
        return self.position.format(index)

    def listed(self, positions) -> str:
        return ", ".join(self.at(i) for i in sorted(positions))

    def step(self, k: int, count: int) -> int:
        """The position of the k-th of `count` step calls, in the order the loop walks."""
        return self.first + (count - 1 - k if self.backward else k)

    def positions(self, count: int) -> tuple[int, ...]:
        """Every position of a loop of `count` steps, in the order the loop walks."""
        return tuple(self.step(k, count) for k in range(count))

    def start(self) -> str:
        """Where the loop starts, in words."""
        return (
            f"the last {self.unit}, where the loop starts" if self.backward else self.at(self.first)
        )

    def steps_list(self) -> int | None:
        """The index in the `caches` output of the list of step caches (None when the output is
        that list itself, or has none)."""
        return self.caches_layout.index(None) if None in self.caches_layout else None

    def key_position(self, key: str) -> tuple[str, int] | None:
        """(quantity, position) of a returned key that one of `keys` matches ("out1" with
        "out{l-1}": ("out", 2)); None for a key of no pattern."""
        for pattern in self.keys:
            match = _PATTERN.match(pattern)
            found = re.fullmatch(re.escape(match["name"]) + r"(\d+)", str(key))
            if found:
                return match["name"], int(found[1]) - int(match["offset"] or 0)
        return None


@dataclass(frozen=True)
class Function:
    """One function the students write.

    name: the function's name in the notebook.
    params: its parameters, in order.
    outputs: the names of what it returns: tuple items in order, the keys of the returned dict
        (patterns such as "grad{l}" for keys that depend on the case, see `Loop.keys`), or the
        one value's name.
    returns: "tuple", "dict" or "value" (one value, compared shape for shape: a 0-d array or a
        float is right where a (1, 1) array is not).
    calls: assignment functions it should call; replaced by replay stubs in isolation.
    fed: {parameter: (function, output)}: the parameters that, when the function runs as
        written, are an output of another assignment function (backward passes take their
        caches from the forward pass); output None: the whole returned value.
    loop: for a function that calls its step function once per position, that loop.
    cache: the output that is the function's cache, whose entries `cache_layout` names (a
        nested tuple for a nested cache: ((x, w, b), z)); `passthrough` names the entries
        that are the very argument objects it received.
    choices: string parameters with a closed set of values ({"mode": ("tanh",
        "linear")}); every case set covers each value, and verdicts name the value a case used.
    captures_locals: its local arrays are brought back from the kernel (a step function's
        quantities are compared with the reference's own).
    intermediates: quantities inside the function worth checking.
    backward: a backward pass (it receives a cache and returns gradients).
    assignment: the declaration this record belongs to (set by `Assignment`).
    """

    name: str
    params: tuple[str, ...]
    outputs: tuple[str, ...]
    returns: str
    calls: tuple[str, ...] = ()
    fed: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    loop: Loop | None = None
    cache: str | None = None
    cache_layout: Layout = ()
    passthrough: tuple[str, ...] = ()
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    captures_locals: bool = False
    intermediates: tuple[Intermediate, ...] = ()
    backward: bool = False
    assignment: Assignment | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.returns not in RETURNS:
            raise ValueError(f"{self.name}: returns {self.returns!r} is unknown; known: {RETURNS}")
        if self.returns == "value" and len(self.outputs) != 1:
            raise ValueError(f"{self.name}: a function that returns one value has one output")

    def output_index(self, output: str) -> int:
        return self.outputs.index(output)

    @property
    def keyed(self) -> bool:
        """Whether its returned keys depend on the case (patterns such as "grad{l}")."""
        return self.returns == "dict" and any(_PATTERN.match(o) for o in self.outputs)

    def output_names(self, expected: dict | None = None) -> tuple[str, ...]:
        """The names of its outputs on a case: `outputs`, or for keyed outputs the keys the
        reference returned on that case (`expected`), in the reference's order."""
        if self.keyed and expected is not None:
            return tuple(expected)
        return self.outputs

    def feeds_output(self, feed: str, output: str) -> bool:
        """Whether the output named `output` is `feed` or a key that the pattern `feed` names."""
        if feed == output:
            return True
        if self.loop is None or not _PATTERN.match(feed):
            return False
        found = Loop(kind=self.loop.kind, keys=(feed,)).key_position(output)
        return found is not None

    @property
    def producer(self) -> str | None:
        """The function whose outputs feed this one's parameters, if any (one per function)."""
        return next((fn for fn, _ in self.fed.values()), None)

    def choice_of(self, args) -> str:
        """The values of its `choices` parameters in `args`, in words ("tanh"); "" without."""
        values = []
        for param in self.choices:
            i = self.params.index(param)
            if i < len(args) and isinstance(args[i], str):
                values.append(args[i])
        return ", ".join(values)

    @property
    def time_axis(self) -> dict[str, int]:
        """The loop axis of each output stacked over the loop (none without a loop)."""
        return self.loop.axes if self.loop else {}

    def step(self, k: int, count: int) -> int:
        """The loop position of the k-th of `count` callee calls."""
        return self.loop.step(k, count) if self.loop else k

    def related(self, name: str) -> Function:
        """Another function of the same assignment (a callee or a producer)."""
        if self.assignment is None:
            raise LookupError(f"{self.name} is not part of a declared assignment")
        return self.assignment.function(name)


@dataclass(frozen=True)
class Words:
    """What the assignment calls the objects its messages name.

    parameters: the argument that holds the weights ("parameters"), whose keys per function
        are `parameter_keys`; cache / caches: a step's cache and the loop's caches;
    public_case: how the public case is named to students;
    whole_caches: what a loop passed to its step function when it passed the loop's whole
        caches output instead of one step's cache, and step_cache_hint: how to pass one;
    step_function: what the function a loop calls once per position is called ("cell").
    dict_key: a returned key in words, formatted with its quantity and position ("the {0} of
        layer {1}"), for outputs declared by pattern.
    edge_case: the sizes of the edge-size hidden case, other than its loop length ("one hidden
        unit"); a function with a loop adds "and one <loop unit>" when that case has one.
    """

    parameters: str
    cache: str
    caches: str
    public_case: str = "the public case"
    whole_caches: str = "the whole caches output of the forward pass"
    step_cache_hint: str = "Pass the cache of the step the loop is at"
    step_function: str = "step function"
    dict_key: str = "the {0} of position {1}"
    edge_case: str = "the smallest sizes"


@dataclass(frozen=True)
class Assignment:
    """One assignment, declared: its functions in notebook order and what else the engine
    needs to name. Checked when built: every callee and producer must be declared.

    name: the registry key (grader.assignments), recorded in the case data.
    functions: the graded functions, in the order of the notebook.
    helpers: functions the notebook gives the students (their frames count as the student's).
    parameter_keys: {function: keys of its parameters dict}.
    dimensions: the names of the sizes the shapes are written in.
    words: what messages call the assignment's objects.
    notebook: the student notebook's file name.
    """

    name: str
    functions: tuple[Function, ...]
    words: Words
    notebook: str = ""
    helpers: tuple[str, ...] = ()
    parameter_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dimensions: tuple[str, ...] = ()
    by_name: dict[str, Function] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        bound = tuple(dataclasses.replace(fn, assignment=self) for fn in self.functions)
        object.__setattr__(self, "functions", bound)  # the records, bound to this declaration
        object.__setattr__(self, "by_name", {fn.name: fn for fn in bound})
        named = {fn.name: [*fn.calls, *(p for p, _ in fn.fed.values())] for fn in bound}
        named["parameter_keys"] = list(self.parameter_keys)
        for owner, names in named.items():
            unknown = [n for n in names if n not in self.by_name]
            if unknown:
                raise ValueError(
                    f"assignment {self.name!r}: {owner} names {', '.join(unknown)}, which it "
                    f"does not declare; declared: {', '.join(self.names)}"
                )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(fn.name for fn in self.functions)

    def function(self, name: str) -> Function:
        """The declaration of `name`; an unknown name lists the known ones."""
        try:
            return self.by_name[name]
        except KeyError:
            raise KeyError(
                f"no function {name!r} in this assignment; known: {', '.join(self.names)}"
            ) from None

    def dependencies(self, name: str) -> tuple[str, ...]:
        """Every function whose bugs can make `name` fail as written, nearest first."""
        seen: list[str] = []
        todo = [name]
        while todo:
            fn = self.by_name[todo.pop(0)]
            for dep in (*fn.calls, *dict.fromkeys(p for p, _ in fn.fed.values())):
                if dep not in seen:
                    seen.append(dep)
                    todo.append(dep)
        return tuple(seen)

    def keys_of(self, fn: Function) -> tuple[str, ...]:
        """The keys of the parameters dict `fn` reads."""
        return self.parameter_keys.get(fn.name, ())
