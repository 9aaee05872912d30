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
from dataclasses import dataclass, field

LOOP_KINDS = ("time",)  # "layer" (key patterns and list offsets) is the next to come
LOOP_ORDERS = ("forward", "backward")


@dataclass(frozen=True)
class Intermediate:
    """A quantity computed inside a step function that is worth checking on its own.

    `feeds` names the outputs that are wrong whenever this quantity is wrong; an intermediate is
    reported only when every output it feeds is wrong and no local value matches it.
    """

    name: str
    feeds: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Loop:
    """The loop of a function that calls its step function once per position.

    kind: how a position shows in the outputs; "time": an array axis per output (`axes`).
    axes: for outputs stacked over the loop, the axis that indexes the position.
    order: "forward" walks from the first position, "backward" from the last one.
    carried: the callee's arguments that one step hands to the next (the others are each
        step's own input).
    unit: what one position is called ("time step").
    position: one position in words, formatted with its index ("t = {}").
    caches: the output that holds one step-function cache per position, and
    caches_layout: its entries: None where the list of step caches sits, else the entry's name.
    """

    kind: str = "time"
    axes: dict[str, int] = field(default_factory=dict)
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
        return count - 1 - k if self.backward else k

    def start(self) -> str:
        """Where the loop starts, in words."""
        return f"the last {self.unit}, where the loop starts" if self.backward else self.at(0)

    def steps_list(self) -> int | None:
        """The index in the `caches` output of the list of step caches."""
        return self.caches_layout.index(None) if None in self.caches_layout else None


@dataclass(frozen=True)
class Function:
    """One function the students write.

    name: the function's name in the notebook.
    params: its parameters, in order.
    outputs: the names of what it returns: tuple items in order, or the keys of the returned dict.
    returns: "tuple" or "dict".
    calls: assignment functions it should call; replaced by replay stubs in isolation.
    fed: {parameter: (function, output)}: the parameters that, when the function runs as
        written, are an output of another assignment function (backward passes take their
        caches from the forward pass); output None: the whole returned value. The case builder
        (solutions/cases.py) and the probe's producer record handle one fed parameter so far.
    loop: for a function that calls its step function once per position, that loop.
    cache: the output that is the function's cache, whose entries `cache_layout` names;
        `passthrough` names the entries that are the very argument objects it received.
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
    cache_layout: tuple[str, ...] = ()
    passthrough: tuple[str, ...] = ()
    captures_locals: bool = False
    intermediates: tuple[Intermediate, ...] = ()
    backward: bool = False
    assignment: Assignment | None = field(default=None, compare=False, repr=False)

    def output_index(self, output: str) -> int:
        return self.outputs.index(output)

    @property
    def producer(self) -> str | None:
        """The function whose outputs feed this one's parameters, if any."""
        return next((fn for fn, _ in self.fed.values()), None)

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
