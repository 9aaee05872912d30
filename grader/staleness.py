"""What only worked because of old kernel state: the saved notebook against its fresh run.

Messages count cells from 1, as a person scrolling the notebook does; the `cell` field of each
item is the 0-based position in the notebook's list of cells.
"""

from __future__ import annotations

import ast
import difflib
import re

import nbformat

from grader.assignments import assignment
from grader.execution import cell_text
from grader.names import advice
from grader.records import RunRecord, StaleItem
from grader.spec import Assignment

MAX_DRIFT_ITEMS = 5
RESTART = "Restart the kernel and run all cells, then save."
_NAME_ERROR = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_CHECK_CALL = re.compile(r"""\.check\(\s*["']([A-Za-z_0-9]+)["']""")


def _parse(source: str) -> ast.Module | None:
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except (SyntaxError, ValueError):
        return None


def defined_names(source: str) -> set[str]:
    """Top-level names a cell defines: functions, classes, assignments and imports."""
    tree = _parse(source)
    names: set[str] = set()
    if tree is None:
        return names
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names


def _code_cells(nb: nbformat.NotebookNode) -> list[tuple[int, nbformat.NotebookNode]]:
    return [(i, c) for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"]


def _saved_error(cell) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def _longest_increasing(counts: list[tuple[int, int]]) -> set[int]:
    """Positions (cell indices) of the longest run of cells whose counts increase downwards."""
    best: list[list[int]] = []
    for k, (_, count) in enumerate(counts):
        chain = max((best[j] for j in range(k) if counts[j][1] < count), key=len, default=[])
        best.append([*chain, k])
    longest = max(best, key=len, default=[])
    return {counts[k][0] for k in longest}


def out_of_order(nb: nbformat.NotebookNode) -> list[StaleItem]:
    """Cells run out of top-to-bottom order: those outside the longest increasing run of
    execution counts (one re-run cell is flagged, not every cell below it)."""
    counts = [
        (i, c["execution_count"])
        for i, c in _code_cells(nb)
        if isinstance(c.get("execution_count"), int)
    ]
    in_order = _longest_increasing(counts)
    items = []
    for index, count in counts:
        if index in in_order:
            continue
        below = [(i, c) for i, c in counts if i > index and i in in_order and c < count]
        above = [(i, c) for i, c in counts if i < index and i in in_order and c > count]
        if below:
            other, other_count = below[0]
            relation = f"after cell {other + 1} below it (execution count {other_count})"
        else:
            other, other_count = above[-1]
            relation = f"before cell {other + 1} above it (execution count {other_count})"
        items.append(
            StaleItem(
                "out_of_order",
                index,
                f"Cell {index + 1} ran (execution count {count}) {relation}: the saved "
                f"outputs come from an order the grader does not use. {RESTART}",
            )
        )
    return items


def _definers(nb: nbformat.NotebookNode, name: str) -> list[int]:
    return [i for i, c in _code_cells(nb) if name in defined_names(c.get("source", ""))]


def _renamed_as(name: str, defined: set[str]) -> list[str]:
    """The defined name that `name` most likely became: one containing it, else a close one."""
    if len(name) >= 3:
        containing = sorted((n for n in defined if name in n), key=len)
        if containing:
            return containing[:1]
    return difflib.get_close_matches(name, sorted(defined), n=1, cutoff=0.75)


def _rename_hint(nb: nbformat.NotebookNode, name: str) -> str:
    everything = set().union(*(defined_names(c.get("source", "")) for _, c in _code_cells(nb)))
    close = _renamed_as(name, everything - {name})
    if not close:
        return ""
    cell = _definers(nb, close[0])[0]
    return f" (cell {cell + 1} now defines `{close[0]}`: was it renamed?)"


def name_error_message(nb: nbformat.NotebookNode, index: int, name: str, lead: str = "") -> str:
    """Why cell `index` cannot find `name` in a fresh kernel, and what to do.

    lead: how the sentence starts; by default "Cell N uses `name`".
    """
    where = index + 1
    uses = lead or f"Cell {where} uses `{name}`"
    definers = _definers(nb, name)
    if index in definers:
        return (
            f"{uses} above the line of the same cell that defines it: it "
            f"only worked because the cell had been run before. Move the definition up. "
            f"{RESTART}"
        )
    later = [i for i in definers if i > index]
    if later:
        return (
            f"{uses} before cell {later[0] + 1} defines it: it only "
            f"worked because cell {later[0] + 1} had been run earlier. Move the definition "
            f"above its first use. {RESTART}"
        )
    if definers:
        return (
            f"{uses}, which cell {definers[-1] + 1} defines, but that "
            f"definition did not take effect in a fresh kernel (that cell failed or skips "
            f"it). {RESTART}"
        )
    return (
        f"{uses}, which no cell of the notebook defines any more"
        f"{_rename_hint(nb, name)}: it was defined in a cell that has since been deleted, "
        f"renamed or changed. Define `{name}` again above cell {where}. {RESTART}"
    )


def fresh_errors(nb: nbformat.NotebookNode, run: RunRecord) -> list[StaleItem]:
    """Cells that fail in the fresh kernel although their saved output shows a clean run,
    including checks whose saved output passed and whose fresh output shows a NameError."""
    items = []
    cells = nb.cells
    for cell_run in run.cells:
        if cell_run.index < 0 or cell_run.status not in ("error", "ok"):
            continue
        saved = cells[cell_run.index]
        if not isinstance(saved.get("execution_count"), int) or _saved_error(saved):
            continue
        saved_text = cell_text(saved.get("outputs", []))
        if cell_run.status == "ok":
            match = _NAME_ERROR.search(cell_run.text)
            if not match or _NAME_ERROR.search(saved_text):
                continue
            name = match.group(1)
            lead = (
                f"Cell {cell_run.index + 1} showed a clean result when saved, but in a fresh "
                f"kernel the code it runs uses `{name}`"
            )
            items.append(
                StaleItem(
                    "fresh_error",
                    cell_run.index,
                    name_error_message(nb, cell_run.index, name, lead),
                )
            )
            continue
        match = _NAME_ERROR.search(cell_run.evalue)
        if cell_run.ename == "NameError" and match:
            message = name_error_message(nb, cell_run.index, match.group(1))
        else:
            message = (
                f"Cell {cell_run.index + 1} raises {cell_run.ename} ({cell_run.evalue[:120]}) "
                f"in a fresh kernel, but its saved output shows it ran without error: it "
                f"depended on state left over from an earlier session. {RESTART}"
            )
        items.append(StaleItem("fresh_error", cell_run.index, message))
    return items


def _calls(source: str, names: set[str]) -> bool:
    """Whether `source` calls one of `names` or runs a check of one of them."""
    for name in names:
        if re.search(rf"(?<![\w.]){re.escape(name)}\s*\(", source):
            return True
    return bool(names & set(_CHECK_CALL.findall(source)))


def _users(declared: Assignment, function: str) -> set[str]:
    """`function` and every graded function built on it."""
    return {function} | {n for n in declared.names if function in declared.dependencies(n)}


def ran_cleanly(nb: nbformat.NotebookNode, function: str, declared: Assignment) -> bool:
    """Whether the saved notebook shows `function` once ran without error: a cell that calls
    it (or a function built on it, or its check) was run and saved no error."""
    users = _users(declared, function)
    for _, cell in _code_cells(nb):
        if not isinstance(cell.get("execution_count"), int) or _saved_error(cell):
            continue
        if _NAME_ERROR.search(cell_text(cell.get("outputs", []))):
            continue  # a check that saved the NameError: it never worked
        lines = cell.get("source", "").splitlines()
        if _calls("\n".join(line for line in lines if not line.lstrip().startswith("def ")), users):
            return True
    return False


def missing_in_functions(
    nb: nbformat.NotebookNode, errors: dict[str, str], declared: Assignment
) -> list[StaleItem]:
    """Graded functions that raise NameError for a name no cell defines any more, in a saved
    notebook that shows they once ran without error (else the name was never defined: the
    function's own finding says so, see grader.names).

    `errors` maps a function name to the message of the NameError its call raised.
    """
    items = []
    for function, evalue in errors.items():
        match = _NAME_ERROR.search(evalue)
        if not match:
            continue
        name = match.group(1)
        where = _definers(nb, function)
        cell = where[-1] if where else -1
        if _definers(nb, name) or not ran_cleanly(nb, function, declared):
            continue  # defined somewhere (an ordering problem), or it never worked
        defined_at = f" (cell {cell + 1})" if cell >= 0 else ""
        renamed = _rename_hint(nb, name)
        fix = advice(declared.function(function), name) if function in declared.names else ""
        if renamed or not fix or fix.startswith("Compute"):  # a rename says it better
            fix = f"Define `{name}` again or update `{function}`."
        items.append(
            StaleItem(
                "missing_name",
                cell,
                f"`{function}`{defined_at} uses `{name}`, which no cell of the notebook defines "
                f"any more{renamed}. It only worked in the kernel where an older "
                f"version of a cell had defined it. {fix} {RESTART}",
            )
        )
    return items


def passed_checks(
    nb: nbformat.NotebookNode, errors: dict[str, str], flagged: set[int], declared: Assignment
) -> list[StaleItem]:
    """Check cells saved with a clean result for a function whose fresh call raises NameError:
    the check only passed in the old kernel (the check itself defers its verdict in the
    grader's kernel, so its fresh output cannot say so)."""
    items = []
    for function, evalue in errors.items():
        match = _NAME_ERROR.search(evalue)
        if not match or function not in declared.names:
            continue
        name = match.group(1)
        users = _users(declared, function)
        for index, cell in _code_cells(nb):
            if index in flagged or not isinstance(cell.get("execution_count"), int):
                continue
            if _saved_error(cell) or _NAME_ERROR.search(cell_text(cell.get("outputs", []))):
                continue
            if not users & set(_CHECK_CALL.findall(cell.get("source", ""))):
                continue
            lead = (
                f"Cell {index + 1} showed a clean result when saved, but in a fresh kernel the "
                f"code it checks uses `{name}`"
            )
            items.append(StaleItem("fresh_error", index, name_error_message(nb, index, name, lead)))
            flagged.add(index)
    return items


def redefinitions(nb: nbformat.NotebookNode, names: tuple[str, ...]) -> list[StaleItem]:
    """Graded functions defined in more than one cell; the grader sees the last one run."""
    items = []
    code = _code_cells(nb)
    for name in names:
        where = _definers(nb, name)
        if len(where) < 2:
            continue
        last = where[-1]
        checked = [
            i
            for i, c in code
            if where[0] < i < last and name in _CHECK_CALL.findall(c.get("source", ""))
        ]
        listed = ", ".join(str(i + 1) for i in where[:-1])
        plural = "s" if len(where) > 2 else ""
        message = (
            f"`{name}` is defined in cell{plural} {listed} and again in cell {last + 1}; the "
            f"grader uses the last definition (cell {last + 1})"
        )
        if checked:
            message += (
                f", not the one the check in cell {checked[0] + 1} tested. Keep one definition"
            )
        else:
            message += ". Keep one definition"
        items.append(
            StaleItem("redefined", last, message + f" and {RESTART[0].lower()}{RESTART[1:]}")
        )
    return items


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in _ADDRESS.sub("0x…", text).strip().splitlines())


