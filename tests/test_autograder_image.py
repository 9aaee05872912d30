"""The autograder zip carries what its grading image needs: in a new environment built only
from the zip (as otter grade's Docker image and Gradescope build it), the plugin imports and
grades. Docker itself is not available here, so the image is stood in for by a new virtualenv."""

import json
import subprocess
import venv
import zipfile

from master_points import POINTS
from otterrun import per_question


def test_environment_built_from_the_zip_grades_with_the_plugin(built, tmp_path):
    """pip-install the zip's own requirement, then otter run there: full marks for the solution."""
    source = tmp_path / "source"
    with zipfile.ZipFile(built["autograder_zip"]) as zf:
        zf.extractall(source)
    requirement = source / "files" / "rnn_grader"
    assert "/autograder/source/files/rnn_grader" in (source / "environment.yml").read_text()

    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    python = str(env / "bin" / "python")
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", str(requirement)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]

    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [
            python,
            "-m",
            "otter",
            "run",
            "-a",
            str(built["autograder_zip"]),
            "-o",
            str(out),
            str(built["solution"]),
        ],
        capture_output=True,
        text=True,
        cwd=out,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((out / "results.json").read_text())
    assert per_question(results) == dict(POINTS)
    assert "RootCausePlugin" in done.stdout
    where = subprocess.run(
        [python, "-c", "import grader; print(grader.__file__)"],
        capture_output=True,
        text=True,
        cwd=out,
    )
    assert where.stdout.startswith(str(env)), where.stdout  # the zip's copy, not this checkout
