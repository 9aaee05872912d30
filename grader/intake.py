"""Reading a submission: a file that is not a usable notebook becomes a finding, not a crash."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.records import Finding

MAX_BYTES = 50 * 1024 * 1024
CURRENT_MAJOR = 4

NOT_FOUND = "The submission {path} does not exist."
NOT_A_FILE = "The submission {path} is a folder, not a notebook file."
TOO_LARGE = "The submission {path} is {size:.1f} MB; notebooks over {limit} MB are not graded."
NOT_JSON = (
    "The submission {path} is not a Jupyter notebook: it is not valid JSON "
    "({error}). Submit the .ipynb file saved by Jupyter."
)
NOT_NOTEBOOK = (
    "The submission {path} is JSON but not a Jupyter notebook: {error}. "
    "Submit the .ipynb file saved by Jupyter."
)
OLD_FORMAT = (
    "The submission {path} uses notebook format {major}, which is too old to read; "
    "open it in a current Jupyter and save it again (format 4)."
)
UPGRADED = "The submission {path} was saved in notebook format 3; it was upgraded to format 4."
INVALID = (
    "The submission {path} does not follow the notebook format at {where}: {error}. "
    "It was graded as far as it could be read."
)


@dataclass(frozen=True)
class Intake:
    """A read submission: the notebook (None when unusable) and what was noticed on the way."""

    path: str
    notebook: nbformat.NotebookNode | None
    notices: tuple[Finding, ...]


def _where(error: Exception) -> str:
    path = getattr(error, "absolute_path", None) or getattr(error, "path", None) or []
    return "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in path) or "the top level"


def read_submission(path: str | Path) -> Intake:
    """Read and check `path`; never raises for a bad file."""
    path = Path(path)
    shown = path.name

    def bad(template: str, **fields) -> Intake:
        message = template.format(path=shown, **fields)
        return Intake(str(path), None, (Finding("invalid-notebook", message),))

    if not path.exists():
        return bad(NOT_FOUND)
    if path.is_dir():
        return bad(NOT_A_FILE)
    size = path.stat().st_size
    if size > MAX_BYTES:
        return bad(TOO_LARGE, size=size / 1e6, limit=MAX_BYTES // (1024 * 1024))
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return bad(NOT_JSON, error=str(exc)[:160])
    if not isinstance(raw, dict) or not isinstance(raw.get("cells", raw.get("worksheets")), list):
        return bad(NOT_NOTEBOOK, error="it has no list of cells")
    major = raw.get("nbformat")
    if not isinstance(major, int):
        return bad(NOT_NOTEBOOK, error="it does not say which notebook format it uses")
    if major < 3:
        return bad(OLD_FORMAT, major=major)
    notices: list[Finding] = []
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=CURRENT_MAJOR)
    except Exception as exc:  # nbformat raises several types for malformed input
        return bad(NOT_NOTEBOOK, error=str(exc)[:160])
    if major == 3:
        notices.append(Finding("upgraded-notebook", UPGRADED.format(path=shown)))
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        notices.append(
            Finding(
                "notebook-format",
                INVALID.format(path=shown, where=_where(exc), error=str(exc.message)[:160]),
            )
        )
    for cell in nb.cells:
        if cell.get("cell_type") == "code" and not isinstance(cell.get("source"), str):
            return bad(NOT_NOTEBOOK, error="a code cell has no source text")
    return Intake(str(path), nb, tuple(notices))