def drifted_outputs(nb: nbformat.NotebookNode, run: RunRecord) -> list[StaleItem]:
    """Cells that ran cleanly both times but printed something else in the fresh kernel."""
    items = []
    for cell_run in run.cells:
        if cell_run.status != "ok" or cell_run.index < 0:
            continue
        saved_cell = nb.cells[cell_run.index]
        if not saved_cell.get("outputs") or _saved_error(saved_cell):
            continue
        if _CHECK_CALL.search(saved_cell.get("source", "")):
            continue  # a check's words come from the grader, which judges outside the kernel
        saved, fresh = _normalise(cell_text(saved_cell["outputs"])), _normalise(cell_run.text)
        if saved == fresh:
            continue
        saved_lines, fresh_lines = saved.splitlines() or [""], fresh.splitlines() or [""]
        k = next(
            (i for i, (a, b) in enumerate(zip(saved_lines, fresh_lines)) if a != b),
            min(len(saved_lines), len(fresh_lines)),
        )
        was = saved_lines[k] if k < len(saved_lines) else "(nothing)"
        now = fresh_lines[k] if k < len(fresh_lines) else "(nothing)"
        items.append(
            StaleItem(
                "drifted_output",
                cell_run.index,
                f"Cell {cell_run.index + 1} shows different output in a fresh kernel: the saved "
                f"notebook has {was[:100]!r} where the fresh run prints {now[:100]!r}. The saved "
                f"output came from other code or state. {RESTART}",
            )
        )
        if len(items) >= MAX_DRIFT_ITEMS:
            break
    return items


def stale_state(
    saved: nbformat.NotebookNode,
    run: RunRecord,
    name_errors: dict[str, str] | None = None,
    declared: Assignment | None = None,
) -> tuple[StaleItem, ...]:
    """Every stale-state item, ordered by cell.

    `name_errors`: for graded functions whose call raised NameError, the error message.
    `declared`: the assignment graded (the default one of grader.assignments when None).
    """
    declared = declared or assignment()
    items = out_of_order(saved) + fresh_errors(saved, run) + redefinitions(saved, declared.names)
    items += missing_in_functions(saved, name_errors or {}, declared)
    flagged = {item.cell for item in items if item.kind == "fresh_error"}
    items += passed_checks(saved, name_errors or {}, flagged, declared)
    explained = {item.cell for item in items if item.kind == "fresh_error"}
    items += [item for item in drifted_outputs(saved, run) if item.cell not in explained]
    return tuple(sorted(items, key=lambda item: (item.cell, item.kind)))
