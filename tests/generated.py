"""A course's worth of generated submissions, made from the built student notebook.

A few base notebooks are written and run once the way `solutions.examples` writes the bundled
examples (a correct one, one real catalogued mistake per function, one saved from a stale
kernel), then copied into many submissions that differ in their bytes only by a student
number in the notebook's metadata (which no grading reads), mixed with broken files (not a
notebook, empty, truncated, a zip holding no notebook). Each submission's kind says what its
grade must show:

    correct             full marks, no stale state
    buggy:<mistake id>  the mistaken function among the root causes
    stale               stale state found
    broken              an invalid_notebook run
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from solutions.examples import stale_renamed_helper
from solutions.mistakes import MISTAKES
from solutions.notebooks import executed, notebook

BROKEN = {
    "not-json": b'{"cells": [{"cell_type": "code", "source": "import numpy as np"',
    "empty": b"",
    "text": b"Dear professor, my notebook is attached.\n",
    "list": b"[1, 2, 3]",
}


@dataclass(frozen=True)
class Generated:
    identifier: str  # as the gradebook names it
    kind: str
    mistake: str = ""  # the function with the mistake, for "buggy"


def _first_mistake_per_function():
    seen, chosen = set(), []
    for mistake in MISTAKES:
        if mistake.function not in seen:
            seen.add(mistake.function)
            chosen.append(mistake)
    return chosen


def base_notebooks(student_path: Path) -> dict[str, nbformat.NotebookNode]:
    """kind -> an executed notebook: correct, one buggy per function, stale."""
    student = nbformat.read(student_path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "student"
        shutil.copytree(student_path.parent, folder)
        bases = {"correct": executed(notebook(student), folder)}
        for mistake in _first_mistake_per_function():
            nb = notebook(student, **{mistake.function: mistake.source})
            bases[f"buggy:{mistake.id}"] = executed(nb, folder)
        bases["stale"] = stale_renamed_helper(student, folder)
    return bases


def _variant(nb: nbformat.NotebookNode, student: int) -> bytes:
    copy = nbformat.from_dict(nb)
    copy.metadata["course"] = {"student": student}
    return nbformat.writes(copy).encode("utf-8")


def write_corpus(
    bases: dict[str, nbformat.NotebookNode], out: Path, count: int = 200, in_zip: int = 50
) -> tuple[list[str], list[Generated]]:
    """`count` submissions under `out`: the first `in_zip` in `out/export.zip` (an LMS export,
    one folder per student), the rest in `out/folder/student-NNN/`. Of every ten, three are
    correct, two buggy (cycling through the bases), one stale and four broken. Returns the
    sources to name on the command line and what each submission is."""
    kinds = [k for k in bases if k.startswith("buggy:")]
    pattern = [
        "correct",
        "buggy",
        "broken",
        "correct",
        "stale",
        "broken",
        "buggy",
        "broken",
        "correct",
        "broken",
    ]
    folder, archive = out / "folder", out / "export.zip"
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Generated] = []
    buggy = 0
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as export:
        for k in range(count):
            kind = pattern[k % len(pattern)]
            mistake = ""
            if kind == "broken":
                name = sorted(BROKEN)[k % len(BROKEN)]
                data = BROKEN[name] + f"\n{k}".encode() * bool(BROKEN[name])
            else:
                if kind == "buggy":
                    kind = kinds[buggy % len(kinds)]
                    buggy += 1
                    mistake = kind.split(":", 1)[1]
                data = _variant(bases[kind], k)
            member = f"student-{k:03d}/rnn_lstm.ipynb"
            if k < in_zip:
                export.writestr(member, data)
                identifier = f"{archive}/{member}"
            else:
                path = folder / member
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                identifier = str(path)
            function = next((m.function for m in MISTAKES if m.id == mistake), "")
            made.append(Generated(identifier, kind.split(":")[0], function))
    return [str(archive), str(folder)], made
