"""The case data written by the build: inputs, reference outputs, recorded callee calls,
reference intermediates and fingerprints of known mistakes. Read here, never computed here.

Each file names the assignment it was built for (`"assignment"`, a key of grader.assignments);
a file without one is of the default assignment. The loaded data carries that declaration, and
each case its function's record (`Case.declared`), so the engine reads the assignment from the
data it grades against."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import probe
from grader.assignments import DEFAULT
from grader.assignments import assignment as declaration
from grader.errors import CaseDataError
from grader.spec import Assignment, Function

SCHEMA = 1
SETS = ("public", "hidden")
PACKAGE_DATA = Path(__file__).resolve().parent / "data"
DIGESTS = "case_digests.json"


@dataclass(frozen=True)
class Case:
    """One input for one function, with everything the diagnosis compares against."""

    id: str
    set: str
    function: str
    args: list
    expected: dict[str, Any]
    calls: dict[str, dict]
    producer: dict | None
    intermediates: dict[str, Any]
    fingerprints: list[dict]
    shared: list = field(default_factory=list)
    edge: bool = False
    """An edge-size case (the smallest sizes): it can cost points, never earn them; see
    `counted`."""
    seed: int | None = None
    """The global NumPy seed every call of the case starts from (None: left as it is)."""
    declared: Function | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Points:
    """What one question is worth, as the master notebook sets it: `question` in all, shared
    between its test sets (`by_set`, e.g. {"public": 0.25, "hidden": 0.75})."""

    question: float
    by_set: dict[str, float]

    def earned(self, outcomes: dict[str, tuple[int, int]]) -> float:
        """The points for (passed, total) cases per set (see `counted`). Each set is worth its
        share; when only some sets are at hand (the public data alone), they share the
        question's points in proportion to their own shares, so a function is always worth
        `question`."""
        graded = {s: (p, t) for s, (p, t) in outcomes.items() if t}
        if not graded:
            return 0.0
        weight = sum(self.by_set.get(s, 0.0) for s in graded)
        if weight <= 0:  # the sets at hand are worth nothing: count their cases alike
            passed = sum(p for p, _ in graded.values())
            return self.question * passed / sum(t for _, t in graded.values())
        share = sum(self.by_set.get(s, 0.0) * p / t for s, (p, t) in graded.items())
        return self.question * share / weight

    def as_dict(self) -> dict[str, float]:
        return {"question": self.question, **self.by_set}


def counted(outcomes: list[tuple[bool, bool]]) -> tuple[int, int]:
    """(passed, total) for one set's cases, given as (passed, edge) pairs. An edge case (the
    smallest sizes, where a wrong recurrence can still give the right numbers) earns nothing
    by passing, and failing it costs what failing a regular case costs: (regular cases passed
    - edge cases failed, at least 0) out of the regular cases. A set of edge cases alone
    counts them as regular ones."""
    regular = [passed for passed, edge in outcomes if not edge]
    if not regular:
        return sum(passed for passed, _ in outcomes), len(outcomes)
    edge_failed = sum(not passed for passed, edge in outcomes if edge)
    return max(0, sum(regular) - edge_failed), len(regular)


def counted_by_set(cases) -> dict[str, tuple[int, int]]:
    """(passed, total) per case set, by `counted`, for case results (`set`, `passed`, `edge`)."""
    outcomes: dict[str, list[tuple[bool, bool]]] = {}
    for case in cases:
        outcomes.setdefault(case.set, []).append((case.passed, case.edge))
    return {case_set: counted(found) for case_set, found in outcomes.items()}


def _points(raw: dict, path: Path, names: tuple[str, ...]) -> dict[str, Points]:
    """The points table of one case file, checked: a number per set for every function."""
    table = raw.get("points")
    rebuild = "rebuild with `python -m grader build`"
    if not isinstance(table, dict):
        raise CaseDataError(
            f"the case file {path} has no points table (a build older than this grader wrote "
            f"it); {rebuild}"
        )
    missing = [n for n in names if n not in table]
    if missing:
        raise CaseDataError(
            f"the case file {path} has no points for {', '.join(missing)}; {rebuild}"
        )
    found = {}
    for name in names:
        entry = table[name]
        ok = (
            isinstance(entry, dict)
            and "question" in entry
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in entry.values())
        )
        if not ok:
            raise CaseDataError(
                f"the case file {path} has points for {name} that are not numbers per set: "
                f"{entry!r}; {rebuild}"
            )
        by_set = {k: float(v) for k, v in entry.items() if k != "question"}
        found[name] = Points(float(entry["question"]), by_set)
    return found


@dataclass(frozen=True)
class CaseData:
    """Cases per function and the catalog of known mistakes they fingerprint."""

    cases: dict[str, tuple[Case, ...]]
    mistakes: dict[str, dict] = field(default_factory=dict)
    sets: tuple[str, ...] = ()
    paths: tuple[Path, ...] = ()
    inputs_only: bool = False
    digests: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    points: dict[str, Points] = field(default_factory=dict)
    assignment: Assignment = field(default_factory=declaration, compare=False)

    def points_of(self, name: str) -> Points:
        """What `name`'s question is worth and how its sets share it (from the build)."""
        try:
            return self.points[name]
        except KeyError:
            raise CaseDataError(
                f"the case data has no points for {name}; rebuild with `python -m grader build`"
            ) from None

    def public_file(self) -> Path | None:
        """The public case file, which may be shown to the student's kernel."""
        return next((p for p in self.paths if p.name == "public_cases.json"), None)

    def for_function(self, name: str) -> tuple[Case, ...]:
        return self.cases.get(name, ())


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_digest(path: Path, data: bytes) -> str:
    """The file's SHA-256, checked against the build's record of it (DIGESTS beside it)."""
    found = digest(data)
    manifest = path.parent / DIGESTS
    if manifest.is_file():
        try:
            expected = json.loads(manifest.read_text(encoding="utf-8")).get(path.name)
        except (OSError, ValueError, AttributeError):
            raise CaseDataError(f"the digest file {manifest} cannot be read") from None
        if expected is not None and expected != found:
            raise CaseDataError(
                f"the case file {path} has changed since the build (SHA-256 {found[:12]}…, "
                f"the build recorded {str(expected)[:12]}…); rebuild with `python -m grader build`"
            )
    return found


