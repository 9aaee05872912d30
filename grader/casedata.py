"""The case data written by the build: inputs, reference outputs, recorded callee calls,
reference intermediates and fingerprints of known mistakes. Read here, never computed here."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader import probe, spec
from grader.errors import CaseDataError

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


@dataclass(frozen=True)
class CaseData:
    """Cases per function and the catalog of known mistakes they fingerprint."""

    cases: dict[str, tuple[Case, ...]]
    mistakes: dict[str, dict] = field(default_factory=dict)
    sets: tuple[str, ...] = ()
    paths: tuple[Path, ...] = ()
    inputs_only: bool = False
    digests: dict[str, str] = field(default_factory=dict)

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


def load(*paths: Path) -> CaseData:
    """Merge the case files at `paths` (public and/or hidden)."""
    cases: dict[str, list[Case]] = {name: [] for name in spec.NAMES}
    mistakes: dict[str, dict] = {}
    sets = []
    digests = {}
    inputs_only = False
    for path in paths:
        raw, digests[str(path)] = _read(Path(path))
        inputs_only = inputs_only or bool(raw.get("inputs_only"))
        sets.append(raw["set"])
        mistakes.update(raw.get("mistakes", {}))
        for name, items in raw["cases"].items():
            if name not in cases:
                raise CaseDataError(f"the case file {path} has cases for unknown function {name!r}")
            cases[name].extend(Case(**item) for item in items)
    return CaseData(
        {k: tuple(v) for k, v in cases.items()},
        mistakes,
        tuple(sets),
        tuple(map(Path, paths)),
        inputs_only,
        digests,
    )


def find_case_files(*folders: Path, sets: tuple[str, ...] = SETS) -> list[Path]:
    """For each set, the first `<set>_cases.json` found in `folders`, then in the package data.

    A folder may hold the file itself or a copy of this package (`grader/data/`), as the
    student bundle and otter's grading folder do.
    """
    found = []
    for case_set in sets:
        name = f"{case_set}_cases.json"
        candidates = [Path(f) / name for f in folders]
        candidates += [Path(f) / "grader" / "data" / name for f in folders]
        candidates.append(PACKAGE_DATA / name)
        match = next((c for c in candidates if c.is_file()), None)
        if match is not None:
            found.append(match)
    return found