def _read(path: Path) -> tuple[dict, str]:
    try:
        data = path.read_bytes()
        found = _check_digest(path, data)
        raw = probe.decode(json.loads(data.decode("utf-8")))
    except FileNotFoundError:
        raise CaseDataError(f"no case file at {path}; run `python -m grader build` first") from None
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise CaseDataError(f"the case file {path} cannot be read: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("schema") != SCHEMA:
        raise CaseDataError(f"the case file {path} is not of schema {SCHEMA}")
    return raw, found


def _assignment(raws: list, named: str | None) -> Assignment:
    """The declaration the case files are of: the one they name, else `named`, else the
    default; files that disagree, with each other or with `named`, are refused."""
    found = {str(path): raw.get("assignment") or named or DEFAULT for path, raw, _ in raws}
    wanted = set(found.values()) | ({named} if named else set())
    if len(wanted) > 1:
        listed = ", ".join(f"{path} ({name})" for path, name in found.items())
        asked = f" (asked for {named})" if named else ""
        raise CaseDataError(f"the case files are of different assignments{asked}: {listed}")
    try:
        return declaration(wanted.pop() if wanted else None)
    except KeyError as exc:
        raise CaseDataError(f"the case files are of an unknown assignment: {exc}") from None


def load(*paths: Path, assignment: str | None = None) -> CaseData:
    """Merge the case files at `paths` (public and/or hidden), all of one assignment.

    assignment: the name (grader.assignments) to grade as; a file naming another is refused.
    Files that name none (built before the name was recorded) are of it, or of the default.
    """
    raws = [(path, *_read(Path(path))) for path in paths]
    declared = _assignment(raws, assignment)
    names = declared.names
    cases: dict[str, list[Case]] = {name: [] for name in names}
    mistakes: dict[str, dict] = {}
    sets = []
    digests = {}
    inputs_only = False
    settings: dict[str, Any] = {}
    points: dict[str, Points] = {}
    points_from: Path | None = None
    for path, raw, found in raws:
        digests[str(path)] = found
        table = _points(raw, Path(path), names)
        if points_from is not None and table != points:
            differ = next(n for n in names if table[n] != points[n])
            raise CaseDataError(
                f"the case files {points_from} and {path} disagree on the points of {differ} "
                f"({points[differ].as_dict()} against {table[differ].as_dict()}); they come "
                f"from different builds: rebuild with `python -m grader build`"
            )
        points, points_from = table, Path(path)
        inputs_only = inputs_only or bool(raw.get("inputs_only"))
        sets.append(raw["set"])
        mistakes.update(raw.get("mistakes", {}))
        settings.update(raw.get("settings", {}))
        for name, items in raw["cases"].items():
            if name not in cases:
                raise CaseDataError(f"the case file {path} has cases for unknown function {name!r}")
            fn = declared.function(name)
            cases[name].extend(Case(**item, declared=fn) for item in items)
    return CaseData(
        {k: tuple(v) for k, v in cases.items()},
        mistakes,
        tuple(sets),
        tuple(map(Path, paths)),
        inputs_only,
        digests,
        settings,
        points,
        declared,
    )


def find_case_files(
    *folders: Path, sets: tuple[str, ...] = SETS, packaged: bool = True
) -> list[Path]:
    """For each set, the first `<set>_cases.json` found in `folders`, then (with `packaged`)
    in the package data.

    A folder may hold the file itself or a copy of this package (`grader/data/`), as the
    student bundle and otter's grading folder do.
    """
    found = []
    for case_set in sets:
        name = f"{case_set}_cases.json"
        candidates = [Path(f) / name for f in folders]
        candidates += [Path(f) / "grader" / "data" / name for f in folders]
        if packaged:
            candidates.append(PACKAGE_DATA / name)
        match = next((c for c in candidates if c.is_file()), None)
        if match is not None:
            found.append(match)
    return found
